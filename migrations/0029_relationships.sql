-- Follow requests to locked accounts, endorsements and private notes on accounts; each
-- follow and request gets a page key (the log position that made it, as a flake-width
-- string) so followers, following and requests page by it as Mastodon pages by its ids.
-- Follows recorded before this file have no key: rebuild the relationships read model.
ALTER TABLE follows ADD COLUMN page_id text;
CREATE INDEX follows_followers_page ON follows (followed_id, page_id);
CREATE INDEX follows_following_page ON follows (follower_id, page_id);

CREATE TABLE follow_requests (
    follower_id text NOT NULL,
    followed_id text NOT NULL,
    notify boolean NOT NULL DEFAULT false,
    reblogs boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL,
    page_id text NOT NULL,
    PRIMARY KEY (follower_id, followed_id)
);
CREATE INDEX follow_requests_page ON follow_requests (followed_id, page_id);

CREATE TABLE endorsements (
    account_id text NOT NULL,
    target_id text NOT NULL,
    created_at timestamptz NOT NULL,
    page_id text NOT NULL,
    PRIMARY KEY (account_id, target_id)
);
CREATE INDEX endorsements_page ON endorsements (account_id, page_id);

CREATE TABLE account_notes (
    account_id text NOT NULL,
    target_id text NOT NULL,
    comment text NOT NULL,
    PRIMARY KEY (account_id, target_id)
);
