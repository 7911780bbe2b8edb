-- Lists and their members, and each list's timeline fanned out on write. Like the home
-- timeline, it keeps its own copy of follows and post audiences, so a rebuild is exact.
CREATE TABLE lists (
    id text PRIMARY KEY,
    owner_id text NOT NULL,
    title text NOT NULL,
    replies_policy text NOT NULL,
    exclusive boolean NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX lists_by_owner ON lists (owner_id, id);

CREATE TABLE list_members (
    list_id text NOT NULL,
    account_id text NOT NULL,
    PRIMARY KEY (list_id, account_id)
);
CREATE INDEX list_members_by_account ON list_members (account_id, list_id);

CREATE TABLE list_follows (
    follower_id text NOT NULL,
    followed_id text NOT NULL,
    PRIMARY KEY (follower_id, followed_id)
);

CREATE TABLE list_posts (
    status_id text PRIMARY KEY,
    author_id text NOT NULL,
    visibility text NOT NULL,
    reply_to_account_id text
);
CREATE INDEX list_posts_by_author ON list_posts (author_id, status_id DESC);

-- reply_to_account_id comes along so the list's replies policy applies at read time,
-- and a change of policy needs no rewrite.
CREATE TABLE list_timeline (
    list_id text NOT NULL,
    status_id text NOT NULL,
    author_id text NOT NULL,
    reply_to_account_id text,
    PRIMARY KEY (list_id, status_id)
);
CREATE INDEX list_timeline_by_status ON list_timeline (status_id);
