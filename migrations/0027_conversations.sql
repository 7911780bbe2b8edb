-- Pleroma's conversations: one participation per (account, thread) in direct messages.
-- ``recipients`` are the others addressed when the participation began: later posts never
-- change them (only the owner may). ``conversation_posts`` is the projection's own copy of
-- who each direct post reached, so a deleted last status falls back to the one before it
-- and a rebuild is exact whatever the other read models hold.
CREATE TABLE participations (
    id text PRIMARY KEY,
    account_id text NOT NULL,
    conversation_id text NOT NULL,
    recipients text[] NOT NULL,
    unread boolean NOT NULL,
    last_status_id text,
    updated_at timestamptz NOT NULL,
    UNIQUE (account_id, conversation_id)
);
CREATE INDEX participations_by_conversation ON participations (conversation_id);
CREATE INDEX participations_by_activity ON participations (account_id, last_status_id DESC);

CREATE TABLE conversation_posts (
    status_id text PRIMARY KEY,
    conversation_id text NOT NULL,
    participants text[] NOT NULL
);
CREATE INDEX conversation_posts_by_conversation ON conversation_posts (conversation_id, status_id DESC);
