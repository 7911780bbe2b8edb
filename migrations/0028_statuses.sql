-- A thread context's statuses, newest first: Pleroma's conversation timelines page them.
CREATE INDEX statuses_by_conversation ON statuses (conversation_id, id DESC);
