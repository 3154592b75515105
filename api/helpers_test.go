package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"afspraak/models"
	"afspraak/models/modelstest"
	"afspraak/notify"
)

// testEnv is a server on a fresh database with a log buffer.
type testEnv struct {
	t     *testing.T
	srv   *Server
	app   *fiber.App
	store *models.Store
	logs  *syncBuffer
}

// syncBuffer is a log buffer safe for the server's and the queue's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Bytes() []byte { return []byte(b.String()) }

func newTestEnv(t *testing.T, driver string) *testEnv {
	t.Helper()
	store := modelstest.Store(t, driver)
	db := store.DB
	store.Policy = models.PolicyRules{HighRiskMaxRemote: 1, MediumRiskMaxRemote: 3, StartPhaseFaceToFace: 2, RiskSignalFaceToFace: true}
	store.RiskSignals = []string{"cannot_assess_emotion", "third_party_present", "under_influence", "evasive",
		"threat_or_escalation", "technical_problems"}
	sqlDB, _ := db.DB()
	logs := &syncBuffer{}
	hours, err := notify.NewContactHours("Europe/Amsterdam", []string{"mon", "tue", "wed", "thu", "fri"}, "08:00", "20:00")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	if err := notify.MigrateQueue(context.Background(), sqlDB, driver); err != nil {
		t.Fatal(err)
	}
	// An insert-only queue: messages are queued but no job runs.
	queue, err := notify.NewQueue(sqlDB, notify.QueueConfig{Driver: driver, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	composer := notify.Composer{Hours: hours, CrisisNumber: "113"}
	disp := &notify.Dispatcher{Store: store, Queue: queue, Sender: notify.DryRunSender{Logger: logger},
		Composer: composer, PublicBaseURL: "https://afspraak.example.org", Logger: logger}
	srv := &Server{Store: store, DB: sqlDB, Logger: logger, Composer: composer, Notifier: disp}
	return &testEnv{t: t, srv: srv, app: srv.App(), store: store, logs: logs}
}

// setContentSIDs configures approved WhatsApp templates.
func (e *testEnv) setContentSIDs(sids map[string]map[string]string) {
	e.srv.Composer.ContentSIDs = sids
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
func (e *testEnv) listen() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	e.t.Cleanup(func() { _ = e.app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T) map[string]any {
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
func (r response) must(t *testing.T, status int) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

func (r response) id(t *testing.T) int64 {
	t.Helper()
	v, ok := r.json(t)["id"].(float64)
	if !ok {
		t.Fatalf("no id in %s", r.Body)
	}
	return int64(v)
}
