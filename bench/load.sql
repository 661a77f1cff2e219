-- bench/load.sql — preloads the ordered store; standard entries come from load_keys.sql.
-- :ordered entries with pseudo-random values in [0, 10^9) in ordered store "Leaderboard".
SELECT setseed(0.42);
INSERT INTO ordered_entries (universe_id, datastore, scope, key, value, updated_us)
SELECT 1, 'Leaderboard', 'global', 'player_' || g, (random() * 1e9)::bigint, 0
FROM generate_series(1, :ordered) g
ON CONFLICT DO NOTHING;
ANALYZE ordered_entries;
