package notify

import (
	"strings"
	"testing"

	"afspraak/models"
	"afspraak/templates"
)

// TestComposerClientFacingFacts: messages address the client by their
// aanspreeknaam and name the worker by display name with their own number,
// readable, or the office's; office hours are the configured reading hours
// in the client's language, and the message stays one GSM-7 part.
func TestComposerClientFacingFacts(t *testing.T) {
	c := Composer{Hours: mustHours(t, []string{"mon", "tue", "wed", "thu", "fri"}, "08:00", "20:00"), CrisisNumber: "113",
		OfficePhone: "+31301234567", OfficeHoursText: map[string]string{"nl": "ma-vr 9:00-17:00", "en": "Mon-Fri 9:00-17:00"}}
	for _, tc := range []struct {
		name   string
		client models.Client
		worker models.User
		kind   string
		want   []string
	}{
		{"auto-reply nl", models.Client{Name: "Sanne de Wit", Salutation: "Sanne", Language: "nl"}, models.User{},
			templates.KindAutoReply, []string{"Hallo Sanne,", "(ma-vr 9:00-17:00)"}},
		{"auto-reply en", models.Client{Name: "Sanne de Wit", Language: "en"}, models.User{},
			templates.KindAutoReply, []string{"Hello Sanne,", "(Mon-Fri 9:00-17:00)"}},
		{"nudge, worker's own number", models.Client{Name: "Jan Smit", Salutation: "meneer Smit", Language: "nl"},
			models.User{Name: "Wouter van Dam", DisplayName: "Wouter", Phone: "+31612345678"},
			templates.KindNoShowNudge, []string{"Hallo meneer Smit,", "Wouter via 06 12345678"}},
		{"nudge, office number", models.Client{Name: "Jan Smit", Language: "nl"}, models.User{Name: "Wouter van Dam"},
			templates.KindNoShowNudge, []string{"Wouter via 030 123 4567"}},
	} {
		tc.client.PreferredChannel, tc.client.ConsentSMS = "sms", true
		m, err := c.MessageFor(tc.kind, tc.client, tc.worker, templates.MessageData{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(m.Body, w) {
				t.Errorf("%s: %q lacks %q", tc.name, m.Body, w)
			}
		}
		if strings.Contains(m.Body, "van Dam") || strings.Contains(m.Body, "de Wit") || m.Encoding != EncodingGSM7 {
			t.Errorf("%s: a surname or a non-GSM-7 character: %q", tc.name, m.Body)
		}
	}
}
