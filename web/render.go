package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/models"
	"afspraak/notify"
)

// pageTemplate is one page parsed together with the layout.
type pageTemplate = template.Template

// view is what every page template receives.
type view struct {
	Lang     string
	Title    string
	User     models.User
	CSRF     string
	Path     string // for the language toggle's way back
	Notice   string // a translated confirmation
	Error    string // what went wrong, to show above the form
	Data     any
	Now      time.Time
	Staff    bool // supervisor or admin: report and audit
	SignedIn bool
	// Sending is shown to supervisors and admins while messages do not get
	// through to Twilio.
	Sending notify.SenderStatus
}

// mustParsePages parses layout.html and the partials (_*.html) with each
// page, once per language.
func mustParsePages(loc func() *time.Location) map[string]map[string]*pageTemplate {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]map[string]*pageTemplate{}
	for _, lang := range []string{"nl", "en"} {
		out[lang] = map[string]*pageTemplate{}
		for _, n := range names {
			name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
			if name == "layout" || strings.HasPrefix(name, "_") {
				continue
			}
			t := template.New("layout.html").Funcs(funcs(lang, loc))
			out[lang][name] = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n))
		}
	}
	return out
}

// funcs are the template functions bound to a language.
func funcs(lang string, loc func() *time.Location) template.FuncMap {
	return template.FuncMap{
		"t":    func(key string) string { return tr(lang, key) },
		"tf":   func(key string, args ...any) string { return fmt.Sprintf(tr(lang, key), args...) },
		"when": func(t time.Time) string { return formatWhen(lang, t.In(loc())) },
		"whenp": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return formatWhen(lang, t.In(loc()))
		},
		"reason": func(code int) string { return errorReason(lang, code) },
		"list":   func(v ...string) []string { return v },
		"derefID": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"join": strings.Join,
		"deref": func(s *string) string {
			if s == nil {
				return ""
			}
			return *s
		},
		"warning": func(w models.PolicyWarning) string {
			if lang == "en" {
				return w.MessageEN
			}
			return w.MessageNL
		},
		"pct": func(f *float64) string {
			if f == nil {
				return "–"
			}
			return fmt.Sprintf("%.0f%%", *f*100)
		},
		"num": func(f *float64) string {
			if f == nil {
				return "–"
			}
			return fmt.Sprintf("%.1f", *f)
		},
		"has": func(list []string, v string) bool {
			for _, s := range list {
				if s == v {
					return true
				}
			}
			return false
		},
	}
}

// formatWhen writes a time, e.g. "di 3 mrt 14:00".
func formatWhen(lang string, t time.Time) string {
	days := map[string][]string{"nl": {"zo", "ma", "di", "wo", "do", "vr", "za"}, "en": {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}}
	months := map[string][]string{"nl": {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
		"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}}
	return fmt.Sprintf("%s %d %s %s", days[lang][t.Weekday()], t.Day(), months[lang][t.Month()-1], t.Format("15:04"))
}

// render writes page with data in the request's language.
func (h *Handler) render(c *fiber.Ctx, status int, page, title string, data any) error {
	v := h.baseView(c)
	v.Title, v.Data = tr(v.Lang, title), data
	if e, ok := c.Locals(localError).(string); ok {
		v.Error = e
	}
	if n := c.Query("ok"); n != "" && knownNotice(n) {
		v.Notice = tr(v.Lang, "notice."+n)
	}
	var buf bytes.Buffer
	if err := h.pages[v.Lang][page].Execute(&buf, v); err != nil {
		return h.fail(c, err)
	}
	c.Status(status).Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// baseView fills what the layout needs.
func (h *Handler) baseView(c *fiber.Ctx) view {
	v := view{Lang: langOf(c), Path: c.Path(), Now: time.Now().In(h.loc())}
	if s, ok := c.Locals(localSession).(signedIn); ok {
		v.User, v.CSRF, v.SignedIn = s.user, s.ws.CSRFToken, true
		v.Staff = s.user.Role == models.RoleSupervisor || s.user.Role == models.RoleAdmin
		if v.Staff {
			v.Sending = h.app.SenderStatus()
		}
	}
	return v
}

// fail logs an unexpected error with the request id (never personal data:
// the store's errors name ids only) and shows a plain error page.
func (h *Handler) fail(c *fiber.Ctx, err error) error {
	h.logger.Error("web: request failed", "request_id", models.RequestID(c.UserContext()),
		"route", c.Route().Path, "error", err.Error())
	lang := langOf(c)
	status, key := fiber.StatusInternalServerError, "error.internal"
	if models.ErrorCode(err) == models.EUNAVAILABLE {
		status, key = fiber.StatusServiceUnavailable, "error.unavailable"
	}
	c.Status(status).Type("html", "utf-8")
	return c.SendString("<!doctype html><html lang=\"" + lang + "\"><title>afspraak</title><p>" +
		template.HTMLEscapeString(tr(lang, key)) + "</p>")
}

// notFound is the page for anything out of reach: someone else's client looks
// exactly like one that does not exist.
func (h *Handler) notFound(c *fiber.Ctx) error {
	c.Locals(localError, "") // a refused form's reason would say the client exists
	return h.render(c, fiber.StatusNotFound, "notfound", "title.notfound", nil)
}

// storeError turns a store error into a page: not found → 404, a domain error
// → the form again with its message (via retry), anything else → 500.
func (h *Handler) storeError(c *fiber.Ctx, err error, retry func() error) error {
	switch models.ErrorCode(err) {
	case models.ENOTFOUND:
		return h.notFound(c)
	case models.EINVALID, models.ECONFLICT, models.EFORBIDDEN:
		c.Locals(localError, models.ErrorMessage(err))
		return retry()
	}
	return h.fail(c, err)
}

func (h *Handler) style(c *fiber.Ctx) error {
	c.Set("Cache-Control", "public, max-age=3600")
	c.Type("css", "utf-8")
	return c.Send(styleCSS)
}
