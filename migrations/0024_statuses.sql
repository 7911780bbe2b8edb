-- Tag timelines and hashtag search: one GIN lookup on the lowercased tags.
CREATE INDEX statuses_tags ON statuses USING gin (tags);
-- The direct timeline: direct statuses by their author, and by the accounts they address.
CREATE INDEX statuses_direct_by_account ON statuses (account_id, id DESC)
    WHERE visibility = 'direct';
CREATE INDEX statuses_direct_addressed ON statuses USING gin (addressed)
    WHERE visibility = 'direct';
-- Status search: full text of what the author typed, with no language's stemming.
CREATE INDEX statuses_source_search ON statuses USING gin (to_tsvector('simple', source));
