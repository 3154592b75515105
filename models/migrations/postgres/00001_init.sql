-- +goose Up
CREATE TABLE teams (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id         BIGSERIAL PRIMARY KEY,
    team_id    BIGINT NOT NULL REFERENCES teams(id),
    name       TEXT NOT NULL,
    email      TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('worker', 'supervisor', 'admin')),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_team_id ON users(team_id);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user_id ON api_tokens(user_id);

CREATE TABLE clients (
    id                  BIGSERIAL PRIMARY KEY,
    team_id             BIGINT NOT NULL REFERENCES teams(id),
    worker_id           BIGINT NOT NULL REFERENCES users(id),
    name                TEXT NOT NULL,
    phone               TEXT NOT NULL,
    language            TEXT NOT NULL,
    preferred_channel   TEXT NOT NULL CHECK (preferred_channel IN ('whatsapp', 'sms', 'none')),
    consent_whatsapp    BOOLEAN NOT NULL DEFAULT FALSE,
    consent_whatsapp_at TIMESTAMPTZ,
    consent_sms         BOOLEAN NOT NULL DEFAULT FALSE,
    consent_sms_at      TIMESTAMPTZ,
    risk_level          TEXT NOT NULL CHECK (risk_level IN ('low', 'medium', 'high')),
    phase               TEXT NOT NULL CHECK (phase IN ('start', 'middle', 'end')),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX clients_worker_id ON clients(worker_id);
CREATE INDEX clients_team_id ON clients(team_id);
CREATE INDEX clients_phone ON clients(phone);

CREATE TABLE consent_events (
    id         BIGSERIAL PRIMARY KEY,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    channel    TEXT NOT NULL,
    granted    BOOLEAN NOT NULL,
    source     TEXT NOT NULL,
    actor_id   BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX consent_events_client_id ON consent_events(client_id);

-- +goose Down
DROP TABLE consent_events;
DROP TABLE clients;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE teams;
