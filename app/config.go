package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"afspraak/models"
)

// Config is every setting of afspraak. Only this package reads it: Open
// hands each part of the object graph the settings it needs.
type Config struct {
	Server    ServerConfig    `yaml:"server"`
	Database  DatabaseConfig  `yaml:"database"`
	Twilio    TwilioConfig    `yaml:"twilio"`
	Notify    NotifyConfig    `yaml:"notify"`
	Sessions  SessionsConfig  `yaml:"sessions"`
	Policy    PolicyConfig    `yaml:"policy"`
	Followup  FollowupConfig  `yaml:"followup"`
	Retention RetentionConfig `yaml:"retention"`
	Log       LogConfig       `yaml:"log"`
}

// ServerConfig is the HTTP listener.
type ServerConfig struct {
	Addr            string        `yaml:"addr"`
	PublicBaseURL   string        `yaml:"public_base_url"`
	RequestTimeout  time.Duration `yaml:"request_timeout"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// TrustedProxies are the networks (CIDRs) of reverse proxies in front of
	// the service: only a request from one of them has its client address
	// taken from X-Forwarded-For.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// DatabaseConfig selects the database.
type DatabaseConfig struct {
	Driver       string `yaml:"driver"`
	DSN          string `yaml:"dsn" secret:"true"`
	MaxOpenConns int    `yaml:"max_open_conns"`
}

// TwilioConfig holds the Twilio account; no account_sid means the dry-run sender.
type TwilioConfig struct {
	AccountSID    string                       `yaml:"account_sid"`
	AuthToken     string                       `yaml:"auth_token" secret:"true"`
	APIBaseURL    string                       `yaml:"api_base_url"`
	SMSFrom       string                       `yaml:"sms_from"`
	WhatsAppFrom  string                       `yaml:"whatsapp_from"`
	ContentSIDs   map[string]map[string]string `yaml:"content_sids"`
	Timeout       time.Duration                `yaml:"timeout"`
	RatePerSecond float64                      `yaml:"rate_per_second"`
}

// ContactHoursConfig is when clients may be messaged.
type ContactHoursConfig struct {
	Timezone string   `yaml:"timezone"`
	Days     []string `yaml:"days"`
	Start    string   `yaml:"start"`
	End      string   `yaml:"end"`
}

// NotifyConfig is the messaging pipeline.
type NotifyConfig struct {
	ContactHours    ContactHoursConfig `yaml:"contact_hours"`
	CrisisNumber    string             `yaml:"crisis_number"`
	ReminderOffsets []time.Duration    `yaml:"reminder_offsets"`
	// AutoReplyEvery: at most one auto-reply per client in this period.
	AutoReplyEvery time.Duration `yaml:"auto_reply_every"`
	// AckWindow: how long after a summary a plain "akkoord" still answers it.
	AckWindow time.Duration `yaml:"ack_window"`
	// NumberCheck: a new or changed number gets a welcome message asking
	// the client to confirm it, and nothing personal goes to it before.
	NumberCheck bool `yaml:"number_check"`
	// NumberCheckTimeout: after this without an answer the number counts as
	// not confirmed, and the worker is told.
	NumberCheckTimeout time.Duration `yaml:"number_check_timeout"`
	// OfficePhone is the number clients call when their worker has none;
	// OfficeAddress is where sessions in person take place; OfficeHoursText
	// says per language when someone reads messages (not the sending window).
	OfficePhone     string            `yaml:"office_phone"`
	OfficeAddress   string            `yaml:"office_address"`
	OfficeHoursText map[string]string `yaml:"office_hours_text"`
	// SensitiveWords keep an agreement that holds one out of the summary
	// unless the worker puts it in on purpose (audited).
	SensitiveWords []string `yaml:"sensitive_words"`
	// WhatsAppSummary: notice (a neutral template; the overview as free text
	// when the client taps for it) or full (the agreements in the template).
	WhatsAppSummary string `yaml:"whatsapp_summary"`
}

// SessionsConfig holds session rules.
type SessionsConfig struct {
	NoShowGrace time.Duration `yaml:"no_show_grace"`
	RiskSignals []string      `yaml:"risk_signals"`
}

// PolicyConfig is the blended-supervision policy.
type PolicyConfig struct {
	HighRiskMaxRemote    int  `yaml:"high_risk_max_remote"`
	MediumRiskMaxRemote  int  `yaml:"medium_risk_max_remote"`
	StartPhaseFaceToFace int  `yaml:"start_phase_face_to_face"`
	RiskSignalFaceToFace bool `yaml:"risk_signal_face_to_face"`
	LowRiskMaxRemote     int  `yaml:"low_risk_max_remote"`
}

// FollowupConfig is the follow-up report.
type FollowupConfig struct {
	SummarySLAHours int `yaml:"summary_sla_hours"`
}

// RetentionConfig is how long personal content is kept.
type RetentionConfig struct {
	MessageBodyDays int `yaml:"message_body_days"`
}

// LogConfig is the structured log.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// DefaultConfig returns the settings used when config.yaml says nothing.
func DefaultConfig() Config {
	return Config{
		Server: ServerConfig{
			Addr:            ":8080",
			PublicBaseURL:   "http://localhost:8080",
			RequestTimeout:  30 * time.Second,
			ShutdownTimeout: 10 * time.Second,
			TrustedProxies:  []string{},
		},
		Database: DatabaseConfig{Driver: "sqlite", DSN: "data/afspraak.db", MaxOpenConns: 10},
		Twilio: TwilioConfig{
			APIBaseURL:    "https://api.twilio.com",
			SMSFrom:       "+3197010000000",
			WhatsAppFrom:  "+14155238886",
			Timeout:       10 * time.Second,
			RatePerSecond: 10,
		},
		Notify: NotifyConfig{
			ContactHours: ContactHoursConfig{
				Timezone: "Europe/Amsterdam",
				Days:     []string{"mon", "tue", "wed", "thu", "fri"},
				Start:    "08:00",
				End:      "20:00",
			},
			CrisisNumber:       "113 (0800-0113)",
			ReminderOffsets:    []time.Duration{24 * time.Hour, time.Hour},
			AutoReplyEvery:     12 * time.Hour,
			AckWindow:          7 * 24 * time.Hour,
			NumberCheck:        true,
			NumberCheckTimeout: 72 * time.Hour,
			OfficeHoursText:    map[string]string{},
			SensitiveWords:     models.DefaultSensitiveWords,
			WhatsAppSummary:    "notice",
		},
		Sessions: SessionsConfig{
			NoShowGrace: 15 * time.Minute,
			RiskSignals: []string{"cannot_assess_emotion", "third_party_present", "under_influence",
				"evasive", "threat_or_escalation", "technical_problems"},
		},
		Policy: PolicyConfig{
			HighRiskMaxRemote:    1,
			MediumRiskMaxRemote:  3,
			StartPhaseFaceToFace: 2,
			RiskSignalFaceToFace: true,
		},
		Followup:  FollowupConfig{SummarySLAHours: 24},
		Retention: RetentionConfig{MessageBodyDays: 90},
		Log:       LogConfig{Level: "info", Format: "json"},
	}
}

// configPath picks the config file: the flag, else $AFSPRAAK_CONFIG, else config.yaml.
func configPath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if p := os.Getenv("AFSPRAAK_CONFIG"); p != "" {
		return p
	}
	return "config.yaml"
}

// ReadConfig loads the config named by a --config flag's value: the flag,
// else $AFSPRAAK_CONFIG, else config.yaml (which may be absent).
func ReadConfig(flagValue string) (Config, error) {
	explicit := flagValue != "" || os.Getenv("AFSPRAAK_CONFIG") != ""
	return LoadConfig(configPath(flagValue), explicit, os.Getenv)
}

// LoadConfig applies defaults, then the YAML file (a missing default file is
// fine; a missing named file is not), then environment variables, then validates.
func LoadConfig(path string, explicit bool, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return Config{}, fmt.Errorf("config: %s: %w", path, err)
		}
	case errors.Is(err, os.ErrNotExist) && !explicit:
	default:
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if err := applyEnv(reflect.ValueOf(&cfg).Elem(), "AFSPRAAK", getenv); err != nil {
		return Config{}, err
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// applyEnv overrides every leaf field with AFSPRAAK_<SECTION>_<KEY> when set;
// fields tagged secret also read <VAR>_FILE.
func applyEnv(v reflect.Value, prefix string, getenv func(string) string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := prefix + "_" + strings.ToUpper(strings.Split(f.Tag.Get("yaml"), ",")[0])
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Struct {
			if err := applyEnv(fv, name, getenv); err != nil {
				return err
			}
			continue
		}
		raw, ok := envValue(name, f.Tag.Get("secret") == "true", getenv)
		if !ok {
			continue
		}
		if err := setField(fv, raw); err != nil {
			return fmt.Errorf("config: %s: %w", name, err)
		}
	}
	return nil
}

func envValue(name string, secret bool, getenv func(string) string) (string, bool) {
	if v := getenv(name); v != "" {
		return v, true
	}
	if !secret {
		return "", false
	}
	file := getenv(name + "_FILE")
	if file == "" {
		return "", false
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(data)), true
}

var durationType = reflect.TypeOf(time.Duration(0))

func setField(fv reflect.Value, raw string) error {
	switch {
	case fv.Type() == durationType:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 15m or 24h", raw)
		}
		fv.SetInt(int64(d))
	case fv.Kind() == reflect.String:
		fv.SetString(raw)
	case fv.Kind() == reflect.Int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", raw)
		}
		fv.SetInt(int64(n))
	case fv.Kind() == reflect.Float64:
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", raw)
		}
		fv.SetFloat(n)
	case fv.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		fv.SetBool(b)
	case fv.Kind() == reflect.Slice:
		return setSlice(fv, raw)
	default:
		return errors.New("cannot be set from the environment; use config.yaml")
	}
	return nil
}

func setSlice(fv reflect.Value, raw string) error {
	parts := strings.Split(raw, ",")
	out := reflect.MakeSlice(fv.Type(), len(parts), len(parts))
	for i, p := range parts {
		if err := setField(out.Index(i), strings.TrimSpace(p)); err != nil {
			return err
		}
	}
	fv.Set(out)
	return nil
}
