import msgspec


class ReadConversations(msgspec.Struct, kw_only=True, frozen=True):
    """``participations``: participation id to its thread, all the owner's."""

    account_id: str
    participations: dict[str, str]


class SetConversationRecipients(msgspec.Struct, kw_only=True, frozen=True):
    participation_id: str
    account_id: str
    conversation_id: str
    recipients: list[str]


class DeleteConversation(msgspec.Struct, kw_only=True, frozen=True):
    participation_id: str
    account_id: str
    conversation_id: str
