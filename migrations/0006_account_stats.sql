CREATE TABLE account_stats (
    account_id text PRIMARY KEY,
    followers_count integer NOT NULL DEFAULT 0,
    following_count integer NOT NULL DEFAULT 0,
    statuses_count integer NOT NULL DEFAULT 0,
    last_status_at timestamptz
);

-- Whether each follow is live, so a change of follow options is not counted twice.
CREATE TABLE follow_edges (
    stream uuid PRIMARY KEY,
    active boolean NOT NULL
);
