-- A reblog is a status row of its own (its id, the reblogger, its visibility) pointing at
-- the original, so every timeline pages by when it was reblogged.
ALTER TABLE statuses ADD COLUMN reblog_of_id text;
-- One reblog per (account, status): the viewer's marks and the write side's rule alike.
CREATE UNIQUE INDEX statuses_reblog_by_account ON statuses (account_id, reblog_of_id)
    WHERE reblog_of_id IS NOT NULL;
-- Who reblogged a status, by reblog id; and the reblogs a deleted status takes along.
CREATE INDEX statuses_reblogs ON statuses (reblog_of_id, id) WHERE reblog_of_id IS NOT NULL;

-- Public timelines never show reblogs, as on Mastodon.
DROP INDEX statuses_public;
DROP INDEX statuses_local;
CREATE INDEX statuses_public ON statuses (id DESC)
    WHERE visibility = 'public' AND reblog_of_id IS NULL;
CREATE INDEX statuses_local ON statuses (id DESC)
    WHERE visibility IN ('public', 'local') AND reblog_of_id IS NULL;

-- Statuses featured on their author's profile; pin_id orders them newest pin first.
CREATE TABLE pinned_statuses (
    status_id text PRIMARY KEY,
    account_id text NOT NULL,
    pin_id text NOT NULL,
    pinned_at timestamptz NOT NULL
);
CREATE INDEX pinned_statuses_by_account ON pinned_statuses (account_id, pin_id DESC);
