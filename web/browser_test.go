package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/twilio/twilio-go/client"

	"afspraak/api"
	"afspraak/models"
	"afspraak/models/modelstest"
	"afspraak/notify"
	"afspraak/notify/twiliofake"
	"afspraak/web"
)

const (
	chromium   = "/usr/bin/chromium"
	fakeSID    = "AC0123456789abcdef0123456789abcdef"
	fakeToken  = "0123456789abcdef0123456789abcdef"
	publicBase = "https://afspraak.example.org"
	smsFrom    = "+3197010000000"
)

// liveEnv is the whole service on a loopback port with a running job queue
// and a fake Twilio that the real twilio-go client talks to.
type liveEnv struct {
	base  string
	fake  *twiliofake.Server
	store *models.Store
}

func newLiveEnv(t *testing.T) *liveEnv {
	t.Helper()
	t.Setenv("TWILIO_EDGE", "")
	t.Setenv("TWILIO_REGION", "")
	store := modelstest.Store(t, models.DriverSQLite)
	db := store.DB
	store.Policy = models.PolicyRules{HighRiskMaxRemote: 1, MediumRiskMaxRemote: 3, StartPhaseFaceToFace: 2, RiskSignalFaceToFace: true}
	store.RiskSignals = riskSignals
	sqlDB, _ := db.DB()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	hours, _ := notify.NewContactHours("Europe/Amsterdam", []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, "00:00", "24:00")
	fake := twiliofake.New(fakeSID, fakeToken)
	t.Cleanup(fake.Close)
	ts, err := notify.NewTwilioSender(notify.TwilioConfig{AccountSID: fakeSID, AuthToken: fakeToken, APIBaseURL: fake.URL(),
		SMSFrom: smsFrom, WhatsAppFrom: "+14155238886", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	composer := notify.Composer{Hours: hours, CrisisNumber: "113"}
	disp := &notify.Dispatcher{Store: store, Composer: composer, PublicBaseURL: publicBase, Logger: logger, Sender: ts, Finder: ts}
	if err := notify.MigrateQueue(context.Background(), sqlDB, models.DriverSQLite); err != nil {
		t.Fatal(err)
	}
	q, err := notify.NewQueue(sqlDB, notify.QueueConfig{Driver: models.DriverSQLite, Workers: disp.Workers(), Logger: logger,
		JobTimeout: 5 * time.Second, RescueAfter: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	disp.Queue = q
	v := client.NewRequestValidator(fakeToken)
	h := &web.Handler{Store: store, Composer: composer, Notifier: disp, Logger: logger, RiskSignals: riskSignals}
	srv := &api.Server{Store: store, DB: sqlDB, Logger: logger, Composer: composer, Notifier: disp, Validator: &v,
		PublicBaseURL: publicBase, Web: h}
	app := srv.App()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	base := "http://" + ln.Addr().String()
	fake.RouteCallbacks(publicBase, base)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = app.ShutdownWithTimeout(2 * time.Second)
		_ = q.Stop(ctx)
	})
	return &liveEnv{base: base, fake: fake, store: store}
}

// newBrowser starts headless chromium, or skips the test when it is absent.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("browser tests skipped: no " + chromium + " (apt-get install -y chromium to run them)")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900)}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	bypass := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true})
		return err
	})
	if err := chromedp.Do(ctx, bypass); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// submit clicks a form's button and waits for the next page to load.
func submit(sel string) chromedp.Action[chromedp.Void] {
	mark := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[string](`document.body.dataset.old = "1"`)(ctx, tg)
		return err
	})
	return chromedp.Steps(mark, chromedp.Click(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.CSS(`body:not([data-old])`)))
}

// shot saves a PNG of the page into docs/ when AFSPRAAK_SCREENSHOTS=1.
func shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if os.Getenv("AFSPRAAK_SCREENSHOTS") != "1" {
			return nil
		}
		buf, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join("..", "docs", name+".png"), buf, 0o644)
	})
}

func textOf(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func run(ctx context.Context, t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("%s: %s", step, time.Since(start).Round(time.Millisecond)) }()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// axe checks the page with axe-core (testdata/axe.min.js, MPL-2.0) against
// WCAG 2.1 A and AA and fails the test on serious or critical violations.
func axe(t *testing.T, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		src, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
		if err != nil {
			return err
		}
		if _, err := chromedp.Evaluate[bool](string(src)+";true")(ctx, tg); err != nil {
			return fmt.Errorf("inject axe-core: %w", err)
		}
		const check = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
			.then(r => ({passes: r.passes.length, serious: r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.map(n => n.target.join(" ")).join(", "))}))`
		res, err := chromedp.Evaluate[struct {
			Passes  int      `json:"passes"`
			Serious []string `json:"serious"`
		}](check, chromedp.EvalAwaitPromise)(ctx, tg)
		if err != nil {
			return fmt.Errorf("run axe-core: %w", err)
		}
		if res.Passes == 0 {
			return fmt.Errorf("axe-core checked nothing on the %s page", name)
		}
		t.Logf("axe-core, %s page: %d rules passed, %d serious violations", name, res.Passes, len(res.Serious))
		for _, v := range res.Serious {
			t.Errorf("accessibility, %s page: %s", name, v)
		}
		return nil
	})
}
