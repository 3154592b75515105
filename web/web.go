// Package web is afspraak's web interface for workers and supervisors:
// server-rendered HTML from embedded templates and one embedded style sheet,
// registered on the same Fiber app as the API (package server mounts both).
// Sign-in exchanges the personal API token once for a server-side session
// kept in an HttpOnly cookie.
package web

import (
	"embed"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/app"
	"afspraak/models"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

// Handler serves the web interface: it adapts forms and pages to the
// application's workflows and the store. New builds it from the App.
type Handler struct {
	app        *app.App
	store      *models.Store
	logger     *slog.Logger
	sessionTTL time.Duration // how long a sign-in lasts

	pages map[string]map[string]*pageTemplate // language → page → template
}

// New returns the web interface of a.
func New(a *app.App) *Handler {
	h := &Handler{app: a, store: a.Store, logger: a.Logger, sessionTTL: 12 * time.Hour}
	h.pages = mustParsePages(h.loc)
	return h
}

// Register adds the web routes to f, after the API's.
func (h *Handler) Register(f *fiber.App) { h.routes(f) }

// loc is the time zone pages show times in: the organisation's.
func (h *Handler) loc() *time.Location { return h.app.Location() }

// publicHTTPS reports whether the public address is https.
func (h *Handler) publicHTTPS() bool {
	return strings.HasPrefix(h.app.Config.Server.PublicBaseURL, "https://")
}
