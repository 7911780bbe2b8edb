-- What is due, derived from the log alone: a row appears with the event that makes a job
-- due and goes with the event that completes or cancels it. Leases live in Redis, so a
-- rebuild or a verify compares only what the log says.
CREATE TABLE due_jobs (
    key text PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb NOT NULL,
    due_at timestamptz NOT NULL,
    notification_id bigint NOT NULL
);
CREATE INDEX due_jobs_by_time ON due_jobs (due_at);
