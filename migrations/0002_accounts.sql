CREATE TABLE accounts (
    id text PRIMARY KEY,
    username text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    note text NOT NULL DEFAULT '',
    locked boolean NOT NULL DEFAULT false,
    bot boolean NOT NULL DEFAULT false,
    discoverable boolean NOT NULL DEFAULT false,
    is_admin boolean NOT NULL DEFAULT false,
    is_moderator boolean NOT NULL DEFAULT false,
    deactivated boolean NOT NULL DEFAULT false,
    fields jsonb NOT NULL DEFAULT '[]',
    -- the Pleroma flags and preferences of update_credentials, as one document
    preferences jsonb NOT NULL DEFAULT '{}',
    settings_store jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX accounts_username_key ON accounts (lower(username));
CREATE INDEX accounts_search ON accounts (lower(username) text_pattern_ops);

-- Login material stays out of the public profile table.
CREATE TABLE credentials (
    account_id text PRIMARY KEY,
    email text,
    password_hash text NOT NULL
);
CREATE UNIQUE INDEX credentials_email_key ON credentials (lower(email));
