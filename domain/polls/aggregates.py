from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid
from tidings.domain.events import Event
from tidings.domain.polls import events
from tidings.domain.statuses.events import Question


def ballot_stream(voter: str, question_id: str) -> UUID:
    """One stream per (voter, poll): an edit that replaces the poll starts fresh ballots."""
    return uuid5(NAMESPACE_URL, f"/ballots/{voter}/{question_id}")


class Ballot(Aggregate):
    """One voter's vote in one poll, cast once."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.cast = False

    def vote(
        self, voter: str, status_id: str, author: str, poll: Question, choices: list[int]
    ) -> None:
        if self.cast:
            raise Invalid("Validation failed: You have already voted on this poll")
        if not choices:
            raise Invalid("Validation failed: choices must name at least one option")
        if any(c < 0 or c >= len(poll.options) for c in choices):
            raise Invalid("Validation failed: The chosen vote option does not exist")
        if len(set(choices)) != len(choices):
            raise Invalid("Validation failed: the same option was chosen twice")
        if len(choices) > 1 and not poll.multiple:
            raise Invalid("Validation failed: Too many choices: this poll allows one")
        self.trigger(
            events.Create,
            actor=voter,
            to=[author],
            object=[events.Answer(choice=c) for c in choices],
            in_reply_to=status_id,
            question_id=poll.id,
            attributed_to=author,
        )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Create):
            self.cast = True
