CREATE TABLE oauth_apps (
    id text PRIMARY KEY,
    client_id text NOT NULL UNIQUE,
    client_secret_digest text NOT NULL,
    name text NOT NULL,
    website text,
    redirect_uris text[] NOT NULL,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE oauth_tokens (
    id text PRIMARY KEY,
    token_digest text NOT NULL UNIQUE,
    refresh_digest text UNIQUE,
    app_id text NOT NULL,
    account_id text,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX oauth_tokens_account ON oauth_tokens (account_id);

-- Codes not yet redeemed; the digest is what the client presents, hashed.
CREATE TABLE oauth_codes (
    stream uuid PRIMARY KEY,
    code_digest text NOT NULL UNIQUE,
    app_id text NOT NULL,
    account_id text NOT NULL,
    scopes text[] NOT NULL,
    redirect_uri text NOT NULL,
    expires_at timestamptz NOT NULL
);
