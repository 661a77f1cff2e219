-- 003 — session locks with fencing tokens (DESIGN.md section 5.3). One row per key that has
-- ever been locked; token only grows (across expiry, steal and release), so a server holding
-- an old token can never write again. A lock is live while not released and expires_us is
-- after now on the service clock. The entry itself need not exist.
CREATE TABLE entry_locks (
    universe_id bigint NOT NULL,
    datastore   text COLLATE "C" NOT NULL,
    scope       text COLLATE "C" NOT NULL,
    key         text COLLATE "C" NOT NULL,
    owner       text NOT NULL,      -- holder's id (a game server's JobId)
    token       bigint NOT NULL,    -- fencing token of the latest grant
    expires_us  bigint NOT NULL,    -- lease end on the service clock
    released    boolean NOT NULL,
    PRIMARY KEY (universe_id, datastore, scope, key)
);
