-- +goose Up
CREATE TABLE agenda_templates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id    INTEGER NOT NULL REFERENCES teams(id),
    name       TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX agenda_templates_team_id ON agenda_templates(team_id);

CREATE TABLE agenda_template_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    template_id INTEGER NOT NULL REFERENCES agenda_templates(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    guidance    TEXT NOT NULL DEFAULT '',
    minutes     INTEGER NOT NULL
);
CREATE INDEX agenda_template_items_template_id ON agenda_template_items(template_id);

CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id        INTEGER NOT NULL REFERENCES clients(id),
    worker_id        INTEGER NOT NULL REFERENCES users(id),
    team_id          INTEGER NOT NULL REFERENCES teams(id),
    scheduled_at     DATETIME NOT NULL,
    duration_minutes INTEGER NOT NULL,
    modality         TEXT NOT NULL,
    initiator        TEXT NOT NULL,
    setting          TEXT NOT NULL DEFAULT '',
    template         TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    started_at       DATETIME,
    started_by       TEXT,
    completed_at     DATETIME,
    cancelled_at     DATETIME,
    notes            TEXT NOT NULL DEFAULT '',
    risk_signals     TEXT NOT NULL DEFAULT '[]',
    send_summary     BOOLEAN NOT NULL DEFAULT FALSE,
    policy_warnings  TEXT NOT NULL DEFAULT '[]',
    policy_override  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX sessions_client_scheduled ON sessions(client_id, scheduled_at);
CREATE INDEX sessions_worker_scheduled ON sessions(worker_id, scheduled_at);
CREATE INDEX sessions_team_scheduled ON sessions(team_id, scheduled_at);
CREATE INDEX sessions_status_scheduled ON sessions(status, scheduled_at);

CREATE TABLE agreements (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id          INTEGER NOT NULL REFERENCES clients(id),
    session_id         INTEGER NOT NULL REFERENCES sessions(id),
    text               TEXT NOT NULL,
    owner              TEXT NOT NULL,
    due_date           TEXT,
    include_in_summary BOOLEAN NOT NULL DEFAULT TRUE,
    status             TEXT NOT NULL,
    acknowledged_at    DATETIME,
    closed_at          DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);
CREATE INDEX agreements_client_status ON agreements(client_id, status);
CREATE INDEX agreements_session_id ON agreements(session_id);

CREATE TABLE agenda_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   INTEGER NOT NULL REFERENCES sessions(id),
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    guidance     TEXT NOT NULL DEFAULT '',
    minutes      INTEGER NOT NULL DEFAULT 0,
    done         BOOLEAN NOT NULL DEFAULT FALSE,
    notes        TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,
    agreement_id INTEGER REFERENCES agreements(id)
);
CREATE INDEX agenda_items_session_id ON agenda_items(session_id, position);

-- +goose Down
DROP TABLE agenda_items;
DROP TABLE agreements;
DROP TABLE sessions;
DROP TABLE agenda_template_items;
DROP TABLE agenda_templates;
