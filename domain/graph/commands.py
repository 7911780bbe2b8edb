import msgspec


class FollowAccount(msgspec.Struct, kw_only=True, frozen=True):
    follower_id: str
    followed_id: str
    notify: bool | None = None
    reblogs: bool | None = None


class UnfollowAccount(msgspec.Struct, kw_only=True, frozen=True):
    follower_id: str
    followed_id: str
