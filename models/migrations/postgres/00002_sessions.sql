-- +goose Up
CREATE TABLE agenda_templates (
    id         BIGSERIAL PRIMARY KEY,
    team_id    BIGINT NOT NULL REFERENCES teams(id),
    name       TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX agenda_templates_team_id ON agenda_templates(team_id);

CREATE TABLE agenda_template_items (
    id          BIGSERIAL PRIMARY KEY,
    template_id BIGINT NOT NULL REFERENCES agenda_templates(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    guidance    TEXT NOT NULL DEFAULT '',
    minutes     INTEGER NOT NULL
);
CREATE INDEX agenda_template_items_template_id ON agenda_template_items(template_id);

CREATE TABLE sessions (
    id               BIGSERIAL PRIMARY KEY,
    client_id        BIGINT NOT NULL REFERENCES clients(id),
    worker_id        BIGINT NOT NULL REFERENCES users(id),
    team_id          BIGINT NOT NULL REFERENCES teams(id),
    scheduled_at     TIMESTAMPTZ NOT NULL,
    duration_minutes INTEGER NOT NULL,
    modality         TEXT NOT NULL,
    initiator        TEXT NOT NULL,
    setting          TEXT NOT NULL DEFAULT '',
    template         TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    started_at       TIMESTAMPTZ,
    started_by       TEXT,
    completed_at     TIMESTAMPTZ,
    cancelled_at     TIMESTAMPTZ,
    notes            TEXT NOT NULL DEFAULT '',
    risk_signals     TEXT NOT NULL DEFAULT '[]',
    send_summary     BOOLEAN NOT NULL DEFAULT FALSE,
    policy_warnings  TEXT NOT NULL DEFAULT '[]',
    policy_override  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_client_scheduled ON sessions(client_id, scheduled_at);
CREATE INDEX sessions_worker_scheduled ON sessions(worker_id, scheduled_at);
CREATE INDEX sessions_team_scheduled ON sessions(team_id, scheduled_at);
CREATE INDEX sessions_status_scheduled ON sessions(status, scheduled_at);

CREATE TABLE agreements (
    id                 BIGSERIAL PRIMARY KEY,
    client_id          BIGINT NOT NULL REFERENCES clients(id),
    session_id         BIGINT NOT NULL REFERENCES sessions(id),
    text               TEXT NOT NULL,
    owner              TEXT NOT NULL,
    due_date           TEXT,
    include_in_summary BOOLEAN NOT NULL DEFAULT TRUE,
    status             TEXT NOT NULL,
    acknowledged_at    TIMESTAMPTZ,
    closed_at          TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX agreements_client_status ON agreements(client_id, status);
CREATE INDEX agreements_session_id ON agreements(session_id);

CREATE TABLE agenda_items (
    id           BIGSERIAL PRIMARY KEY,
    session_id   BIGINT NOT NULL REFERENCES sessions(id),
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    guidance     TEXT NOT NULL DEFAULT '',
    minutes      INTEGER NOT NULL DEFAULT 0,
    done         BOOLEAN NOT NULL DEFAULT FALSE,
    notes        TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,
    agreement_id BIGINT REFERENCES agreements(id)
);
CREATE INDEX agenda_items_session_id ON agenda_items(session_id, position);

-- +goose Down
DROP TABLE agenda_items;
DROP TABLE agreements;
DROP TABLE sessions;
DROP TABLE agenda_template_items;
DROP TABLE agenda_templates;
