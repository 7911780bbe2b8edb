-- Each favourite and bookmark carries its own flake id: lists page by when it was made.
CREATE TABLE favourites (
    id text PRIMARY KEY,
    account_id text NOT NULL,
    status_id text NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX favourites_by_account ON favourites (account_id, id DESC);
CREATE INDEX favourites_by_status ON favourites (status_id, id DESC);

CREATE TABLE bookmarks (
    id text PRIMARY KEY,
    account_id text NOT NULL,
    status_id text NOT NULL,
    folder_id text,
    UNIQUE (account_id, status_id)
);
CREATE INDEX bookmarks_by_account ON bookmarks (account_id, id DESC);
CREATE INDEX bookmarks_by_status ON bookmarks (status_id);
