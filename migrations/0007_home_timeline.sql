-- The home timeline keeps its own copy of who follows whom and of each post's audience,
-- so a rebuild from the log is exact whatever state the other read models are in.
CREATE TABLE home_follows (
    follower_id text NOT NULL,
    followed_id text NOT NULL,
    PRIMARY KEY (followed_id, follower_id)
);

CREATE TABLE home_posts (
    status_id text PRIMARY KEY,
    author_id text NOT NULL,
    visibility text NOT NULL
);
CREATE INDEX home_posts_by_author ON home_posts (author_id, status_id DESC);

CREATE TABLE home_timeline (
    owner_id text NOT NULL,
    status_id text NOT NULL,
    author_id text NOT NULL,
    PRIMARY KEY (owner_id, status_id)
);
CREATE INDEX home_timeline_by_status ON home_timeline (status_id);
