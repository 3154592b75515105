package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"gorm.io/gorm"

	"afspraak/models"
	"afspraak/notify"
)

// Store is what the API needs from persistence.
type Store interface {
	CreateUser(ctx context.Context, a models.Actor, in models.NewUser) (models.User, string, error)
	FindUserByToken(ctx context.Context, token string) (models.User, error)
	FindTeamByID(ctx context.Context, id int64) (models.Team, error)
	CreateClient(ctx context.Context, a models.Actor, f models.ClientFields) (models.Client, error)
	FindClientByID(ctx context.Context, a models.Actor, id int64) (models.Client, error)
	FindClients(ctx context.Context, a models.Actor, f models.ClientFilter) ([]models.Client, bool, error)
	UpdateClient(ctx context.Context, a models.Actor, id int64, f models.ClientFields) (models.Client, error)
	FindConsentEvents(ctx context.Context, clientID int64) ([]models.ConsentEvent, error)
	FindUserByID(ctx context.Context, id int64) (models.User, error)

	CreateSession(ctx context.Context, a models.Actor, in models.NewSession) (models.Session, error)
	FindSessionByID(ctx context.Context, a models.Actor, id int64) (models.Session, error)
	FindSessions(ctx context.Context, a models.Actor, f models.SessionFilter) ([]models.Session, bool, error)
	UpdateSession(ctx context.Context, a models.Actor, id int64, u models.SessionUpdate) (models.Session, error)
	StartSession(ctx context.Context, a models.Actor, id int64, startedBy string) (models.Session, error)
	CompleteSession(ctx context.Context, a models.Actor, id int64, in models.Completion, after models.AfterComplete) (models.Session, error)
	SummaryData(ctx context.Context, sess models.Session) (models.SummaryData, error)

	FindAgenda(ctx context.Context, sessionID int64) ([]models.AgendaItem, error)
	AddAgendaItem(ctx context.Context, a models.Actor, sessionID int64, f models.AgendaItemFields) (models.AgendaItem, error)
	UpdateAgendaItem(ctx context.Context, a models.Actor, sessionID, itemID int64, f models.AgendaItemFields) (models.AgendaItem, error)
	DeleteAgendaItem(ctx context.Context, a models.Actor, sessionID, itemID int64) error

	CreateAgreement(ctx context.Context, a models.Actor, sessionID int64, f models.AgreementFields) (models.Agreement, error)
	UpdateAgreement(ctx context.Context, a models.Actor, id int64, f models.AgreementFields) (models.Agreement, error)
	FindAgreements(ctx context.Context, f models.AgreementFilter) ([]models.Agreement, error)

	CreateAgendaTemplate(ctx context.Context, a models.Actor, f models.TemplateFields) (models.AgendaTemplate, error)
	FindAgendaTemplateByID(ctx context.Context, a models.Actor, id int64) (models.AgendaTemplate, error)
	FindAgendaTemplates(ctx context.Context, a models.Actor) ([]models.AgendaTemplate, error)
	ReplaceAgendaTemplate(ctx context.Context, a models.Actor, id int64, f models.TemplateFields) (models.AgendaTemplate, error)
	DeleteAgendaTemplate(ctx context.Context, a models.Actor, id int64) error

	FindMessages(ctx context.Context, a models.Actor, f models.MessageFilter) ([]models.Message, bool, error)
	FindMessageByID(ctx context.Context, a models.Actor, id int64) (models.Message, error)
	FindMessageEvents(ctx context.Context, messageID int64) ([]models.MessageEvent, error)
	RecordAudit(ctx context.Context, a models.Actor, ev models.Audit) error
	FindAuditEvents(ctx context.Context, a models.Actor, f models.AuditFilter) ([]models.AuditEvent, bool, error)
	FollowUpReport(ctx context.Context, a models.Actor, f models.ReportFilter) (models.Report, error)
	ExportClient(ctx context.Context, a models.Actor, id int64) (models.ClientExport, error)
	FindIdempotencyKey(ctx context.Context, userID int64, key string) (int64, error)
	RecordIdempotencyKeyTx(tx *gorm.DB, userID int64, key string, sessionID int64) error
}

// Pinger reports whether the database answers.
type Pinger interface {
	PingContext(ctx context.Context) error
}

// Server holds the API's dependencies; main sets every field.
type Server struct {
	Store           Store
	DB              Pinger
	Logger          *slog.Logger
	RequestTimeout  time.Duration
	Composer        notify.Composer // renders client messages for previews
	Notifier        Notifier        // queues summaries, takes Twilio callbacks
	Validator       SignatureValidator
	PublicBaseURL   string // webhooks are signed over this URL
	SummarySLAHours int    // follow-up report: on time when sent within this
	// Web, when set, registers the web interface's routes after the API's.
	Web interface{ Register(app *fiber.App) }

	metrics  *metrics
	throttle *authThrottle
}

// BodyLimit is the largest request body accepted.
const BodyLimit = 1 << 20

// App builds the Fiber app with every route.
func (s *Server) App() *fiber.App {
	if s.RequestTimeout == 0 {
		s.RequestTimeout = 30 * time.Second
	}
	if s.SummarySLAHours == 0 {
		s.SummarySLAHours = 24
	}
	s.metrics = newMetrics()
	s.throttle = newAuthThrottle()
	app := fiber.New(fiber.Config{
		AppName:               "afspraak",
		BodyLimit:             BodyLimit,
		ErrorHandler:          s.fiberErrorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	app.Use(s.requestContext, securityHeaders, s.accessLog, recover.New(), identityBody)
	cfg := huma.DefaultConfig("afspraak", "1.0.0")
	cfg.DocsPath = "" // huma's docs page loads a CDN script; we serve none
	cfg.CreateHooks = nil
	cfg.Formats["text/csv"], cfg.Formats["csv"] = csvFormat, csvFormat
	cfg.Info.Description = "Structured remote supervision: agendas, agreements and follow-up messages."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer"},
	}
	api := humafiber.New(app, cfg)
	s.routes(app, api)
	if s.Web != nil {
		s.Web.Register(app)
	}
	return app
}
