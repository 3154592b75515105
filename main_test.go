package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"afspraak/app"
)

// testConfig writes a config pointing at a temporary SQLite file and a free port.
func testConfig(t *testing.T) (path, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	path = filepath.Join(dir, "config.yaml")
	cfg := fmt.Sprintf("server:\n  addr: %q\ndatabase:\n  dsn: %q\nlog:\n  level: error\n", addr, filepath.Join(dir, "data", "a.db"))
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, addr
}

func runCLI(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"},
		{"user", "add", "--help"}, {"user", "revoke", "--help"}, {"demo", "--help"}} {
		code, out, _ := runCLI(t, t.Context(), args...)
		if code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
	if code, _, _ := runCLI(t, t.Context(), "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func TestUserAddAndServe(t *testing.T) {
	cfg, addr := testConfig(t)
	code, out, errOut := runCLI(t, t.Context(), "user", "add", "--config", cfg, "--name", "Eva", "--email", "eva@example.org", "--role", "admin", "--team", "Noord")
	if code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "afs_") {
		t.Fatalf("last line is not a token: %q", token)
	}
	if code, _, errOut := runCLI(t, t.Context(), "user", "add", "--config", cfg, "--name", "X", "--email", "bad", "--role", "admin", "--team", "N"); code != 1 || !strings.Contains(errOut, "email") {
		t.Fatalf("bad email: exit %d, %q", code, errOut)
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() {
		code, _, _ := runCLI(t, ctx, "serve", "--config", cfg)
		done <- code
	}()
	var status int
	for i := 0; i < 100; i++ {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if res, err := http.DefaultClient.Do(req); err == nil {
			status = res.StatusCode
			res.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != 200 {
		t.Fatalf("GET /api/v1/me with the printed token: %d", status)
	}
	cancel() // what SIGTERM does through signal.NotifyContext
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d after the stop signal", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s")
	}
	code, out, _ = runCLI(t, t.Context(), "user", "revoke", "--config", cfg, "--email", "eva@example.org")
	if code != 0 || !strings.Contains(out, "revoked 1") {
		t.Fatalf("revoke: %d %q", code, out)
	}
}

func TestDemo(t *testing.T) {
	cfg, _ := testConfig(t)
	for i := 0; i < 2; i++ { // the second run issues fresh tokens
		code, out, errOut := runCLI(t, t.Context(), "demo", "--config", cfg)
		if code != 0 || strings.Count(out, "afs_") != 4 {
			t.Fatalf("demo run %d: exit %d: %s %s", i+1, code, out, errOut)
		}
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	cfg, _ := testConfig(t)
	if code, _, errOut := runCLI(t, t.Context(), "demo", "--config", cfg); code != 0 {
		t.Fatal(errOut)
	}
	code, out, _ := runCLI(t, t.Context(), "audit", "verify", "--config", cfg)
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("intact chain: exit %d, %q", code, out)
	}
	a, err := openApp(t.Context(), cfg, io.Discard, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SQL().Exec("DROP TRIGGER audit_events_no_update"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SQL().Exec("UPDATE audit_events SET action = 'forged' WHERE id = 3"); err != nil {
		t.Fatal(err)
	}
	_ = a.Close()
	code, _, errOut := runCLI(t, t.Context(), "audit", "verify", "--config", cfg)
	if code != 1 || !strings.Contains(errOut, "event 3") {
		t.Fatalf("tampered chain: exit %d, %q", code, errOut)
	}
}

// TestSecretsNeverPrinted: help texts and error messages never show a secret.
func TestSecretsNeverPrinted(t *testing.T) {
	cfg, _ := testConfig(t)
	t.Setenv("AFSPRAAK_TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef")
	t.Setenv("AFSPRAAK_TWILIO_AUTH_TOKEN", "Sup3r$ecretToken")
	for _, args := range [][]string{{"serve", "--help"}, {"user", "add", "--help"}, {"serve", "--config", cfg}, {"migrate", "--config", cfg}} {
		_, out, errOut := runCLI(t, t.Context(), args...)
		if strings.Contains(out+errOut, "Sup3r") {
			t.Errorf("%v printed the auth token: %s%s", args, out, errOut)
		}
	}
	t.Setenv("AFSPRAAK_TWILIO_AUTH_TOKEN", "")
	t.Setenv("AFSPRAAK_DATABASE_DRIVER", "postgres")
	t.Setenv("AFSPRAAK_DATABASE_DSN", "postgres://someone:Pa55wordSecret@127.0.0.1:1/nodb?connect_timeout=1")
	code, out, errOut := runCLI(t, t.Context(), "migrate", "--config", cfg)
	if code == 0 || strings.Contains(out+errOut, "Pa55wordSecret") {
		t.Fatalf("a failed database connection: exit %d, printed %q", code, out+errOut)
	}
}

// TestReadCommandsNeedADatabase: audit verify and user revoke, where no
// database exists, say so and exit 1, and leave no database behind.
func TestReadCommandsNeedADatabase(t *testing.T) {
	cfg, _ := testConfig(t)
	db := filepath.Join(filepath.Dir(cfg), "data", "a.db")
	for _, args := range [][]string{{"audit", "verify"}, {"user", "revoke", "--email", "x@example.org"}} {
		code, out, errOut := runCLI(t, t.Context(), append(args, "--config", cfg)...)
		if code != 1 || !strings.Contains(errOut, "no database at") || strings.Contains(out, "intact") {
			t.Errorf("%v: exit %d, %q %q", args, code, out, errOut)
		}
		if _, err := os.Stat(db); !os.IsNotExist(err) {
			t.Fatalf("%v created a database (%v)", args, err)
		}
	}
}
