-- bench/load_keys.sql — preloads :keys standard entries of ~1 KiB in data store "Bench" of
-- universe :universe, in the service's own row format (version 1, written "now").
INSERT INTO datastores (universe_id, name, created_us)
VALUES (:universe, 'Bench', (extract(epoch FROM now()) * 1000000)::bigint) ON CONFLICT DO NOTHING;
INSERT INTO entries (universe_id, datastore, scope, key, created_us, version_seq, version_us,
                     version_hour_first, deleted, value, value_md5, content_length)
SELECT :universe, 'Bench', 'global', 'k' || g, t, 1, t, true, false, v,
       encode(decode(md5(v), 'hex'), 'base64'), length(v)
FROM generate_series(0, :keys - 1) g,
     LATERAL (SELECT '{"id":' || g || ',"pad":"' || repeat('x', 1000) || '"}' AS v,
                     (extract(epoch FROM now()) * 1000000)::bigint AS t) x
ON CONFLICT DO NOTHING;
ANALYZE entries;

