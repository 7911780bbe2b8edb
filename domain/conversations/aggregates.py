from tidings.domain.aggregate import Aggregate
from tidings.domain.conversations import events
from tidings.domain.conversations.ids import participation_id
from tidings.domain.errors import NotFound
from tidings.domain.events import Event
from tidings.domain.ids import flake_of


class Participation(Aggregate):
    """One account's place in one thread. Its id is derived from the two, so whether an
    account owns it needs no state: someone else's is answered as if it did not exist."""

    def check_owner(self, by: str, conversation_id: str) -> None:
        if participation_id(by, conversation_id) != flake_of(self.id):
            raise NotFound("Record not found")

    def read(self, by: str, conversation_id: str) -> None:
        self.check_owner(by, conversation_id)
        self.trigger(events.ParticipationRead, account_id=by, conversation_id=conversation_id)

    def set_recipients(self, by: str, conversation_id: str, recipients: list[str]) -> None:
        self.check_owner(by, conversation_id)
        self.trigger(
            events.RecipientsChanged,
            account_id=by,
            conversation_id=conversation_id,
            recipients=[r for r in dict.fromkeys(recipients) if r != by],
        )

    def delete(self, by: str, conversation_id: str) -> None:
        self.check_owner(by, conversation_id)
        self.trigger(events.ParticipationDeleted, account_id=by, conversation_id=conversation_id)

    def apply(self, event: Event) -> None:
        pass  # the rules above need no state
