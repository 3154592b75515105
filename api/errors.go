// Package api is afspraak's HTTP interface for programs: a Fiber app with huma
// operations, the middleware both doors share (request id, auth, limits,
// logging) and the Twilio webhooks. Handlers adapt HTTP to the workflows of
// package app and to single store calls; api never imports web or GORM.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"

	"afspraak/models"
)

// statusByCode is the one map from domain error codes to HTTP statuses.
var statusByCode = map[string]int{
	models.EINVALID:     http.StatusUnprocessableEntity,
	models.ENOTFOUND:    http.StatusNotFound,
	models.ECONFLICT:    http.StatusConflict,
	models.EFORBIDDEN:   http.StatusForbidden,
	models.EUNAUTH:      http.StatusUnauthorized,
	models.EUNAVAILABLE: http.StatusServiceUnavailable,
}

func init() {
	// Error details never echo the submitted value: it may hold personal data.
	base := huma.NewError
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		for _, e := range errs {
			var d *huma.ErrorDetail
			if errors.As(e, &d) {
				d.Value = nil
			}
		}
		return base(status, msg, errs...)
	}
}

// httpError turns a store or notify error into a problem+json error. Anything
// that is not a domain error is logged with the request id and reported as an
// internal error.
func (s *Server) httpError(ctx context.Context, err error) error {
	var de *models.Error
	if !errors.As(err, &de) {
		if errors.Is(err, context.DeadlineExceeded) {
			return huma.Error503ServiceUnavailable("the request took too long; try again")
		}
		s.logger.ErrorContext(ctx, "internal error", slog.String("request_id", requestIDFrom(ctx)), slog.String("error", err.Error()))
		return huma.Error500InternalServerError("internal error; quote request id " + requestIDFrom(ctx) + " when reporting it")
	}
	status, ok := statusByCode[de.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if de.Field != "" {
		return huma.NewError(status, de.Message, &huma.ErrorDetail{Location: "body." + de.Field, Message: de.Message})
	}
	return huma.NewError(status, de.Message)
}

// problem writes an RFC 9457 body from plain Fiber handlers and middleware.
func problem(c *fiber.Ctx, status int, detail string) error {
	return c.Status(status).JSON(fiber.Map{
		"title":  http.StatusText(status),
		"status": status,
		"detail": detail,
	}, "application/problem+json")
}

// fiberErrorHandler answers errors raised by Fiber itself (body too large,
// unknown route, panics recovered) as problem+json.
func (s *Server) fiberErrorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		detail := fe.Message
		switch fe.Code {
		case http.StatusRequestEntityTooLarge:
			detail = "the request body is larger than 1 MiB"
		case http.StatusNotFound:
			detail = "no such resource"
		}
		return problem(c, fe.Code, detail)
	}
	s.logger.Error("internal error", slog.String("request_id", requestIDFrom(c.UserContext())), slog.String("error", err.Error()))
	return problem(c, http.StatusInternalServerError, "internal error")
}
