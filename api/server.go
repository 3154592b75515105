package api

import (
	"cmp"
	"log/slog"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"afspraak/app"
	"afspraak/models"
)

// Server is the API: it adapts HTTP to the application's workflows and the
// store. New builds it from the App.
type Server struct {
	app            *app.App
	store          *models.Store
	logger         *slog.Logger
	requestTimeout time.Duration
	metrics        *metrics
}

// New returns the API of a; its HTTP metrics join a's registry.
func New(a *app.App) *Server {
	return &Server{app: a, store: a.Store, logger: a.Logger,
		requestTimeout: cmp.Or(a.Config.Server.RequestTimeout, 30*time.Second), metrics: newMetrics(a.Registry)}
}

// BodyLimit is the largest request body accepted.
const BodyLimit = 1 << 20

// App builds the Fiber app with the shared middleware and every API route;
// the web interface registers its pages on it after.
func (s *Server) App() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName: "afspraak",
		// Fiber's strings (method, path, params, headers, form values) alias
		// fasthttp's reused buffers unless Immutable: kept past the request
		// as a metric label, a log field, a map key or in a goroutine, they
		// change under their holder. Copies cost little next to a database
		// round trip.
		Immutable:             true,
		BodyLimit:             BodyLimit,
		ErrorHandler:          s.fiberErrorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	app.Use(s.requestContext, s.securityHeaders, s.accessLog, recover.New(), identityBody)
	cfg := huma.DefaultConfig("afspraak", "1.0.0")
	cfg.DocsPath = "" // huma's docs page loads a CDN script; we serve none
	cfg.CreateHooks = nil
	cfg.Formats["text/csv"], cfg.Formats["csv"] = csvFormat, csvFormat
	cfg.Info.Description = "Structured remote supervision: agendas, agreements and follow-up messages."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer"},
	}
	cfg.Servers = []*huma.Server{{URL: strings.TrimRight(s.app.Config.Server.PublicBaseURL, "/"),
		Description: "this service (server.public_base_url)"}}
	api := humafiber.New(app, cfg)
	s.routes(app, api)
	documentPlainRoutes(api.OpenAPI())
	return app
}
