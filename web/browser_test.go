package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/models"
	"afspraak/notify/twiliofake"
	"afspraak/server"
)

const chromium = "/usr/bin/chromium"

// liveEnv is the whole service on a loopback port with a running job queue
// and a fake Twilio that the real twilio-go client talks to.
type liveEnv struct {
	base  string
	fake  *twiliofake.Server
	store *models.Store
}

func newLiveEnv(t *testing.T) *liveEnv {
	t.Helper()
	e := apptest.New(t, apptest.Options{Twilio: true, Start: true,
		Config: func(c *app.Config) { c.Notify.ReminderOffsets = nil }})
	return &liveEnv{base: e.Listen(server.New(e.App)), fake: e.Fake, store: e.Store}
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
