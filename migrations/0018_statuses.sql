-- Edits: the row shows the latest version; status_edits keeps every version once a status
-- is first edited (the original included, as Mastodon's history shows it).
ALTER TABLE statuses ADD COLUMN edited_at timestamptz;
-- An edit changes mentions but never ``addressed`` (0015): the audience stays the Create's.

CREATE TABLE status_edits (
    status_id text NOT NULL,
    version integer NOT NULL,  -- the event's place in the status's stream
    account_id text NOT NULL,
    content text NOT NULL,
    spoiler_text text NOT NULL,
    sensitive boolean NOT NULL,
    poll_options text[],  -- NULL: no poll in that version
    emojis jsonb NOT NULL,  -- shortcode: image path, as statuses.emojis
    created_at timestamptz NOT NULL,
    PRIMARY KEY (status_id, version)
);
