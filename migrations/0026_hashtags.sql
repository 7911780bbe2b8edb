-- Each status's tags, one row per (tag, status), so hashtag search finds tags by prefix in
-- an index and keeps only those on statuses the reader may see.
CREATE TABLE hashtag_uses (
    name text NOT NULL,
    status_id text NOT NULL,
    PRIMARY KEY (name, status_id)
);
CREATE INDEX hashtag_uses_by_prefix ON hashtag_uses (name text_pattern_ops);
CREATE INDEX hashtag_uses_by_status ON hashtag_uses (status_id);
