package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/models"
	"afspraak/server"
)

// env is the API with the web interface, built as serve builds it
// (apptest, server.New), on a fresh database; jobs are queued but none runs.
type env struct {
	*apptest.Env
	t     *testing.T
	app   *fiber.App
	store *models.Store
	logs  *apptest.SyncBuffer
}

var riskSignals = apptest.RiskSignals

// newEnv builds the service with public address publicBaseURL, contact hours
// around the clock, no reminders and the dry-run sender.
func newEnv(t *testing.T, publicBaseURL string) *env {
	t.Helper()
	return newEnvWith(t, publicBaseURL, apptest.Options{})
}

// newEnvWith is newEnv with o's other choices: the number check, contact
// hours.
func newEnvWith(t *testing.T, publicBaseURL string, o apptest.Options) *env {
	t.Helper()
	o.Config = func(c *app.Config) { c.Server.PublicBaseURL, c.Notify.ReminderOffsets = publicBaseURL, nil }
	e := apptest.New(t, o)
	return &env{Env: e, t: t, app: server.New(e.App), store: e.Store, logs: e.Logs}
}

// user creates a user and returns it with its token.
func (e *env) user(name, role, team string) (models.User, string) {
	e.t.Helper()
	u, token, err := e.store.CreateUser(context.Background(), models.System, models.NewUser{
		Name: name, Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org", Role: role, Team: team})
	if err != nil {
		e.t.Fatal(err)
	}
	return u, token
}

// client creates a client of worker w with consent for SMS.
func (e *env) client(w models.User, name string) models.Client {
	e.t.Helper()
	phone, yes, ch := "+31612345678", true, "sms"
	c, err := e.store.CreateClient(context.Background(), models.ActorFor(w), models.ClientFields{Name: &name,
		Phone: &phone, ConsentSMS: &yes, PreferredChannel: &ch})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// session plans a session for client c a day from now.
func (e *env) session(w models.User, c models.Client) models.Session {
	e.t.Helper()
	s, err := e.store.CreateSession(context.Background(), models.ActorFor(w), models.NewSession{ClientID: c.ID,
		ScheduledAt: time.Now().Add(24 * time.Hour), DurationMinutes: 30, Modality: "video", Initiator: "client",
		Template: "meldplicht", TemplateItems: []models.TemplateItem{{Title: "Setting", Guidance: "Check.", Minutes: 2}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// page is a response read in full.
type page struct {
	Status int
	Header http.Header
	Body   string
}

// browser keeps cookies across requests, like a browser would.
type browser struct {
	e       *env
	cookies map[string]string
}

func (e *env) browser() *browser { return &browser{e: e, cookies: map[string]string{}} }

func (b *browser) do(method, path string, form url.Values) page {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := b.e.app.Test(req, -1)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		if c.Value == "" || c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return page{Status: res.StatusCode, Header: res.Header, Body: string(data)}
}

func (b *browser) get(path string) page { return b.do(http.MethodGet, path, nil) }

// post sends a form with the CSRF token of the page at from.
func (b *browser) post(from, path string, form url.Values) page {
	b.e.t.Helper()
	form.Set("csrf", csrfOf(b.e.t, b.get(from).Body))
	return b.do(http.MethodPost, path, form)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no CSRF token on the page: %.300s", html)
	}
	return m[1]
}

// signIn signs in with token and returns the sign-in response.
func (b *browser) signIn(token string) page {
	b.e.t.Helper()
	form := url.Values{"token": {token}}
	return b.post("/aanmelden", "/aanmelden", form)
}

func (p page) must(t *testing.T, status int) page {
	t.Helper()
	if p.Status != status {
		t.Fatalf("status %d, want %d: %.500s", p.Status, status, p.Body)
	}
	return p
}
