-- 008_hot_entry_writes.sql — a write of a live key becomes a HOT update (no new index
-- entries, no index bloat): the tombstone index moves off version_us, which every write
-- changes, onto a generated column that is NULL for every live key, and entries pages keep
-- room for the next version of a row. Rewrites entries once (an exclusive lock for that long).
ALTER TABLE entries SET (fillfactor = 80);
DROP INDEX entries_tombstones;
ALTER TABLE entries ADD COLUMN tombstone_us bigint
    GENERATED ALWAYS AS (CASE WHEN deleted THEN version_us END) STORED;
CREATE INDEX entries_tombstones ON entries (tombstone_us) WHERE tombstone_us IS NOT NULL;
