-- Reblogs reach followers who let them (the follow's ``reblogs`` option), and a reblog is
-- left out of a home that already holds its original or another reblog of it.
ALTER TABLE home_follows ADD COLUMN reblogs boolean NOT NULL DEFAULT true;

ALTER TABLE home_posts ADD COLUMN reblog_of_id text;
ALTER TABLE home_posts ADD COLUMN reblog_of_author_id text;
CREATE INDEX home_posts_reblogs ON home_posts (reblog_of_id) WHERE reblog_of_id IS NOT NULL;

ALTER TABLE home_timeline ADD COLUMN reblog_of_id text;
CREATE INDEX home_timeline_reblogs ON home_timeline (owner_id, reblog_of_id)
    WHERE reblog_of_id IS NOT NULL;
