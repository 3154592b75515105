package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"afspraak/models"
	"afspraak/notify/twiliofake"
)

// Hard bounds of the harness.
const (
	buildTimeout = 4 * time.Minute  // go build of the binary, usually seconds from the cache
	readyTimeout = 45 * time.Second // from process start to /readyz answering 200
	callTimeout  = 15 * time.Second // one HTTP request to afspraak
)

// TestMain removes the binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// skipShort skips the end-to-end tests under -short.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("e2e: builds the real binary, SIGKILLs and restarts it for a minute or two; skipped with -short")
	}
}

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// binary builds afspraak once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "afspraak-e2e-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "afspraak")
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		// The test runs in e2e/; ".." is the main package.
		cmd := exec.CommandContext(ctx, "go", "build", "-o", binPath, "..")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building afspraak failed (if others are editing the main module, retry in a minute): %v", buildErr)
	}
	return binPath
}

// childEnv is this process's environment without anything that would change
// the child's configuration or send twilio-go elsewhere.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TWILIO_EDGE" || name == "TWILIO_REGION" || strings.HasPrefix(name, "AFSPRAAK_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newFake starts a fake Twilio that answers every request after delay, with a
// Twilio-shaped account SID and auth token (alphanumeric, as twilio-go
// requires); it is closed when the test ends.
func newFake(t *testing.T, delay time.Duration) (fake *twiliofake.Server, sid, token string) {
	sid, token = "AC"+randomHex(16), randomHex(16)
	fake = twiliofake.New(sid, token)
	t.Cleanup(fake.Close)
	fake.SetDelay(delay)
	return fake, sid, token
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// phone is client i's Dutch mobile number: +316120000NN.
func phone(i int) string { return fmt.Sprintf("+316120000%02d", i) }

// clientOf is the index of the client with phone number p among n, or -1.
func clientOf(p string, n int) int {
	for i := range n {
		if phone(i) == p {
			return i
		}
	}
	return -1
}

// agreementText is client i's agreement; its summary is recognised by it.
func agreementText(i int) string { return fmt.Sprintf("Meld u wekelijks bij het loket (e2e %02d)", i) }

// isSummaryOf reports whether a message body is client i's agreement summary.
func isSummaryOf(body string, i int) bool {
	return strings.Contains(body, fmt.Sprintf("(e2e %02d)", i))
}

// config is what differs between the configs the tests write.
type config struct {
	port            int
	publicBaseURL   string // default http://127.0.0.1:port
	driver, dsn     string
	sid, token      string
	fakeURL         string
	reminderOffsets string // YAML list
}

// writeConfig writes a config.yaml for one instance into dir and returns its path.
func writeConfig(t *testing.T, dir, name string, c config) string {
	t.Helper()
	if c.publicBaseURL == "" {
		c.publicBaseURL = fmt.Sprintf("http://127.0.0.1:%d", c.port)
	}
	if c.reminderOffsets == "" {
		c.reminderOffsets = "[24h]"
	}
	yaml := fmt.Sprintf(`server:
  addr: "127.0.0.1:%d"
  public_base_url: %q
  request_timeout: 20s
  shutdown_timeout: 5s
database:
  driver: %s
  dsn: %q
  max_open_conns: 6
twilio:
  account_sid: %q
  auth_token: %q
  api_base_url: %q
  sms_from: "+3197010000000"
  whatsapp_from: "+14155238886"
  timeout: 10s
  rate_per_second: 10
notify:
  contact_hours:
    timezone: Europe/Amsterdam
    days: [mon, tue, wed, thu, fri, sat, sun]
    start: "00:00"
    end: "24:00"
  reminder_offsets: %s
  number_check: false   # these tests are about crashes: every client's number counts as proven
log:
  level: warn
  format: json
`, c.port, c.publicBaseURL, c.driver, c.dsn, c.sid, c.token, c.fakeURL, c.reminderOffsets)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs a one-shot afspraak command and returns its standard output.
func runCLI(ctx context.Context, bin, cfg string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, "--config", cfg)...)
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("afspraak %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// addUser creates a worker with `afspraak user add` and returns its token,
// the last line printed.
func addUser(ctx context.Context, t *testing.T, bin, cfg, name string) string {
	t.Helper()
	out, err := runCLI(ctx, bin, cfg, "user", "add", "--name", "Werker "+name,
		"--email", "werker-"+name+"@example.org", "--role", "worker", "--team", "E2E")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tok := strings.TrimSpace(lines[len(lines)-1])
	if tok == "" || strings.Contains(tok, " ") {
		t.Fatalf("user add: no token on the last line (%d lines printed)", len(lines))
	}
	return tok
}

// auditVerify runs `afspraak audit verify` and fails the test if the chain is broken.
func auditVerify(ctx context.Context, t *testing.T, bin, cfg string) {
	t.Helper()
	if out, err := runCLI(ctx, bin, cfg, "audit", "verify"); err != nil {
		t.Errorf("audit trail after the run: %v\n%s", err, out)
	}
}

// instance is one `afspraak serve` process that can be killed and restarted.
type instance struct {
	t       *testing.T
	name    string
	bin     string
	cfg     string
	base    string // http://127.0.0.1:port
	logPath string

	mu         sync.Mutex
	cmd        *exec.Cmd
	exited     chan struct{} // closed when the current process has exited
	killing    bool          // the current process is being killed on purpose
	starts     int
	unexpected []string // exits we did not cause
}

func newInstance(t *testing.T, name, bin, cfg string, port int) *instance {
	in := &instance{t: t, name: name, bin: bin, cfg: cfg, base: fmt.Sprintf("http://127.0.0.1:%d", port),
		logPath: filepath.Join(t.TempDir(), name+".log")}
	t.Cleanup(func() {
		in.kill()
		if t.Failed() {
			t.Logf("last lines of %s's log:\n%s", in.name, in.logTail(40))
		}
	})
	return in
}

// start starts the process; it does not wait for it to be ready.
func (in *instance) start() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cmd != nil {
		return fmt.Errorf("%s is already running", in.name)
	}
	logf, err := os.OpenFile(in.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	in.starts++
	fmt.Fprintf(logf, "=== start %d at %s\n", in.starts, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(in.bin, "serve", "--config", in.cfg)
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", in.name, err)
	}
	exited := make(chan struct{})
	in.cmd, in.exited, in.killing = cmd, exited, false
	go func() {
		err := cmd.Wait()
		in.mu.Lock()
		if !in.killing {
			in.unexpected = append(in.unexpected, fmt.Sprintf("start %d: %v", in.starts, err))
		}
		if in.cmd == cmd {
			in.cmd = nil
		}
		in.mu.Unlock()
		close(exited)
	}()
	return nil
}

// kill sends SIGKILL and waits until the process is gone.
func (in *instance) kill() {
	in.mu.Lock()
	cmd, exited := in.cmd, in.exited
	if cmd != nil {
		in.killing = true
		_ = cmd.Process.Kill() // SIGKILL
	}
	in.mu.Unlock()
	if exited != nil {
		<-exited
	}
}

// waitReady waits until /readyz answers 200; it fails early when the process exits.
func (in *instance) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	in.mu.Lock()
	exited := in.exited
	in.mu.Unlock()
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, in.base+"/readyz", nil)
		if resp, err := c.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("%s exited before it was ready; log:\n%s", in.name, in.logTail(30))
		case <-ctx.Done():
			return fmt.Errorf("%s not ready within %s; log:\n%s", in.name, readyTimeout, in.logTail(30))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// restart kills the process and starts it again, ready.
func (in *instance) restart(ctx context.Context) error {
	in.kill()
	if err := in.start(); err != nil {
		return err
	}
	return in.waitReady(ctx)
}

// unexpectedExits lists the exits the test did not cause (a crash, a failed start).
func (in *instance) unexpectedExits() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.unexpected...)
}

