-- Per-account data keys for crypto-shredding. A NULL wrapped_key is a tombstone:
-- the account was forgotten and its key is never recreated.
CREATE TABLE pii_keys (
    owner uuid PRIMARY KEY,
    wrapped_key bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    destroyed_at timestamptz
);
