-- +goose Up
-- What a client's phone may show: the client by an aanspreeknaam (their
-- first name unless the worker sets another), the worker by a client-facing
-- name and the number clients call. No surnames by default.
ALTER TABLE clients ADD COLUMN salutation TEXT NOT NULL DEFAULT '';
UPDATE clients SET salutation = split_part(trim(name), ' ', 1);
ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
UPDATE users SET display_name = split_part(trim(name), ' ', 1);

-- +goose Down
ALTER TABLE users DROP COLUMN phone;
ALTER TABLE users DROP COLUMN display_name;
ALTER TABLE clients DROP COLUMN salutation;
