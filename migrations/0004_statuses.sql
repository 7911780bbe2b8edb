CREATE TABLE statuses (
    id text PRIMARY KEY,
    account_id text NOT NULL,
    visibility text NOT NULL,
    content text NOT NULL,
    source text NOT NULL,
    content_type text NOT NULL,
    spoiler_text text NOT NULL DEFAULT '',
    sensitive boolean NOT NULL DEFAULT false,
    language text,
    in_reply_to_id text,
    in_reply_to_account_id text,
    conversation_id text,
    mentions text[] NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    app_id text,
    replies_count integer NOT NULL DEFAULT 0,
    reblogs_count integer NOT NULL DEFAULT 0,
    favourites_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL
);
CREATE INDEX statuses_by_account ON statuses (account_id, id DESC);
CREATE INDEX statuses_public ON statuses (id DESC) WHERE visibility = 'public';
CREATE INDEX statuses_local ON statuses (id DESC) WHERE visibility IN ('public', 'local');
