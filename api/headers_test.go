package api

import (
	"testing"

	"afspraak/app"
	"afspraak/app/apptest"
)

// TestHSTSOverHTTPS: Strict-Transport-Security is sent when the public
// address is https, and not over plain http (a browser would then refuse the
// service on a development machine).
func TestHSTSOverHTTPS(t *testing.T) {
	for base, want := range map[string]string{"https://afspraak.example.org": "max-age=31536000", "http://localhost:8080": ""} {
		e := newEnvWith(t, apptest.Options{Config: func(c *app.Config) { c.Server.PublicBaseURL = base }})
		if got := e.do("GET", "/healthz", "", nil).must(t, 200).Header.Get("Strict-Transport-Security"); got != want {
			t.Errorf("%s: Strict-Transport-Security %q, want %q", base, got, want)
		}
	}
}
