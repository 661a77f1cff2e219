-- migrations/citus/setup.sql — distributes datastored's tables on a Citus cluster.
-- Run it once on the coordinator, in datastored's database, after datastored has created
-- its schema (start it once against the coordinator) and before real data arrives:
--   psql "$COORDINATOR_URL" -v ON_ERROR_STOP=1 -f migrations/citus/setup.sql
-- Every per-universe table is distributed by universe_id and co-located with datastores, so
-- each request is routed to one shard; the small, global tables are reference tables
-- (copied to every node). docs/scaling.md has the rules the SQL keeps to
-- (tests/unit/test_citus_rules.c checks them) and the whole cluster setup.
\set ON_ERROR_STOP on

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'datastored: the citus extension is not installed in database %',
            current_database()
            USING HINT = 'Install Citus on every node, then CREATE EXTENSION citus; on the '
                         'coordinator and add the workers (docs/scaling.md).';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'entries') THEN
        RAISE EXCEPTION 'datastored: its schema is not here yet'
            USING HINT = 'Start datastored once with --database-url pointing at the coordinator.';
    END IF;
END
$$;

-- Reference tables: one copy on every node.
SELECT create_reference_table('schema_migrations');
SELECT create_reference_table('service_state');
SELECT create_reference_table('fault_rules');
SELECT create_reference_table('fault_state');
SELECT create_reference_table('api_keys');
SELECT create_reference_table('datastore_migrations');

-- Distributed by universe_id, co-located (foreign keys between them stay valid).
SELECT create_distributed_table('datastores', 'universe_id');
SELECT create_distributed_table('entries', 'universe_id', colocate_with => 'datastores');
SELECT create_distributed_table('entry_versions', 'universe_id', colocate_with => 'datastores');
SELECT create_distributed_table('ordered_entries', 'universe_id', colocate_with => 'datastores');
SELECT create_distributed_table('entry_locks', 'universe_id', colocate_with => 'datastores');
SELECT create_distributed_table('migration_runs', 'universe_id', colocate_with => 'datastores');
