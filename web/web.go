// Package web is afspraak's web interface for workers and supervisors:
// server-rendered HTML from embedded templates and one embedded style sheet,
// mounted on the API's Fiber app. Sign-in exchanges the personal API token
// once for a server-side session kept in an HttpOnly cookie.
package web

import (
	"context"
	"embed"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"afspraak/models"
	"afspraak/notify"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

// Store is what the web interface needs from persistence.
type Store interface {
	FindUserByToken(ctx context.Context, token string) (models.User, error)
	FindUserByID(ctx context.Context, id int64) (models.User, error)
	CreateWebSession(ctx context.Context, userID int64, ttl time.Duration) (models.WebSession, string, error)
	FindWebSession(ctx context.Context, cookie string) (models.WebSession, models.User, error)
	DeleteWebSession(ctx context.Context, id int64) error

	FindClients(ctx context.Context, a models.Actor, f models.ClientFilter) ([]models.Client, bool, error)
	FindClientByID(ctx context.Context, a models.Actor, id int64) (models.Client, error)
	FindConsentEvents(ctx context.Context, clientID int64) ([]models.ConsentEvent, error)
	FindInbound(ctx context.Context, clientID int64, limit int) ([]models.InboundMessage, error)

	CheckPolicy(ctx context.Context, a models.Actor, clientID int64, t time.Time, modality string) ([]models.PolicyWarning, error)
	CreateSession(ctx context.Context, a models.Actor, in models.NewSession) (models.Session, error)
	FindSessionByID(ctx context.Context, a models.Actor, id int64) (models.Session, error)
	FindSessions(ctx context.Context, a models.Actor, f models.SessionFilter) ([]models.Session, bool, error)
	StartSession(ctx context.Context, a models.Actor, id int64, startedBy string) (models.Session, error)
	CompleteSession(ctx context.Context, a models.Actor, id int64, in models.Completion, after models.AfterComplete) (models.Session, error)
	SummaryData(ctx context.Context, sess models.Session) (models.SummaryData, error)
	FindAgenda(ctx context.Context, sessionID int64) ([]models.AgendaItem, error)
	UpdateAgendaItem(ctx context.Context, a models.Actor, sessionID, itemID int64, f models.AgendaItemFields) (models.AgendaItem, error)
	FindAgendaTemplates(ctx context.Context, a models.Actor) ([]models.AgendaTemplate, error)
	FindAgendaTemplateByID(ctx context.Context, a models.Actor, id int64) (models.AgendaTemplate, error)

	CreateAgreement(ctx context.Context, a models.Actor, sessionID int64, f models.AgreementFields) (models.Agreement, error)
	UpdateAgreement(ctx context.Context, a models.Actor, id int64, f models.AgreementFields) (models.Agreement, error)
	FindAgreements(ctx context.Context, f models.AgreementFilter) ([]models.Agreement, error)

	FindMessages(ctx context.Context, a models.Actor, f models.MessageFilter) ([]models.Message, bool, error)
	FindMessageEvents(ctx context.Context, messageID int64) ([]models.MessageEvent, error)
	FollowUpReport(ctx context.Context, a models.Actor, f models.ReportFilter) (models.Report, error)
	FindAuditEvents(ctx context.Context, a models.Actor, f models.AuditFilter) ([]models.AuditEvent, bool, error)
	RecordAudit(ctx context.Context, a models.Actor, ev models.Audit) error
}

// Notifier queues a completed session's summary inside the completion's
// transaction, as the API does.
type Notifier interface {
	QueueSummaryTx(ctx context.Context, tx *gorm.DB, sess models.Session) (models.Message, error)
}

// Handler serves the web interface. Composer and Notifier are read at request
// time, so main may set them after the app is built.
type Handler struct {
	Store           Store
	Composer        notify.Composer // summary previews; its contact hours give the time zone
	Notifier        Notifier
	Logger          *slog.Logger
	PublicBaseURL   string        // an https address makes the cookie Secure
	RiskSignals     []string      // the vocabulary offered at completion
	SummarySLAHours int           // follow-up report, as the API's
	SessionTTL      time.Duration // how long a sign-in lasts; default 12 h

	pages    map[string]map[string]*pageTemplate // language → page → template
	throttle signInThrottle
}

// Register adds the web routes to app; api.Server calls it after the API's.
func (h *Handler) Register(app *fiber.App) {
	if h.SessionTTL == 0 {
		h.SessionTTL = 12 * time.Hour
	}
	if h.SummarySLAHours == 0 {
		h.SummarySLAHours = 24
	}
	if h.Logger == nil {
		h.Logger = slog.Default()
	}
	h.pages = mustParsePages(h.loc)
	h.routes(app)
}

// loc is the time zone pages show times in: the contact hours'.
func (h *Handler) loc() *time.Location { return h.Composer.Hours.Location() }
