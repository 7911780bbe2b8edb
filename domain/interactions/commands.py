import msgspec


class FavouriteStatus(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str


class UnfavouriteStatus(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str


class BookmarkStatus(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str
    folder_id: str | None = None


class UnbookmarkStatus(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str
