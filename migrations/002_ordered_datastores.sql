-- 002 — ordered data stores (leaderboards): int64 values, no versions, no metadata.
-- The (…, value, key) index serves ascending and descending pages, inclusive bounds and
-- keyset continuation after (value, key) with no sort step; ties are ordered by key.
CREATE TABLE ordered_entries (
    universe_id bigint NOT NULL,
    datastore   text COLLATE "C" NOT NULL,
    scope       text COLLATE "C" NOT NULL,
    key         text COLLATE "C" NOT NULL,
    value       bigint NOT NULL,
    updated_us  bigint NOT NULL,
    PRIMARY KEY (universe_id, datastore, scope, key)
);
CREATE INDEX ordered_entries_by_value
    ON ordered_entries (universe_id, datastore, scope, value, key);
