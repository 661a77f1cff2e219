-- bench/load.sql — preloads :keys standard entries of ~1 KiB in data store "Bench" (universe 1)
-- in the service's own row format (version 1, written "now").
INSERT INTO datastores (universe_id, name, created_us)
VALUES (1, 'Bench', (extract(epoch FROM now()) * 1000000)::bigint) ON CONFLICT DO NOTHING;
INSERT INTO entries (universe_id, datastore, scope, key, created_us, version_seq, version_us,
                     version_hour_first, deleted, value, value_md5, content_length)
SELECT 1, 'Bench', 'global', 'k' || g, t, 1, t, true, false, v,
       encode(decode(md5(v), 'hex'), 'base64'), length(v)
FROM generate_series(0, :keys - 1) g,
     LATERAL (SELECT '{"id":' || g || ',"pad":"' || repeat('x', 1000) || '"}' AS v,
                     (extract(epoch FROM now()) * 1000000)::bigint AS t) x
ON CONFLICT DO NOTHING;
ANALYZE entries;

-- :ordered entries with pseudo-random values in [0, 10^9) in ordered store "Leaderboard".
SELECT setseed(0.42);
INSERT INTO ordered_entries (universe_id, datastore, scope, key, value, updated_us)
SELECT 1, 'Leaderboard', 'global', 'player_' || g, (random() * 1e9)::bigint, 0
FROM generate_series(1, :ordered) g
ON CONFLICT DO NOTHING;
ANALYZE ordered_entries;
