package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/app"
	"afspraak/models"
)

type ctxKey int

const (
	userKey ctxKey = iota
)

func requestIDFrom(ctx context.Context) string {
	return models.RequestID(ctx)
}

// userFrom returns the authenticated user; auth middleware guarantees one on /api.
func userFrom(ctx context.Context) models.User {
	u, _ := ctx.Value(userKey).(models.User)
	return u
}

func actorFrom(ctx context.Context) models.Actor {
	return models.ActorFor(userFrom(ctx))
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// requestContext gives every request an id (echoed as X-Request-ID) and a
// context with the configured timeout.
func (s *Server) requestContext(c *fiber.Ctx) error {
	id := c.Get("X-Request-ID")
	if !validRequestID(id) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set("X-Request-ID", id)
	ctx, cancel := context.WithTimeout(models.WithRequestID(context.Background(), id), s.requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// securityHeaders are set on every response; HSTS when the service is
// reached over https (server.public_base_url), so a browser never tries
// plain http again.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	c.Set("Cache-Control", "no-store")
	if strings.HasPrefix(s.app.Config.Server.PublicBaseURL, "https://") {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
	return c.Next()
}

// accessLog logs one line per request: route template, status, duration and
// request id — never query strings, bodies, names, phone numbers or tokens.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.fiberErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	attrs := []slog.Attr{
		slog.String("request_id", requestIDFrom(c.UserContext())),
		slog.String("method", c.Method()),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
	}
	if u := userFrom(c.UserContext()); u.ID != 0 {
		attrs = append(attrs, slog.Int64("user_id", u.ID))
	}
	s.logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request", attrs...)
	s.metrics.observe(c.Method(), route, strconv.Itoa(status), time.Since(start))
	return nil
}

// authenticate resolves the bearer token of every /api request. Bad tokens
// from an address that keeps failing are slowed down and then answered 429;
// good ones always pass.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="afspraak"`)
		return problem(c, fiber.StatusUnauthorized, "send your personal token as: Authorization: Bearer <token>")
	}
	u, err := s.app.SignIn(c.UserContext(), token, s.app.ClientAddr(c.Context().RemoteIP().String(), c.Get(fiber.HeaderXForwardedFor)), app.DoorAPI)
	var throttled *app.ThrottledError
	switch {
	case errors.As(err, &throttled):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(throttled.RetryAfter.Seconds())+1))
		return problem(c, fiber.StatusTooManyRequests, "too many failed sign-ins from this address; try again later")
	case models.ErrorCode(err) == models.EUNAUTH:
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="afspraak", error="invalid_token"`)
		return problem(c, fiber.StatusUnauthorized, "the token is unknown or has been revoked; ask an admin for a new one")
	case err != nil:
		return err
	}
	c.SetUserContext(context.WithValue(c.UserContext(), userKey, u))
	return c.Next()
}
