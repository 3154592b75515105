package app

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join(t.TempDir(), "absent.yaml"), false, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, DefaultConfig()) {
		t.Fatalf("a missing default file should give the defaults")
	}
	if cfg.Server.Addr != ":8080" || cfg.Database.Driver != "sqlite" || cfg.Database.DSN != "data/afspraak.db" {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
}

// The shipped config.yaml must load and equal the defaults it documents.
func TestShippedConfigIsTheDefault(t *testing.T) {
	cfg, err := LoadConfig("../config.yaml", true, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Twilio.ContentSIDs = map[string]map[string]string{}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("config.yaml differs from DefaultConfig():\n got %+v\nwant %+v", cfg, want)
	}
}

func TestLoadConfigLayers(t *testing.T) {
	file := writeFile(t, "c.yaml", `
server:
  addr: ":9000"
notify:
  contact_hours:
    start: "09:00"
  reminder_offsets: [48h]
twilio:
  account_sid: AC123
  auth_token: fromfile
  content_sids:
    agreement_summary: { nl: HXabc, en: HXdef }
`)
	secret := writeFile(t, "token", "s3cr3tToken\n")
	cfg, err := LoadConfig(file, true, envMap(map[string]string{
		"AFSPRAAK_SERVER_ADDR":                     ":9100",
		"AFSPRAAK_NOTIFY_CONTACT_HOURS_END":        "24:00",
		"AFSPRAAK_NOTIFY_CONTACT_HOURS_DAYS":       "mon, sat",
		"AFSPRAAK_SESSIONS_NO_SHOW_GRACE":          "20m",
		"AFSPRAAK_POLICY_RISK_SIGNAL_FACE_TO_FACE": "false",
		"AFSPRAAK_TWILIO_AUTH_TOKEN_FILE":          secret,
	}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"env beats yaml", cfg.Server.Addr, ":9100"},
		{"yaml beats default", cfg.Notify.ContactHours.Start, "09:00"},
		{"nested env", cfg.Notify.ContactHours.End, "24:00"},
		{"env list", cfg.Notify.ContactHours.Days, []string{"mon", "sat"}},
		{"yaml durations", cfg.Notify.ReminderOffsets, []time.Duration{48 * time.Hour}},
		{"env duration", cfg.Sessions.NoShowGrace, 20 * time.Minute},
		{"env bool", cfg.Policy.RiskSignalFaceToFace, false},
		{"secret file beats yaml", cfg.Twilio.AuthToken, "s3cr3tToken"},
		{"untouched default", cfg.Followup.SummarySLAHours, 24},
		{"map from yaml", cfg.Twilio.ContentSIDs["agreement_summary"]["en"], "HXdef"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadConfigErrorsNameTheKey(t *testing.T) {
	cases := []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"unknown driver", "database:\n  driver: mysql\n", nil, "database.driver"},
		{"unknown key", "server:\n  adress: x\n", nil, "field adress not found"},
		{"bad end time", "notify:\n  contact_hours:\n    end: \"25:00\"\n", nil, "notify.contact_hours"},
		{"bad env duration", "", map[string]string{"AFSPRAAK_SESSIONS_NO_SHOW_GRACE": "soon"}, "AFSPRAAK_SESSIONS_NO_SHOW_GRACE"},
		{"bad env number", "", map[string]string{"AFSPRAAK_FOLLOWUP_SUMMARY_SLA_HOURS": "x"}, "AFSPRAAK_FOLLOWUP_SUMMARY_SLA_HOURS"},
		{"sid without token", "twilio:\n  account_sid: AC1\n", nil, "twilio.auth_token"},
		{"bad from number", "twilio:\n  account_sid: AC1\n  auth_token: t\n  sms_from: \"0612\"\n", nil, "twilio.sms_from"},
		{"bad public url", "server:\n  public_base_url: nope\n", nil, "server.public_base_url"},
		{"bad log level", "log:\n  level: loud\n", nil, "log.level"},
		{"negative policy", "policy:\n  high_risk_max_remote: -1\n", nil, "policy.high_risk_max_remote"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadConfig(writeFile(t, "c.yaml", c.yaml), true, envMap(c.env))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got error %v, want one naming %q", err, c.want)
			}
		})
	}
}

func TestLoadConfigMissingExplicitFile(t *testing.T) {
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "nope.yaml"), true, envMap(nil)); err == nil {
		t.Fatal("a config file named explicitly but missing must be an error")
	}
}

func TestConfigPath(t *testing.T) {
	t.Setenv("AFSPRAAK_CONFIG", "")
	if got := configPath(""); got != "config.yaml" {
		t.Errorf("default: %q", got)
	}
	t.Setenv("AFSPRAAK_CONFIG", "/etc/afspraak.yaml")
	if got := configPath(""); got != "/etc/afspraak.yaml" {
		t.Errorf("env: %q", got)
	}
	if got := configPath("x.yaml"); got != "x.yaml" {
		t.Errorf("flag: %q", got)
	}
}
