"""Votes as ActivityPub carries them: a Create of Answers, each naming one option and in
reply to the Question, addressed to the poll's author alone.

A local ``Voted`` event would have served the read models as well; the Create is chosen
because it is already the activity a federation worker delivers for a vote, and the log
speaks ActivityStreams wherever an activity exists. One Create holds all of a voter's
choices, so a multiple-choice vote is recorded whole or not at all. Choices are indexes,
not the option's text: the text is the poll author's personal data, encrypted with the
Note, and must not be copied under the voter's key.
"""

import msgspec

from tidings.domain.events import Activity


class Answer(msgspec.Struct, kw_only=True, frozen=True):
    choice: int  # index into the Question's options


class Create(Activity, kw_only=True, frozen=True):
    object: list[Answer]
    in_reply_to: str  # the status carrying the Question
    question_id: str  # the Question voted in: a vote for a replaced poll counts for nothing
    attributed_to: str  # the poll's author
