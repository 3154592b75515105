package notify

import (
	"strings"
	"testing"

	"afspraak/models"
	"afspraak/templates"
)

// TestAutoReplyOfficeHoursPerLanguage: the office hours in a client message
// are in the client's language and keep the SMS in GSM-7 (no en dash).
func TestAutoReplyOfficeHoursPerLanguage(t *testing.T) {
	c := Composer{Hours: mustHours(t, []string{"mon", "tue", "wed", "thu", "fri"}, "08:00", "20:00"), CrisisNumber: "113"}
	for lang, want := range map[string]string{"nl": "ma-vr 08:00-20:00", "en": "Mon-Fri 08:00-20:00"} {
		client := models.Client{Name: "Sanne", Language: lang, PreferredChannel: "sms", ConsentSMS: true}
		m, err := c.Message(templates.KindAutoReply, client, templates.MessageData{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Body, want) || m.Encoding != EncodingGSM7 || m.Segments != 1 {
			t.Errorf("%s auto-reply: %q (%s, %d parts), want %q in one GSM-7 part", lang, m.Body, m.Encoding, m.Segments, want)
		}
	}
}
