-- 005 — eager _version migration runs: one row per data store, resumable from its cursor.
CREATE TABLE migration_runs (
    universe_id    bigint NOT NULL,
    datastore      text COLLATE "C" NOT NULL,
    target_version integer NOT NULL,
    state          text NOT NULL,              -- running | finished
    total          bigint NOT NULL,            -- entries behind target when the run started
    done           bigint NOT NULL DEFAULT 0,  -- migrated
    failed         bigint NOT NULL DEFAULT 0,  -- a step failed (entry left untouched)
    skipped_locked bigint NOT NULL DEFAULT 0,  -- held by a live session lock: left for later
    cursor_scope   text COLLATE "C" NOT NULL DEFAULT '',
    cursor_key     text COLLATE "C" NOT NULL DEFAULT '',
    errors         text NOT NULL DEFAULT '[]', -- JSON array of {"scope","key","reason"}, bounded
    started_us     bigint NOT NULL,
    updated_us     bigint NOT NULL,
    PRIMARY KEY (universe_id, datastore)
);
CREATE INDEX migration_runs_running ON migration_runs (state) WHERE state = 'running';
