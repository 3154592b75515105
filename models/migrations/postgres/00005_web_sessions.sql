-- +goose Up
-- Sign-in sessions of the web interface. Only the SHA-256 of the cookie value
-- is stored, so a copy of the database signs no one in.
CREATE TABLE web_sessions (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    csrf_token  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);

-- +goose Down
DROP INDEX web_sessions_expires;
DROP TABLE web_sessions;
