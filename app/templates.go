package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"afspraak/notify"
	"afspraak/templates"
)

// newTwilioSender is the Twilio sender of the config.
func newTwilioSender(cfg Config) (*notify.TwilioSender, error) {
	return notify.NewTwilioSender(notify.TwilioConfig{AccountSID: cfg.Twilio.AccountSID, AuthToken: cfg.Twilio.AuthToken,
		APIBaseURL: cfg.Twilio.APIBaseURL, SMSFrom: cfg.Twilio.SMSFrom, WhatsAppFrom: cfg.Twilio.WhatsAppFrom,
		Timeout: cfg.Twilio.Timeout})
}

// TemplateCheck is what Twilio says of one configured WhatsApp template.
type TemplateCheck struct {
	Kind, Language, SID string
	Problems            []string // empty: it exists, matches and is approved
}

// CheckTemplates fetches every WhatsApp template of the catalogue that
// twilio.content_sids configures, through twilio-go, and reports whether
// each exists, has the variables, language and type afspraak sends, and is
// approved for WhatsApp. A kind without a SID is reported too: its messages
// go as free text, which WhatsApp takes only inside the 24-hour window.
func CheckTemplates(ctx context.Context, cfg Config) ([]TemplateCheck, error) {
	if cfg.Twilio.AccountSID == "" {
		return nil, fmt.Errorf("twilio.account_sid is not set: there is no Twilio account to check the templates at")
	}
	ts, err := newTwilioSender(cfg)
	if err != nil {
		return nil, err
	}
	all, err := templates.Catalogue()
	if err != nil {
		return nil, err
	}
	var out []TemplateCheck
	for _, want := range all {
		c := TemplateCheck{Kind: want.Kind, Language: want.Language, SID: cfg.Twilio.ContentSIDs[want.Kind][want.Language]}
		if c.SID == "" {
			c.Problems = []string{"no twilio.content_sids." + want.Kind + "." + want.Language + ": sent as free text, which WhatsApp refuses outside the 24-hour window"}
			out = append(out, c)
			continue
		}
		got, err := ts.FetchContent(ctx, c.SID)
		if err != nil {
			c.Problems = []string{err.Error()}
			out = append(out, c)
			continue
		}
		c.Problems = compareTemplate(want, got)
		out = append(out, c)
	}
	return out, nil
}

// compareTemplate lists where Twilio's template differs from the catalogue's.
func compareTemplate(want templates.ContentTemplate, got notify.ContentInfo) []string {
	var problems []string
	keys := make([]string, 0, len(want.Samples))
	for k := range want.Samples {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, got.Variables) {
		problems = append(problems, fmt.Sprintf("variables %v, afspraak sends %v", got.Variables, keys))
	}
	if got.Language != "" && got.Language != want.Language {
		problems = append(problems, fmt.Sprintf("language %s, want %s", got.Language, want.Language))
	}
	if !slices.Contains(got.Types, want.ContentType()) {
		problems = append(problems, fmt.Sprintf("types %s, want %s", strings.Join(got.Types, ", "), want.ContentType()))
	}
	if got.WhatsApp != "approved" {
		status := got.WhatsApp
		if status == "" {
			status = "never submitted"
		}
		problems = append(problems, "WhatsApp approval: "+status+strings.TrimSuffix(" ("+got.Rejection+")", " ()"))
	}
	return problems
}
