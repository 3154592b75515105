// Package models owns afspraak's domain types, the store that persists them and
// the versioned database migrations.
package models

import (
	"errors"
	"fmt"
)

// Error codes shared by the store and the API; api maps each to an HTTP status.
const (
	ECONFLICT  = "conflict"
	EINTERNAL  = "internal"
	EINVALID   = "invalid"
	ENOTFOUND  = "not_found"
	EFORBIDDEN = "forbidden"
	EUNAUTH    = "unauthorized"
	// EUNAVAILABLE: the database is locked, read-only or not answering; the
	// request may succeed later.
	EUNAVAILABLE = "unavailable"
)

// Error is a domain error with a message a person can act on.
type Error struct {
	Code    string
	Message string
	Field   string // the request field at fault, for EINVALID
}

func (e *Error) Error() string {
	return fmt.Sprintf("models: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL when it carries none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of err, "internal error" for anything
// that is not a domain error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
