-- Appending events in one round trip: the table lock that keeps notification ids in commit
-- order is then held only while the server inserts, never across client round trips.
CREATE FUNCTION tidings_insert_events(events stored_event_uuid[]) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', '10s', true);
    LOCK TABLE tidings_events IN EXCLUSIVE MODE;
    NOTIFY tidings_events;
    RETURN QUERY
        INSERT INTO tidings_events (originator_id, originator_version, topic, state)
        SELECT e.originator_id, e.originator_version, e.topic, e.state
        FROM unnest(events) WITH ORDINALITY AS e
        ORDER BY e.ordinality
        RETURNING notification_id;
END;
$$;
