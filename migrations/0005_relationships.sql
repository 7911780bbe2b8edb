CREATE TABLE follows (
    follower_id text NOT NULL,
    followed_id text NOT NULL,
    notify boolean NOT NULL DEFAULT false,
    reblogs boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (follower_id, followed_id)
);
CREATE INDEX follows_followed ON follows (followed_id, follower_id);
