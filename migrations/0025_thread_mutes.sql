-- A reader's muted conversations; an expired mute stays until unmuted but no longer matches.
CREATE TABLE thread_mutes (
    account_id text NOT NULL,
    conversation_id text NOT NULL,
    expires_at timestamptz,
    PRIMARY KEY (account_id, conversation_id)
);
