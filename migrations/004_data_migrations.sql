-- 004 — _version migration chains of stored data (DESIGN.md section 5.4). Step n migrates a
-- value from _version n-1 to n with a JSON Patch; the engine then sets _version = n.
-- applied: some stored value has been migrated by this step (it can no longer be replaced).
CREATE TABLE datastore_migrations (
    universe_id          bigint NOT NULL,
    datastore            text COLLATE "C" NOT NULL,
    step                 integer NOT NULL CHECK (step >= 1),
    patch                text NOT NULL,
    backwards_compatible boolean NOT NULL,
    applied              boolean NOT NULL DEFAULT false,
    created_us           bigint NOT NULL,
    PRIMARY KEY (universe_id, datastore, step)
);
