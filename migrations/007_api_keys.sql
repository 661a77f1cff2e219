-- 007 — API keys managed through /admin/v1/api-keys. Only a SHA-256 of each key is kept;
-- instances cache the table and reload on NOTIFY datastored_keys.
CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    key_hash    text NOT NULL UNIQUE,  -- hex SHA-256 of the key
    key_prefix  text NOT NULL,         -- first characters, to recognise a key in listings
    scope       text NOT NULL,         -- JSON: universes, datastores, permissions, description
    created_us  bigint NOT NULL        -- service time
);
