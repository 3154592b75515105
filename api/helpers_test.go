package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/models"
)

// testEnv is the API of a service built as serve builds it (apptest), on a
// fresh database; jobs are queued but none runs.
type testEnv struct {
	*apptest.Env
	t     testing.TB
	srv   *Server
	app   *fiber.App
	store *models.Store
	logs  *apptest.SyncBuffer

	clients int // made by newClient, which gives each its own number
}

func newTestEnv(t *testing.T, driver string) *testEnv {
	t.Helper()
	return newEnvWith(t, apptest.Options{Driver: driver})
}

// newEnvWith is newTestEnv with the service's options; reminders are off
// unless the options' Config sets offsets.
func newEnvWith(t testing.TB, o apptest.Options) *testEnv {
	t.Helper()
	adjust := o.Config
	o.Config = func(c *app.Config) {
		c.Notify.ReminderOffsets = nil
		if adjust != nil {
			adjust(c)
		}
	}
	env := apptest.New(t, o)
	srv := New(env.App)
	return &testEnv{Env: env, t: t, srv: srv, app: srv.App(), store: env.Store, logs: env.Logs}
}

// setContentSIDs approves WhatsApp templates from now on, for previews and
// sends alike.
func (e *testEnv) setContentSIDs(sids map[string]map[string]string) {
	e.App.Composer.ContentSIDs = sids
	e.App.Dispatcher.Composer.ContentSIDs = sids
}

// withContentSIDs is an Options.Config that approves WhatsApp templates.
func withContentSIDs(sids map[string]map[string]string) func(*app.Config) {
	return func(c *app.Config) { c.Twilio.ContentSIDs = sids }
}

// user creates a user and returns it with its token.
func (e *testEnv) user(name, role, team string) (models.User, string) {
	e.t.Helper()
	u, token, err := e.store.CreateUser(context.Background(), models.System, models.NewUser{
		Name: name, Email: name + "@example.org", Role: role, Team: team})
	if err != nil {
		e.t.Fatal(err)
	}
	return u, token
}

// listen serves the app on a loopback port (for what app.Test cannot do, such
// as bodies over the limit) and returns its base URL.
func (e *testEnv) listen() string { return e.Listen(e.app) }

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// do sends a request; body may be nil, a string (sent raw) or a value (JSON).
func (e *testEnv) do(method, path, token string, body any) response {
	e.t.Helper()
	return e.doHeader(method, path, token, body, nil)
}

// doHeader is do with extra request headers.
func (e *testEnv) doHeader(method, path, token string, body any, headers map[string]string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// must fails the test unless the status matches.
func (r response) must(t testing.TB, status int) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

func (r response) id(t testing.TB) int64 {
	t.Helper()
	v, ok := r.json(t)["id"].(float64)
	if !ok {
		t.Fatalf("no id in %s", r.Body)
	}
	return int64(v)
}
