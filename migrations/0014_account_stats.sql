-- Reblogs count among an account's statuses, as on Mastodon; each is kept so an Undo or
-- the original's deletion takes back exactly what was counted.
CREATE TABLE stats_reblogs (
    reblog_id text PRIMARY KEY,
    account_id text NOT NULL,
    status_id text NOT NULL
);
CREATE INDEX stats_reblogs_by_status ON stats_reblogs (status_id);
