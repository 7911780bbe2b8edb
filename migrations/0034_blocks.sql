-- The id each row pages by in GET /api/v1/blocks, /mutes and /domain_blocks (Link
-- headers): the log position of the event that made it, zero-padded so that text order is
-- log order, hence the same on every rebuild.
ALTER TABLE blocks ADD COLUMN page_id text NOT NULL DEFAULT '';
ALTER TABLE mutes ADD COLUMN page_id text NOT NULL DEFAULT '';
ALTER TABLE domain_blocks ADD COLUMN page_id text NOT NULL DEFAULT '';
CREATE INDEX blocks_by_page ON blocks (account_id, page_id DESC);
CREATE INDEX mutes_by_page ON mutes (account_id, page_id DESC);
CREATE INDEX domain_blocks_by_page ON domain_blocks (account_id, page_id DESC);
