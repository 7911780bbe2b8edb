-- Polls, one per status (the poll's id is the status's). Counts are kept per option in
-- option order; question_id names the current version: an edit that changes the options
-- replaces it, and votes cast for the old one no longer count.
CREATE TABLE polls (
    status_id text PRIMARY KEY,
    question_id text NOT NULL,
    options text[] NOT NULL,
    option_votes integer[] NOT NULL,
    multiple boolean NOT NULL,
    hide_totals boolean NOT NULL,
    expires_at timestamptz NOT NULL,
    votes_count integer NOT NULL DEFAULT 0,
    voters_count integer NOT NULL DEFAULT 0
);

CREATE TABLE poll_votes (
    status_id text NOT NULL,
    voter_id text NOT NULL,
    choices integer[] NOT NULL,
    PRIMARY KEY (status_id, voter_id)
);