func (in *instance) logTail(n int) string {
	data, err := os.ReadFile(in.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// apiClient calls afspraak's API as one user, retrying while instances are
// down (connection errors, 502–504) until ctx ends.
type apiClient struct {
	http    *http.Client
	token   string
	pick    func(seq, attempt int) string // base URL of the instance to try
	seq     atomic.Int64
	retries atomic.Int64 // attempts that met a dead or restarting instance
}

func newAPIClient(token string, pick func(seq, attempt int) string) *apiClient {
	return &apiClient{token: token, pick: pick,
		http: &http.Client{Timeout: callTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
}

// call sends one request; a non-nil error means no answer was received.
func (c *apiClient) call(ctx context.Context, base, method, path string, body any, hdr map[string]string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// do sends a request until it gets an answer other than "instance down" and
// returns the decoded JSON; an answer other than want is an error.
func (c *apiClient) do(ctx context.Context, method, path string, body any, hdr map[string]string, want int) (map[string]any, error) {
	seq := int(c.seq.Add(1))
	for attempt := 0; ; attempt++ {
		status, data, err := c.call(ctx, c.pick(seq, attempt), method, path, body, hdr)
		switch {
		case err == nil && status == want:
			var out map[string]any
			if err := json.Unmarshal(data, &out); err != nil {
				return nil, fmt.Errorf("%s %s: answer is not a JSON object: %v", method, path, err)
			}
			return out, nil
		case err == nil && status != http.StatusBadGateway && status != http.StatusServiceUnavailable &&
			status != http.StatusGatewayTimeout:
			return nil, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, status, want, data)
		}
		c.retries.Add(1)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: no answer before the deadline (last: %v, status %d)", method, path, err, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func id(m map[string]any) int64 {
	v, _ := m["id"].(float64)
	return int64(v)
}

// runClient does one client's part of the workload: create the client with
// WhatsApp consent and complete a session at `at` (see completeSession).
// It returns the client id.
func runClient(ctx context.Context, c *apiClient, i int, at time.Time) (int64, error) {
	cl, err := c.do(ctx, "POST", "/api/v1/clients", map[string]any{"name": fmt.Sprintf("Cliënt %02d", i),
		"phone": phone(i), "consent": map[string]any{"whatsapp": true}}, nil, http.StatusCreated)
	if err != nil {
		return 0, fmt.Errorf("client %d: %w", i, err)
	}
	_, err = completeSession(ctx, c, i, id(cl), at)
	return id(cl), err
}

// planSession plans a client-initiated video session of client cid at `at`.
func planSession(ctx context.Context, c *apiClient, cid int64, at time.Time) (int64, error) {
	s, err := c.do(ctx, "POST", "/api/v1/sessions", map[string]any{"client_id": cid, "template": "meldplicht",
		"scheduled_at": at.UTC().Format(time.RFC3339), "initiator": "client", "modality": "video"}, nil, http.StatusCreated)
	return id(s), err
}

// completion is a completed session and the id of its summary message.
type completion struct{ session, message int64 }

// completeSession plans a session for client i at `at`, adds the client's
// agreement and completes the session with send_summary. The completion
// carries an Idempotency-Key, so repeating it after a crash, or on another
// instance, answers the first answer again (a plain repeat would get 409).
func completeSession(ctx context.Context, c *apiClient, i int, cid int64, at time.Time) (completion, error) {
	sid, err := planSession(ctx, c, cid, at)
	if err != nil {
		return completion{}, fmt.Errorf("client %d: plan: %w", i, err)
	}
	path := "/api/v1/sessions/" + strconv.FormatInt(sid, 10)
	if _, err := c.do(ctx, "POST", path+"/agreements", map[string]any{"text": agreementText(i)}, nil, http.StatusCreated); err != nil {
		return completion{}, fmt.Errorf("client %d: agreement: %w", i, err)
	}
	mid, err := complete(ctx, c, sid)
	if err != nil {
		return completion{}, fmt.Errorf("client %d: %w", i, err)
	}
	return completion{session: sid, message: mid}, nil
}

// complete completes session sid with a summary, under the session's
// Idempotency-Key, and returns the summary message's id. The first answer
// says "queued"; a repeat (also one made by apiClient after a lost answer)
// answers the same message with its status now: sending, or Twilio's.
func complete(ctx context.Context, c *apiClient, sid int64) (int64, error) {
	done, err := c.do(ctx, "POST", "/api/v1/sessions/"+strconv.FormatInt(sid, 10)+"/complete",
		map[string]any{"send_summary": true},
		map[string]string{"Idempotency-Key": "e2e-complete-" + strconv.FormatInt(sid, 10)}, http.StatusOK)
	if err != nil {
		return 0, fmt.Errorf("complete: %w", err)
	}
	sm, _ := done["summary_message"].(map[string]any)
	mid, _ := sm["id"].(float64)
	switch sm["status"] {
	case "", "skipped", "scheduled", "dry_run", "failed", "undelivered":
		return 0, fmt.Errorf("completion queued no WhatsApp summary: %v", sm)
	}
	if sm["channel"] != "whatsapp" || mid == 0 {
		return 0, fmt.Errorf("completion queued no WhatsApp summary: %v", sm)
	}
	return int64(mid), nil
}

// db opens the test's database next to the running instances, for checks.
func openDB(t *testing.T, driver, dsn string) *gorm.DB {
	t.Helper()
	db, err := models.Open(models.DBConfig{Driver: driver, DSN: dsn, MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			_ = s.Close()
		}
	})
	return db
}

// unsettled counts what could still send something: send and reminder jobs
// not finished (on PostgreSQL: due within ten minutes; later reminder jobs
// belong to sessions the test does not wait for), and messages whose send
// has an unknown outcome.
func unsettled(db *gorm.DB, driver string) (jobs, sending int64, err error) {
	q := `SELECT count(*) FROM river_job WHERE kind IN ('send_message', 'session_reminder')
		AND state NOT IN ('completed', 'cancelled', 'discarded')`
	if driver == models.DriverPostgres {
		q += ` AND scheduled_at < now() + interval '10 minutes'`
	}
	if err = db.Raw(q).Scan(&jobs).Error; err != nil {
		return 0, 0, err
	}
	err = db.Raw(`SELECT count(*) FROM messages WHERE status = 'sending'`).Scan(&sending).Error
	return jobs, sending, err
}

// storedMessage is a message row as the checks need it.
type storedMessage struct {
	Kind      string  `gorm:"column:kind"`
	Recipient string  `gorm:"column:recipient"`
	Status    string  `gorm:"column:status"`
	TwilioSID *string `gorm:"column:twilio_sid"`
	Attempts  int     `gorm:"column:attempts"`
}

func storedMessages(t *testing.T, db *gorm.DB) []storedMessage {
	t.Helper()
	var out []storedMessage
	if err := db.Raw(`SELECT kind, recipient, status, twilio_sid, attempts FROM messages ORDER BY id`).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// describeClient lists what is stored about client i's messages and their
// jobs, for a failure message (no bodies, no phone numbers).
func describeClient(db *gorm.DB, fake *twiliofake.Server, i int) string {
	var b strings.Builder
	var rows []struct {
		ID        int64   `gorm:"column:id"`
		SessionID int64   `gorm:"column:session_id"`
		Kind      string  `gorm:"column:kind"`
		Status    string  `gorm:"column:status"`
		Attempts  int     `gorm:"column:attempts"`
		TwilioSID *string `gorm:"column:twilio_sid"`
	}
	db.Raw(`SELECT id, COALESCE(session_id, 0) AS session_id, kind, status, attempts, twilio_sid FROM messages
		WHERE recipient = ? ORDER BY id`, phone(i)).Scan(&rows)
	atFake := map[string]int{}
	for k, m := range fake.MessagesTo("whatsapp:" + phone(i)) {
		atFake[m.SID] = k + 1
	}
	for _, r := range rows {
		sid := "none"
		if r.TwilioSID != nil {
			sid = fmt.Sprintf("Twilio's message #%d", atFake[*r.TwilioSID])
		}
		fmt.Fprintf(&b, "\n  message %d (session %d): %s, status %s, %d attempt(s), sid: %s",
			r.ID, r.SessionID, r.Kind, r.Status, r.Attempts, sid)
		b.WriteString(describeJobs(db, "send_message", "message_id", r.ID))
		if r.Kind == "reminder" {
			b.WriteString(describeJobs(db, "session_reminder", "session_id", r.SessionID))
		}
	}
	return b.String()
}

// describeJobs lists the jobs of kind whose args have key equal to v.
func describeJobs(db *gorm.DB, kind, key string, v int64) string {
	var jobs []struct {
		ID      int64  `gorm:"column:id"`
		State   string `gorm:"column:state"`
		Attempt int    `gorm:"column:attempt"`
		Args    string `gorm:"column:args"`
		Errors  string `gorm:"column:errors"`
	}
	q := `SELECT id, state, attempt, CAST(args AS TEXT) AS args, COALESCE(CAST(errors AS TEXT), '') AS errors
		FROM river_job WHERE kind = ? ORDER BY id`
	if db.Name() == "sqlite" { // River keeps JSON as JSONB blobs there
		q = `SELECT id, state, attempt, json(args) AS args, COALESCE(json(errors), '') AS errors
		FROM river_job WHERE kind = ? ORDER BY id`
	}
	db.Raw(q, kind).Scan(&jobs)
	var b strings.Builder
	for _, j := range jobs {
		var args map[string]any
		if json.Unmarshal([]byte(j.Args), &args) != nil || args[key] != float64(v) {
			continue
		}
		fmt.Fprintf(&b, "\n    %s job %d: %s, attempt %d, errors %s", kind, j.ID, j.State, j.Attempt, j.Errors)
	}
	return b.String()
}

// rescued counts the jobs River's rescuer ran again because their process died.
func rescued(db *gorm.DB) int64 {
	var n int64
	q := `SELECT count(*) FROM river_job WHERE CAST(errors AS TEXT) LIKE '%Stuck job rescued%'`
	if db.Name() == "sqlite" {
		q = `SELECT count(*) FROM river_job WHERE json(errors) LIKE '%Stuck job rescued%'`
	}
	db.Raw(q).Scan(&n)
	return n
}

// jobCount counts river jobs of kind in any of states (all states when none).
func jobCount(db *gorm.DB, kind string, states ...string) (int64, error) {
	var n int64
	q := db.Table("river_job").Where("kind = ?", kind)
	if len(states) > 0 {
		q = q.Where("state IN ?", states)
	}
	err := q.Count(&n).Error
	return n, err
}

// byRecipient groups the fake's messages by To.
func byRecipient(fake *twiliofake.Server) map[string][]twiliofake.Message {
	out := map[string][]twiliofake.Message{}
	for _, m := range fake.Messages() {
		out[m.To] = append(out[m.To], m)
	}
	return out
}

// waitUntil polls cond every 250 ms until it holds, fails for good, or the
// deadline passes; cond returns whether it holds, a progress note for the
// timeout message, and an error that ends the wait at once.
func waitUntil(ctx context.Context, limit time.Duration, cond func() (bool, string, error)) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var last string
	for {
		done, note, err := cond()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		last = note
		select {
		case <-ctx.Done():
			return errors.New("not settled within " + limit.String() + ": " + last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// pgSchema creates a fresh schema on the PostgreSQL test server and returns
// a DSN whose search_path is that schema; the schema is dropped at the end.
func pgSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("AFSPRAAK_TEST_POSTGRES_DSN")
	if base == "" {
		t.Skip("e2e scale-out test skipped: set AFSPRAAK_TEST_POSTGRES_DSN " +
			"(e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run two instances on PostgreSQL")
	}
	schema := "afspraak_e2e_" + randomHex(6)
	admin, err := models.Open(models.DBConfig{Driver: models.DriverPostgres, DSN: base, MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("e2e: %v", err)
	}
	if err := admin.Exec(`CREATE SCHEMA "` + schema + `"`).Error; err != nil {
		t.Fatalf("e2e: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA "` + schema + `" CASCADE`)
		if s, err := admin.DB(); err == nil {
			_ = s.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("e2e: AFSPRAAK_TEST_POSTGRES_DSN: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
