package web_test

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/models"
	"afspraak/server"
)

func TestSignIn(t *testing.T) {
	tests := []struct {
		name, base string
		secure     bool
	}{
		{"http", "http://localhost:8080", false},
		{"https public address", "https://afspraak.example.org", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.base)
			_, token := e.user("Wim Werker", models.RoleWorker, "Noord")
			b := e.browser()
			b.get("/vandaag").must(t, 303)
			if p := b.signIn("afs_wrong"); p.Status != 401 || !strings.Contains(p.Body, "kennen we niet") {
				t.Fatalf("wrong token: %d %.200s", p.Status, p.Body)
			}
			p := b.signIn(token).must(t, 303)
			if p.Header.Get("Location") != "/vandaag" {
				t.Fatalf("redirect to %q", p.Header.Get("Location"))
			}
			var cookie string
			for _, c := range p.Header.Values("Set-Cookie") {
				if strings.HasPrefix(c, "afspraak_session=") {
					cookie = strings.ToLower(c)
				}
			}
			for _, want := range []string{"httponly", "samesite=strict", "expires=", "path=/"} {
				if !strings.Contains(cookie, want) {
					t.Errorf("session cookie %q lacks %s", cookie, want)
				}
			}
			if strings.Contains(cookie, "secure") != tc.secure {
				t.Errorf("session cookie %q: Secure should be %v", cookie, tc.secure)
			}
			if strings.Contains(cookie, strings.ToLower(token)) {
				t.Error("the cookie carries the API token")
			}
			b.get("/vandaag").must(t, 200)
			b.post("/vandaag", "/afmelden", url.Values{}).must(t, 303)
			b.get("/vandaag").must(t, 303)
		})
	}
}

func TestRevokedTokenSignsOut(t *testing.T) {
	e := newEnv(t, "http://localhost")
	w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	b := e.browser()
	b.signIn(token).must(t, 303)
	if _, err := e.store.RevokeUserTokens(t.Context(), w.Email); err != nil {
		t.Fatal(err)
	}
	b.get("/vandaag").must(t, 303)
}

func TestCSRFRejected(t *testing.T) {
	e := newEnv(t, "http://localhost")
	w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	c := e.client(w, "Carla Client")
	s := e.session(w, c)
	b := e.browser()
	b.signIn(token).must(t, 303)
	path := fmt.Sprintf("/sessies/%d/afspraken", s.ID)
	for name, csrf := range map[string]string{"missing": "", "wrong": "x" + csrfOf(t, b.get("/vandaag").Body)} {
		t.Run(name, func(t *testing.T) {
			form := url.Values{"text": {"Bel de huisarts"}, "owner": {"client"}}
			if csrf != "" {
				form.Set("csrf", csrf)
			}
			b.do("POST", path, form).must(t, 403)
		})
	}
	t.Run("sign-in without guard", func(t *testing.T) {
		e.browser().do("POST", "/aanmelden", url.Values{"token": {token}}).must(t, 403)
	})
	ags, _ := e.store.FindAgreements(t.Context(), models.Actor{Role: models.RoleAdmin}, models.AgreementFilter{SessionID: &s.ID})
	if len(ags) != 0 {
		t.Fatalf("a forged form created %d agreements", len(ags))
	}
}

func TestOtherCaseloadIsNotFound(t *testing.T) {
	e := newEnv(t, "http://localhost")
	a, _ := e.user("Anna Werker", models.RoleWorker, "Noord")
	_, otherSuper := e.user("Olga Super", models.RoleSupervisor, "Zuid")
	_, tokenB := e.user("Bert Werker", models.RoleWorker, "Noord")
	c := e.client(a, "Carla Client")
	s := e.session(a, c)
	b := e.browser()
	b.signIn(tokenB).must(t, 303)
	for _, path := range []string{fmt.Sprintf("/clienten/%d", c.ID), fmt.Sprintf("/sessies/%d", s.ID),
		fmt.Sprintf("/sessies/%d/afronden", s.ID), "/rapport", "/audit", "/clienten/abc", fmt.Sprintf("/rapport/medewerker/%d", a.ID)} {
		p := b.get(path).must(t, 404)
		if strings.Contains(p.Body, "Carla") {
			t.Errorf("%s shows the client's name", path)
		}
	}
	b.post("/vandaag", fmt.Sprintf("/sessies/%d/afspraken", s.ID), url.Values{"text": {"x"}, "owner": {"client"}}).must(t, 404)

	o := e.browser() // a supervisor of another team
	o.signIn(otherSuper).must(t, 303)
	for _, path := range []string{fmt.Sprintf("/clienten/%d", c.ID), fmt.Sprintf("/sessies/%d", s.ID),
		fmt.Sprintf("/rapport/medewerker/%d", a.ID)} {
		o.get(path).must(t, 404)
	}
}

var untranslated = regexp.MustCompile(`>\s*(nav|title|session|today|plan|complete|status|col|who|modality|agreement|owner|report|audit|client|kind|skip|risk|risk_level|phase|msg|notice|error|conv|number|alert|media|channel|keyword)\.[a-z_]+`)

