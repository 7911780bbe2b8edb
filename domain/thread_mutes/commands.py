from datetime import datetime

import msgspec


class MuteConversation(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str
    conversation_id: str
    expires_at: datetime | None = None


class UnmuteConversation(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    status_id: str
    conversation_id: str
