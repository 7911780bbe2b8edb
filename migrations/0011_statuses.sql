-- A thread's replies are found by walking down in_reply_to_id (the context endpoint).
CREATE INDEX statuses_replies ON statuses (in_reply_to_id, id) WHERE in_reply_to_id IS NOT NULL;
