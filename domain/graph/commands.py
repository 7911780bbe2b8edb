import msgspec


class FollowAccount(msgspec.Struct, kw_only=True, frozen=True):
    follower_id: str
    followed_id: str
    notify: bool | None = None
    reblogs: bool | None = None


class UnfollowAccount(msgspec.Struct, kw_only=True, frozen=True):
    follower_id: str
    followed_id: str


class SubscribeAccount(msgspec.Struct, kw_only=True, frozen=True):
    """Pleroma's subscribe/unsubscribe: the ``notify`` option of an existing follow."""

    follower_id: str
    followed_id: str
    notify: bool


class AuthorizeFollowRequest(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str  # the followed account, answering
    follower_id: str


class RejectFollowRequest(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    follower_id: str


class RemoveFromFollowers(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    follower_id: str


class EndorseAccount(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    target_id: str


class UnendorseAccount(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    target_id: str


class SetAccountNote(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    target_id: str
    comment: str
