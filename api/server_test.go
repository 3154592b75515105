package api

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestOperationsEndpoints(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	cases := []struct {
		path, contains string
	}{
		{"/healthz", `"ok"`},
		{"/readyz", `"ready"`},
		{"/metrics", "afspraak_http_requests_total"},
		{"/openapi.json", `"openapi":"3.1.0"`},
	}
	e.do("GET", "/healthz", "", nil) // so the request counter has a sample
	for _, c := range cases {
		r := e.do("GET", c.path, "", nil).must(t, 200)
		if !strings.Contains(string(r.Body), c.contains) {
			t.Errorf("%s: body lacks %s", c.path, c.contains)
		}
		if r.Header.Get("X-Request-ID") == "" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: missing request id or security headers: %v", c.path, r.Header)
		}
	}
	if e.do("GET", "/docs", "", nil).Status != 404 {
		t.Error("/docs must not be served: it loads a CDN script")
	}
}

func TestAuth(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	admin, adminTok := e.user("admin", "admin", "A")
	_, workTok := e.user("w", "worker", "A")
	me := e.do("GET", "/api/v1/me", adminTok, nil).must(t, 200).json(t)
	if int64(me["id"].(float64)) != admin.ID || me["team_name"] != "A" || me["role"] != "admin" {
		t.Fatalf("me: %v", me)
	}
	for _, tok := range []string{"", "nonsense", "afs_" + strings.Repeat("x", 43)} {
		r := e.do("GET", "/api/v1/me", tok, nil).must(t, 401)
		if r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("401 is not problem+json")
		}
	}
	body := map[string]any{"name": "New", "email": "new@example.org", "role": "worker", "team": "B"}
	e.do("POST", "/api/v1/users", workTok, body).must(t, 403)
	created := e.do("POST", "/api/v1/users", adminTok, body).must(t, 201).json(t)
	newTok, _ := created["token"].(string)
	if len(newTok) < 40 {
		t.Fatalf("no token returned: %v", created)
	}
	if e.do("GET", "/api/v1/me", newTok, nil).must(t, 200).json(t)["team_name"] != "B" {
		t.Fatal("new user is not in team B")
	}
	e.do("POST", "/api/v1/users", adminTok, body).must(t, 409)
	if _, err := e.store.RevokeUserTokens(t.Context(), "new@example.org"); err != nil {
		t.Fatal(err)
	}
	e.do("GET", "/api/v1/me", newTok, nil).must(t, 401)
	if bytes.Contains(e.logs.Bytes(), []byte(newTok)) || bytes.Contains(e.logs.Bytes(), []byte(adminTok)) {
		t.Fatal("a token reached the log")
	}
}

func TestBadRequests(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	big := bytes.Repeat([]byte("a"), 1<<20+10)
	cases := []struct {
		name   string
		method string
		path   string
		body   any
		status int
	}{
		{"malformed json", "POST", "/api/v1/clients", `{"name":`, http.StatusBadRequest},
		{"not an object", "POST", "/api/v1/clients", `[1,2]`, http.StatusUnprocessableEntity},
		{"unknown field", "POST", "/api/v1/clients", `{"name":"a","phone":"0612345678","x":1}`, http.StatusUnprocessableEntity},
		{"bad id", "GET", "/api/v1/clients/abc", nil, http.StatusUnprocessableEntity},
		{"unknown route", "GET", "/api/v1/nothing", nil, http.StatusNotFound},
		{"nul bytes", "POST", "/api/v1/clients", `{"name":"a\u0000b","phone":"0612345678"}`, http.StatusUnprocessableEntity},
		{"raw nul byte", "POST", "/api/v1/clients", "{\"name\":\"a\u0000b\"}", http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.method, c.path, tok, c.body).must(t, c.status)
			if r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("content type %q: %s", r.Header.Get("Content-Type"), r.Body)
			}
			if d, _ := r.json(t)["detail"].(string); d == "" {
				t.Fatalf("no detail: %s", r.Body)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		// Announce a body over the limit and send none: the server must refuse
		// on the header alone, so the client reads the answer, not a reset.
		conn, err := net.Dial("tcp", strings.TrimPrefix(e.listen(), "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(conn, "POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", tok, len(big))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
	list := e.do("GET", "/api/v1/clients", tok, nil).must(t, 200).json(t)
	if n := len(list["items"].([]any)); n != 0 {
		t.Fatalf("a bad request wrote %d clients", n)
	}
}

func TestRequestIDAndAccessLog(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	r := e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "Geheime Naam", "phone": "0612345678"}).must(t, 201)
	id := r.Header.Get("X-Request-ID")
	if id == "" || !strings.Contains(e.logs.String(), id) {
		t.Fatalf("request id %q not in log", id)
	}
	for _, secret := range []string{"Geheime", "612345678", tok} {
		if strings.Contains(e.logs.String(), secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}
