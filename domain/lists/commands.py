import msgspec


class CreateList(msgspec.Struct, kw_only=True, frozen=True):
    list_id: str
    owner_id: str
    title: str
    replies_policy: str = "list"
    exclusive: bool = False


class UpdateList(msgspec.Struct, kw_only=True, frozen=True):
    """None leaves a setting as it is."""

    list_id: str
    owner_id: str
    title: str | None = None
    replies_policy: str | None = None
    exclusive: bool | None = None


class DeleteList(msgspec.Struct, kw_only=True, frozen=True):
    list_id: str
    owner_id: str


class AddListMembers(msgspec.Struct, kw_only=True, frozen=True):
    list_id: str
    owner_id: str
    account_ids: list[str]


class RemoveListMembers(msgspec.Struct, kw_only=True, frozen=True):
    list_id: str
    owner_id: str
    account_ids: list[str]
