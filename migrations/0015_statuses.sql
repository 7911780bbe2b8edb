-- Who a status is addressed to (may_see reads it), apart from whom its text mentions:
-- Pleroma's ``to`` and list posts address others than the mentioned. Before both, the
-- mentioned (less the author) were exactly the addressed.
ALTER TABLE statuses ADD COLUMN addressed text[] NOT NULL DEFAULT '{}';
UPDATE statuses SET addressed = array_remove(mentions, account_id);
-- The local custom emoji used, shortcode to image path, so rendering scans no folder.
ALTER TABLE statuses ADD COLUMN emojis jsonb NOT NULL DEFAULT '{}';
-- Quotes: the quoted status, and how often a status is quoted, kept as a count.
ALTER TABLE statuses ADD COLUMN quote_id text;
ALTER TABLE statuses ADD COLUMN quotes_count integer NOT NULL DEFAULT 0;
CREATE INDEX statuses_quotes ON statuses (quote_id, id) WHERE quote_id IS NOT NULL;
