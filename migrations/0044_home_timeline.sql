-- Exclusive lists (Mastodon 4.2): posts by a member of one of the reader's exclusive lists
-- skip the reader's home when they are fanned out. The home timeline keeps its own copy of
-- lists and members, so a rebuild from the log is exact whatever the lists read model holds.
CREATE TABLE home_lists (
    id text PRIMARY KEY,
    owner_id text NOT NULL,
    exclusive boolean NOT NULL
);

CREATE TABLE home_list_members (
    list_id text NOT NULL,
    owner_id text NOT NULL,
    account_id text NOT NULL,
    PRIMARY KEY (list_id, account_id)
);
CREATE INDEX home_list_members_by_account ON home_list_members (account_id, owner_id);
