package app

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"afspraak/models"
	"afspraak/notify"
)

// validate checks every setting and names the key and what is wrong.
func (c Config) validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Server.Addr == "" {
		bad("server.addr", "must not be empty (for example \":8080\")")
	}
	if u, err := url.Parse(c.Server.PublicBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("server.public_base_url", "%q is not an http(s) URL; Twilio webhooks are signed over it", c.Server.PublicBaseURL)
	}
	if c.Server.RequestTimeout <= 0 {
		bad("server.request_timeout", "must be positive")
	}
	if c.Server.ShutdownTimeout <= 0 {
		bad("server.shutdown_timeout", "must be positive")
	}
	for _, p := range c.Server.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil {
			bad("server.trusted_proxies", "%q is not a network such as 10.0.0.0/8 or 127.0.0.1/32", p)
		}
	}
	switch c.Database.Driver {
	case "sqlite", "postgres":
	default:
		bad("database.driver", "%q is not supported; use sqlite or postgres", c.Database.Driver)
	}
	if c.Database.DSN == "" {
		bad("database.dsn", "must not be empty")
	}
	if c.Database.MaxOpenConns < 1 {
		bad("database.max_open_conns", "must be at least 1")
	}
	c.Twilio.validate(bad)
	if _, err := notify.NewContactHours(c.Notify.ContactHours.Timezone, c.Notify.ContactHours.Days,
		c.Notify.ContactHours.Start, c.Notify.ContactHours.End); err != nil {
		bad("notify.contact_hours", "%s", strings.TrimPrefix(err.Error(), "notify: contact hours: "))
	}
	for _, d := range c.Notify.ReminderOffsets {
		if d <= 0 || d > 14*24*time.Hour {
			bad("notify.reminder_offsets", "%s must lie between 1s and 336h", d)
		}
	}
	if c.Notify.AckWindow <= 0 {
		bad("notify.ack_window", "must be positive (for example 168h)")
	}
	if c.Notify.NumberCheckTimeout <= 0 {
		bad("notify.number_check_timeout", "must be positive (for example 72h)")
	}
	if c.Notify.OfficePhone != "" {
		if _, err := models.NormalisePhone(c.Notify.OfficePhone); err != nil {
			bad("notify.office_phone", "is not a phone number (for example 030 123 4567)")
		}
	}
	for lang, text := range c.Notify.OfficeHoursText {
		if !slices.Contains(models.Languages, lang) {
			bad("notify.office_hours_text", "%q is not a language messages are sent in (%s)", lang, strings.Join(models.Languages, ", "))
		}
		if notify.CountSegments(text).Encoding != notify.EncodingGSM7 {
			bad("notify.office_hours_text."+lang, "use only plain characters (a hyphen, not a dash): one other character doubles the cost of every SMS")
		}
	}
	if c.Notify.WhatsAppSummary != "notice" && c.Notify.WhatsAppSummary != "full" {
		bad("notify.whatsapp_summary", "must be notice or full")
	}
	if c.Notify.AutoReplyEvery <= 0 {
		bad("notify.auto_reply_every", "must be positive (for example 12h)")
	}
	if c.Sessions.NoShowGrace <= 0 {
		bad("sessions.no_show_grace", "must be positive")
	}
	if len(c.Sessions.RiskSignals) == 0 {
		bad("sessions.risk_signals", "needs at least one signal")
	}
	for _, k := range []struct {
		key string
		v   int
	}{
		{"policy.high_risk_max_remote", c.Policy.HighRiskMaxRemote},
		{"policy.medium_risk_max_remote", c.Policy.MediumRiskMaxRemote},
		{"policy.low_risk_max_remote", c.Policy.LowRiskMaxRemote},
		{"policy.start_phase_face_to_face", c.Policy.StartPhaseFaceToFace},
	} {
		if k.v < 0 {
			bad(k.key, "must be 0 (rule off) or more")
		}
	}
	if c.Followup.SummarySLAHours < 1 {
		bad("followup.summary_sla_hours", "must be at least 1")
	}
	if c.Retention.MessageBodyDays < 1 {
		bad("retention.message_body_days", "must be at least 1")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		bad("log.format", "%q is not json or text", c.Log.Format)
	}
	return errors.Join(errs...)
}

func (t TwilioConfig) validate(bad func(key, format string, args ...any)) {
	if u, err := url.Parse(t.APIBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("twilio.api_base_url", "%q is not an http(s) URL", t.APIBaseURL)
	}
	if t.Timeout <= 0 {
		bad("twilio.timeout", "must be positive")
	}
	if t.RatePerSecond < 0 {
		bad("twilio.rate_per_second", "must be 0 (no limit) or more")
	}
	if t.AccountSID == "" {
		return // dry-run sender
	}
	if !alnum(t.AccountSID) || !strings.HasPrefix(t.AccountSID, "AC") {
		bad("twilio.account_sid", "must start with AC followed by letters and digits")
	}
	if t.AuthToken == "" || !alnum(t.AuthToken) {
		bad("twilio.auth_token", "must be set (letters and digits) when twilio.account_sid is set")
	}
	for key, v := range map[string]string{"twilio.sms_from": t.SMSFrom, "twilio.whatsapp_from": t.WhatsAppFrom} {
		if !isE164(v) {
			bad(key, "must be a phone number in E.164 form such as +3197010000000")
		}
	}
	for kind, langs := range t.ContentSIDs {
		for lang, sid := range langs {
			if !strings.HasPrefix(sid, "HX") || !alnum(sid) {
				bad("twilio.content_sids."+kind+"."+lang, "must be a content SID starting with HX")
			}
		}
	}
}

func alnum(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func isE164(s string) bool {
	if !strings.HasPrefix(s, "+") {
		return false
	}
	n, err := phonenumbers.Parse(s, "NL")
	return err == nil && phonenumbers.IsPossibleNumber(n)
}