func TestPagesRender(t *testing.T) {
	e := newEnv(t, "http://localhost")
	w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	_, stoken := e.user("Sara Super", models.RoleSupervisor, "Noord")
	c := e.client(w, "Carla Client")
	s := e.session(w, c)
	pages := map[string][]string{
		token:  {"/vandaag", "/sessies/nieuw", "/clienten", fmt.Sprintf("/clienten/%d", c.ID), fmt.Sprintf("/sessies/%d", s.ID), fmt.Sprintf("/sessies/%d/afronden", s.ID)},
		stoken: {"/vandaag", "/rapport", fmt.Sprintf("/rapport/medewerker/%d", w.ID), "/rapport?from=2026-01-01&to=2026-12-31", "/audit", "/audit?entity=session&action=create", fmt.Sprintf("/clienten/%d", c.ID)},
	}
	for tok, paths := range pages {
		for _, lang := range []string{"nl", "en"} {
			b := e.browser()
			b.signIn(tok).must(t, 303)
			b.get("/taal/"+lang+"?terug=/vandaag").must(t, 303)
			for _, path := range paths {
				p := b.get(path).must(t, 200)
				if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe") {
					t.Errorf("%s: CSP %q", path, csp)
				}
				if m := untranslated.FindString(p.Body); m != "" {
					t.Errorf("%s (%s): untranslated key %q", path, lang, m)
				}
				if !strings.Contains(p.Body, `<html lang="`+lang+`">`) {
					t.Errorf("%s: not in %s", path, lang)
				}
			}
		}
	}
	p := e.browser().get("/static/style.css").must(t, 200)
	if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/css") {
		t.Errorf("style sheet served as %q", p.Header.Get("Content-Type"))
	}
}

func TestLanguageToggleStaysLocal(t *testing.T) {
	e := newEnv(t, "http://localhost")
	for _, back := range []string{"//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example",
		"/\n/evil.example", "/\r//evil.example", "/ /evil.example", "/\x00/evil.example", "/\u2028/evil.example",
		"javascript:alert(1)", "/%2F/evil.example", "/%5Cevil.example", "evil.example", "", "/..//evil.example"} {
		p := e.browser().get("/taal/en?terug="+url.QueryEscape(back)).must(t, 303)
		if p.Header.Get("Location") != "/" {
			t.Errorf("terug=%q redirected to %q", back, p.Header.Get("Location"))
		}
	}
	for _, back := range []string{"/vandaag", "/sessies/3?ok=planned#berichten", "/clienten/12"} {
		p := e.browser().get("/taal/en?terug="+url.QueryEscape(back)).must(t, 303)
		if p.Header.Get("Location") != back {
			t.Errorf("terug=%q redirected to %q", back, p.Header.Get("Location"))
		}
	}
}

func TestSessionExpires(t *testing.T) {
	e := newEnv(t, "http://localhost")
	_, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	b := e.browser()
	b.signIn(token).must(t, 303)
	b.get("/vandaag").must(t, 200)
	e.Clock.Set(func() time.Time { return time.Now().Add(12*time.Hour + time.Minute) })
	if p := b.get("/vandaag").must(t, 303); p.Header.Get("Location") != "/aanmelden" {
		t.Fatalf("an expired session went to %q", p.Header.Get("Location"))
	}
}

func TestSignInThrottled(t *testing.T) {
	e := newEnv(t, "http://localhost")
	_, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	b := e.browser()
	for range app.ThrottleLimit { // the API's throttle: one per address for both doors
		b.signIn("afs_wrong").must(t, 401)
	}
	if p := b.signIn("afs_wrong"); p.Status != 429 || !strings.Contains(p.Body, "Wacht tien minuten") {
		t.Fatalf("after %d wrong tokens: %d", app.ThrottleLimit, p.Status)
	}
	// The same throttle guards the API: the address is refused there too.
	req := httptest.NewRequest("GET", "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer afs_wrong")
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 429 {
		t.Fatalf("the API after the web's failures: %d", res.StatusCode)
	}
	// A good token from the same address still signs in.
	b.signIn(token).must(t, 303)
}

// TestSendingProblemBanner: while Twilio refuses the credentials, supervisors
// see a banner on every page saying messages are not getting through;
// workers do not (there is nothing they can do about it).
func TestSendingProblemBanner(t *testing.T) {
	a := apptest.New(t, apptest.Options{Twilio: true, Start: true,
		Config: func(c *app.Config) { c.Twilio.AuthToken = "0000000000000000000000000000000f" }})
	e := &env{Env: a, t: t, app: server.New(a.App), store: a.Store, logs: a.Logs}
	_, sup := e.user("Sara Super", models.RoleSupervisor, "Noord")
	_, wrk := e.user("Wim Werker", models.RoleWorker, "Noord")
	b := e.browser()
	b.signIn(sup).must(t, 303)
	if p := b.get("/vandaag").must(t, 200); !strings.Contains(p.Body, `role="alert"`) || !strings.Contains(p.Body, "Berichten komen nu niet aan") {
		t.Fatalf("no banner for a supervisor: %.400s", p.Body)
	}
	w := e.browser()
	w.signIn(wrk).must(t, 303)
	if p := w.get("/vandaag").must(t, 200); strings.Contains(p.Body, "Berichten komen nu niet aan") {
		t.Fatal("a worker sees the sending banner")
	}
	good := newEnv(t, "http://localhost")
	_, sup2 := good.user("Sara Super", models.RoleSupervisor, "Noord")
	g := good.browser()
	g.signIn(sup2).must(t, 303)
	if p := g.get("/vandaag").must(t, 200); strings.Contains(p.Body, "Berichten komen nu niet aan") {
		t.Fatal("a banner in dry run")
	}
}
