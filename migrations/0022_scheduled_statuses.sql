CREATE TABLE scheduled_statuses (
    id text PRIMARY KEY,
    account_id text NOT NULL,
    scheduled_at timestamptz NOT NULL,
    params jsonb NOT NULL
);
CREATE INDEX scheduled_statuses_by_account ON scheduled_statuses (account_id, id DESC);
