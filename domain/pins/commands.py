import msgspec


class PinStatus(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str
    max_pinned: int  # the instance's limit, from its settings


class UnpinStatus(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str
