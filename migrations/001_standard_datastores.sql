-- 001 — the data model of standard data stores (DESIGN.md section 2).
-- Times are microseconds since the Unix epoch on the service clock (bigint *_us), passed in
-- by the service, never taken from now(). universe_id leads every key (Citus-ready).
-- Names, scopes and keys use the "C" collation: byte order, identical on every server.

-- Service-wide values shared by every instance (e.g. the cursor signing secret).
CREATE TABLE service_state (
    name  text PRIMARY KEY,
    value text NOT NULL
);

-- A standard data store exists once something was written to it.
CREATE TABLE datastores (
    universe_id bigint NOT NULL,
    name        text COLLATE "C" NOT NULL,
    created_us  bigint NOT NULL,
    deleted_us  bigint,                 -- soft-deleted at; NULL while active
    PRIMARY KEY (universe_id, name)
);
CREATE INDEX datastores_deleted ON datastores (deleted_us) WHERE deleted_us IS NOT NULL;

-- The current state of each key: its latest version (a tombstone when deleted).
CREATE TABLE entries (
    universe_id        bigint NOT NULL,
    datastore          text COLLATE "C" NOT NULL,
    scope              text COLLATE "C" NOT NULL,
    key                text COLLATE "C" NOT NULL,
    created_us         bigint NOT NULL,   -- when the key was first written
    version_seq        bigint NOT NULL,   -- number of the current version, +1 per write
    version_us         bigint NOT NULL,   -- when the current version was written
    version_hour_first boolean NOT NULL,  -- current version is its key's first write in that UTC hour
    deleted            boolean NOT NULL,  -- tombstone
    value              text,              -- JSON text, byte-exact; NULL for a tombstone
    value_md5          text,              -- base64 MD5 of value
    content_length     integer NOT NULL,
    user_ids           text NOT NULL DEFAULT '[]',  -- JSON array of up to 4 integers
    attributes         text NOT NULL DEFAULT '{}',  -- JSON object
    schema_version     integer NOT NULL DEFAULT 0,  -- _version of an object value
    PRIMARY KEY (universe_id, datastore, scope, key),
    FOREIGN KEY (universe_id, datastore) REFERENCES datastores (universe_id, name) ON DELETE CASCADE
);
CREATE INDEX entries_tombstones ON entries (version_us) WHERE deleted;

-- Retained earlier versions of each key (the current one lives in entries).
CREATE TABLE entry_versions (
    universe_id       bigint NOT NULL,
    datastore         text COLLATE "C" NOT NULL,
    scope             text COLLATE "C" NOT NULL,
    key               text COLLATE "C" NOT NULL,
    version_seq       bigint NOT NULL,
    object_created_us bigint NOT NULL,
    version_us        bigint NOT NULL,
    superseded_us     bigint NOT NULL,   -- when a newer version replaced it; expiry counts from here
    deleted           boolean NOT NULL,
    value             text,
    value_md5         text,
    content_length    integer NOT NULL,
    user_ids          text NOT NULL,
    attributes        text NOT NULL,
    PRIMARY KEY (universe_id, datastore, scope, key, version_seq),
    FOREIGN KEY (universe_id, datastore, scope, key)
        REFERENCES entries (universe_id, datastore, scope, key) ON DELETE CASCADE
);
CREATE INDEX entry_versions_expiry ON entry_versions (superseded_us);
