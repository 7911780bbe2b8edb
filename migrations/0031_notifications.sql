-- Each recipient's notifications. The id is a flake made from the time the notification
-- shows (created_at) and the log position of the event that made it, so rebuilding gives
-- the same ids and Mastodon's id paging works. A poll's end is a row made when the poll
-- was created (or voted in) with created_at at its end time: reads skip rows from the future.
CREATE TABLE notifications (
    id text PRIMARY KEY,
    account_id text NOT NULL,
    type text NOT NULL,
    from_account_id text NOT NULL,
    status_id text,
    notification_id bigint NOT NULL,
    created_at timestamptz NOT NULL,
    is_seen boolean NOT NULL DEFAULT false,
    extra jsonb NOT NULL DEFAULT '{}'  -- per-type fields (an emoji, a move's target...)
);
CREATE INDEX notifications_by_account ON notifications (account_id, id DESC);
CREATE INDEX notifications_unseen ON notifications (account_id, id) WHERE NOT is_seen;
CREATE INDEX notifications_by_status ON notifications (status_id) WHERE status_id IS NOT NULL;
CREATE INDEX notifications_by_position ON notifications (notification_id);
CREATE INDEX notifications_polls_due ON notifications (created_at) WHERE type = 'poll';

-- What deciding a notification needs, kept at this read model's own position: who
-- follows whom (status notifications, requests), who reblogged what (update
-- notifications), each poll and its voters (poll notifications).
CREATE TABLE notification_follows (
    follower_id text NOT NULL,
    followed_id text NOT NULL,
    notify boolean NOT NULL,
    requested boolean NOT NULL,
    PRIMARY KEY (followed_id, follower_id)
);

CREATE TABLE notification_reblogs (
    status_id text NOT NULL,
    account_id text NOT NULL,
    PRIMARY KEY (status_id, account_id)
);

CREATE TABLE notification_polls (
    status_id text PRIMARY KEY,
    author_id text NOT NULL,
    question_id text NOT NULL,
    end_time timestamptz NOT NULL
);

CREATE TABLE notification_poll_voters (
    status_id text NOT NULL,
    voter_id text NOT NULL,
    PRIMARY KEY (status_id, voter_id)
);

CREATE TABLE notification_settings (
    account_id text PRIMARY KEY,
    block_from_strangers boolean NOT NULL DEFAULT false,
    hide_notification_contents boolean NOT NULL DEFAULT false
);

-- Mastodon's markers (home and notifications), here because reading notifications moves
-- the notifications marker, as Pleroma does, in the same commit.
CREATE TABLE markers (
    account_id text NOT NULL,
    timeline text NOT NULL,
    last_read_id text NOT NULL,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, timeline)
);
