-- +goose Up
CREATE TABLE messages (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id         INTEGER NOT NULL REFERENCES clients(id),
    session_id        INTEGER REFERENCES sessions(id),
    kind              TEXT NOT NULL,
    channel           TEXT NOT NULL DEFAULT '',
    recipient         TEXT NOT NULL DEFAULT '',
    body              TEXT,
    content_sid       TEXT NOT NULL DEFAULT '',
    content_variables TEXT,
    status            TEXT NOT NULL,
    skip_reason       TEXT NOT NULL DEFAULT '',
    twilio_sid        TEXT,
    error_code        INTEGER NOT NULL DEFAULT 0,
    attempts          INTEGER NOT NULL DEFAULT 0,
    scheduled_for     DATETIME,
    first_attempt_at  DATETIME,
    sent_at           DATETIME,
    delivered_at      DATETIME,
    read_at           DATETIME,
    failed_at         DATETIME,
    fallback_of       INTEGER REFERENCES messages(id),
    body_purged_at    DATETIME,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);
CREATE INDEX messages_client_id ON messages(client_id, id);
CREATE INDEX messages_session_id ON messages(session_id);
CREATE UNIQUE INDEX messages_twilio_sid ON messages(twilio_sid);
CREATE INDEX messages_status ON messages(status);
CREATE INDEX messages_created_at ON messages(created_at);

CREATE TABLE message_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id  INTEGER NOT NULL REFERENCES messages(id),
    status      TEXT NOT NULL,
    error_code  INTEGER NOT NULL DEFAULT 0,
    source      TEXT NOT NULL,
    raw         TEXT NOT NULL DEFAULT '',
    applied     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  DATETIME NOT NULL,
    UNIQUE (message_id, status, error_code, source)
);

CREATE TABLE inbound_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    twilio_sid  TEXT NOT NULL UNIQUE,
    client_id   INTEGER REFERENCES clients(id),
    channel     TEXT NOT NULL,
    body        TEXT,
    keyword     TEXT NOT NULL,
    after_hours BOOLEAN NOT NULL DEFAULT FALSE,
    body_purged_at DATETIME,
    received_at DATETIME NOT NULL
);
CREATE INDEX inbound_messages_client_id ON inbound_messages(client_id, id);

CREATE TABLE idempotency_keys (
    user_id    INTEGER NOT NULL REFERENCES users(id),
    key        TEXT NOT NULL,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE inbound_messages;
DROP TABLE message_events;
DROP TABLE messages;
