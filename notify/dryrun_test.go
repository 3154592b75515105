package notify

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestDryRunSender(t *testing.T) {
	var logs bytes.Buffer
	d := DryRunSender{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	m := OutboundMessage{ID: 42, Channel: ChannelWhatsApp, To: clientNum, Body: "Geheime afspraak met cliënt"}
	first, err := d.Send(t.Context(), m)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := d.Send(t.Context(), m)
	if first.Status != "dry_run" || !strings.HasPrefix(first.SID, "DRY") || first.SID == second.SID {
		t.Errorf("results %+v and %+v", first, second)
	}
	out := logs.String()
	for _, want := range []string{`"message_id":42`, `"channel":"whatsapp"`, `"to":"+316****5678"`, `"body_chars":27`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s: %s", want, out)
		}
	}
	for _, leak := range []string{"Geheime", clientNum, "12345678"} {
		if strings.Contains(out, leak) {
			t.Errorf("log leaks %q: %s", leak, out)
		}
	}
	if _, found, err := d.FindSentMessage(t.Context(), m, time.Now()); found || err != nil {
		t.Errorf("FindSentMessage = %v, %v", found, err)
	}
}

func TestDryRunSenderDefaultLogger(t *testing.T) {
	if _, err := (DryRunSender{}).Send(t.Context(), OutboundMessage{ID: 1, Channel: ChannelSMS, To: clientNum, Body: "x"}); err != nil {
		t.Fatal(err)
	}
}

func TestMaskPhone(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"dutch mobile", "+31612345678", "+316****5678"},
		{"long number", "+3197010000000", "+319****0000"},
		{"whatsapp address", "whatsapp:+31612345678", "whatsapp:+316****5678"},
		{"short code", "+1234", "****"},
		{"too short to show ends", "+123456789", "****"},
		{"just long enough", "+1234567890", "+123****7890"},
		{"empty", "", ""},
		{"whatsapp prefix only", "whatsapp:", "whatsapp:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := MaskPhone(tc.in); got != tc.want {
				t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
