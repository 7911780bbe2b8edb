"""Favourites as ActivityStreams Like and Undo; bookmarks as local events, since
ActivityStreams has no bookmark. Each stream is one (account, status) pair."""

from tidings.domain.events import Activity, Event


class Like(Activity, kw_only=True, frozen=True):
    object: str  # the status id
    attributed_to: str  # the status's author, whom a notification would reach
    like_id: str  # the favourite's own flake id: lists page by when it was favourited


class Undo(Activity, kw_only=True, frozen=True):
    """Undo of the stream's Like."""

    object: str  # the status id


class Bookmarked(Event, kw_only=True, frozen=True):
    account_id: str
    status_id: str
    bookmark_id: str  # the bookmark's own flake id, for paging by when it was made
    folder_id: str | None = None


class Unbookmarked(Event, kw_only=True, frozen=True):
    account_id: str
    status_id: str
