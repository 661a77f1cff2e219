-- 006 — fault injection: rules shared by every instance. Instances cache them in memory and
-- reload when NOTIFY datastored_faults announces a change (payload: the new generation).
CREATE TABLE fault_rules (
    id          bigserial PRIMARY KEY,     -- evaluation order: first match wins
    definition  text NOT NULL,             -- the rule as normalized JSON (core/faults.c)
    created_us  bigint NOT NULL,           -- service time
    matched     bigint NOT NULL DEFAULT 0, -- counted here only for rules with count or skip
    fired       bigint NOT NULL DEFAULT 0,
    last_fired  bigint NOT NULL DEFAULT 0  -- the value of matched when it last fired
);

-- One row: generation increases with every change to the rules or the seed, so an
-- instance never replaces a newer cached copy with an older one.
CREATE TABLE fault_state (
    id              integer PRIMARY KEY CHECK (id = 1),
    generation      bigint NOT NULL,
    seed            bigint,                -- set by POST /admin/v1/faults:seed; NULL: never
    seed_generation bigint NOT NULL        -- generation of the last seed change
);
INSERT INTO fault_state (id, generation, seed, seed_generation) VALUES (1, 0, NULL, 0);
