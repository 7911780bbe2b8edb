-- Who blocks and mutes whom, and which domains each account blocks. A mute past its
-- expires_at stops matching at read time; the expiry job's event deletes the row.
CREATE TABLE blocks (
    account_id text NOT NULL,
    target_id text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, target_id)
);
CREATE INDEX blocks_by_target ON blocks (target_id, account_id);

CREATE TABLE mutes (
    account_id text NOT NULL,
    target_id text NOT NULL,
    notifications boolean NOT NULL DEFAULT true,
    expires_at timestamptz,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, target_id)
);

CREATE TABLE domain_blocks (
    account_id text NOT NULL,
    domain text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, domain)
);
