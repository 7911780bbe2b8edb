import msgspec

from tidings.domain.addressing import Visibility


class ReblogStatus(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str  # the original: the API resolves a reblog's id to what it reblogs
    visibility: Visibility = "public"


class UnreblogStatus(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str
