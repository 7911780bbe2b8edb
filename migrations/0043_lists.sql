-- Reblogs in list timelines, as in the home timeline: a reblog is a post of its own, by the
-- reblogger, pointing at its original; it reaches the lists holding the reblogger whose
-- owner takes the reblogger's reblogs (the follow's ``reblogs`` option), and is left out
-- of a list already holding its original or another reblog of it.
ALTER TABLE list_follows ADD COLUMN reblogs boolean NOT NULL DEFAULT true;
-- The follow stream's version where the current follow began: a member joins only under a
-- follow that has stood since the version its ListMemberAdded names, as the write side decides.
ALTER TABLE list_follows ADD COLUMN since_version bigint NOT NULL DEFAULT 1;

ALTER TABLE list_posts ADD COLUMN reblog_of_id text;
ALTER TABLE list_posts ADD COLUMN reblog_of_author_id text;
CREATE INDEX list_posts_reblogs ON list_posts (reblog_of_id) WHERE reblog_of_id IS NOT NULL;

ALTER TABLE list_timeline ADD COLUMN reblog_of_id text;
CREATE INDEX list_timeline_reblogs ON list_timeline (list_id, reblog_of_id)
    WHERE reblog_of_id IS NOT NULL;

-- A follow ending takes its account out of the follower's lists: found by owner.
CREATE INDEX list_timeline_by_author ON list_timeline (author_id, list_id);
