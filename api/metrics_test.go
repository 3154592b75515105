package api

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestMetricsAfterKeepAliveTraffic: a few thousand mixed requests over reused
// connections, then /metrics answers 200 with only real method names. Fiber's
// strings alias reused request buffers; kept as labels they changed under the
// registry (GETT, POS) and duplicate series made /metrics answer 500.
func TestMetricsAfterKeepAliveTraffic(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	base := e.listen()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, MaxConnsPerHost: 4}}
	reqs := []struct{ method, path, body string }{
		{"GET", "/healthz", ""}, {"POST", "/api/v1/clients", `{"name":""}`}, {"DELETE", "/api/v1/agenda-templates/999", ""},
		{"PATCH", "/api/v1/clients/999", `{}`}, {"GET", "/api/v1/me", ""}, {"PUT", "/api/v1/agenda-templates/1", `{}`},
		{"OPTIONS", "/api/v1/me", ""}, {"GET", "/nowhere/at/all", ""},
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 750 {
				r := reqs[(g+i)%len(reqs)]
				req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		})
	}
	wg.Wait()
	res, err := client.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("/metrics answered %d: %.300s", res.StatusCode, body)
	}
	methods := map[string]bool{}
	for _, m := range regexp.MustCompile(`afspraak_http_requests_total\{method="([^"]*)"`).FindAllStringSubmatch(string(body), -1) {
		methods[m[1]] = true
	}
	for m := range methods {
		if !strings.Contains(" GET POST PUT PATCH DELETE OPTIONS HEAD ", " "+m+" ") {
			t.Errorf("a corrupted method label %q in /metrics", m)
		}
	}
	if len(methods) < 5 {
		t.Fatalf("only methods %v counted", fmt.Sprint(methods))
	}
}
