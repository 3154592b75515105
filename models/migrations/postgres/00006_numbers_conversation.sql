-- +goose Up
-- One number, one client (unless marked shared), and the number check.
-- Clients that already shared a number before this rule keep it, marked
-- shared and for review by an admin, and are checked again before anything
-- personal is sent to them. Every other existing number has been in use
-- with its client already; it counts as confirmed, with no check date.
ALTER TABLE clients ADD COLUMN phone_shared BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN phone_review BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN number_check TEXT NOT NULL DEFAULT 'unchecked'
    CHECK (number_check IN ('unchecked', 'pending', 'confirmed', 'rejected', 'expired'));
ALTER TABLE clients ADD COLUMN number_check_at TIMESTAMPTZ;
ALTER TABLE clients ADD COLUMN number_check_message_id BIGINT;
UPDATE clients SET phone_shared = TRUE, phone_review = TRUE
 WHERE phone IN (SELECT phone FROM clients GROUP BY phone HAVING COUNT(*) > 1);
UPDATE clients SET number_check = 'confirmed' WHERE NOT phone_review;
CREATE UNIQUE INDEX clients_phone_own ON clients(phone) WHERE NOT phone_shared;

-- Who wrote a worker's answer to a client.
ALTER TABLE messages ADD COLUMN author_id BIGINT REFERENCES users(id);

-- Replies: media, the button pressed, the alert a worker must see, and for
-- an unknown number the number itself (for admins; purged with the body).
ALTER TABLE inbound_messages ADD COLUMN media_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbound_messages ADD COLUMN media_types TEXT NOT NULL DEFAULT '';
ALTER TABLE inbound_messages ADD COLUMN button_payload TEXT NOT NULL DEFAULT '';
ALTER TABLE inbound_messages ADD COLUMN alert TEXT NOT NULL DEFAULT '';
ALTER TABLE inbound_messages ADD COLUMN seen_at TIMESTAMPTZ;
ALTER TABLE inbound_messages ADD COLUMN unmatched_from TEXT;
CREATE INDEX inbound_messages_alert ON inbound_messages(client_id, seen_at) WHERE alert <> '';

-- A reply from a shared number reaches every client with that number.
CREATE TABLE inbound_shares (
    inbound_id BIGINT NOT NULL REFERENCES inbound_messages(id),
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    PRIMARY KEY (inbound_id, client_id)
);
CREATE INDEX inbound_shares_client_id ON inbound_shares(client_id);

-- +goose Down
DROP INDEX inbound_shares_client_id;
DROP TABLE inbound_shares;
DROP INDEX inbound_messages_alert;
ALTER TABLE inbound_messages DROP COLUMN unmatched_from;
ALTER TABLE inbound_messages DROP COLUMN seen_at;
ALTER TABLE inbound_messages DROP COLUMN alert;
ALTER TABLE inbound_messages DROP COLUMN button_payload;
ALTER TABLE inbound_messages DROP COLUMN media_types;
ALTER TABLE inbound_messages DROP COLUMN media_count;
ALTER TABLE messages DROP COLUMN author_id;
DROP INDEX clients_phone_own;
ALTER TABLE clients DROP COLUMN number_check_message_id;
ALTER TABLE clients DROP COLUMN number_check_at;
ALTER TABLE clients DROP COLUMN number_check;
ALTER TABLE clients DROP COLUMN phone_review;
ALTER TABLE clients DROP COLUMN phone_shared;
