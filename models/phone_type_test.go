package models

import (
	"strings"
	"testing"
)

// TestOnlyMobileNumbersForMessaging: a number SMS and WhatsApp cannot reach
// is refused for a client who is messaged, saying why in plain Dutch; with
// channel none and no consent any valid number is kept.
func TestOnlyMobileNumbersForMessaging(t *testing.T) {
	cases := []struct{ name, phone, why string }{
		{"Dutch mobile", "06 12345678", ""},
		{"Belgian mobile", "+32 470 12 34 56", ""},
		{"Amsterdam landline", "020 123 4567", "vast nummer"},
		{"toll-free", "0800 0113", "0800"},
		{"premium rate", "0900 1234567", "0900"},
		{"company number 088", "088 123 4567", "bedrijfsnummer"},
		{"085 (libphonenumber: VoIP)", "085 123 4567", "internetnummer"},
		{"pager", "066 1234567", "semafoon"},
	}
	sms, none := "sms", "none"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			phone := c.phone
			cl := Client{PreferredChannel: "whatsapp"}
			_, err := ClientFields{Phone: &phone, PreferredChannel: &sms}.apply(&cl, cl.CreatedAt)
			if c.why == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var de *Error
			if err == nil || !strings.Contains(err.Error(), c.why) || !asError(err, &de) || de.Field != "phone" {
				t.Fatalf("error %v, want one on phone saying %q", err, c.why)
			}
			quiet := Client{PreferredChannel: "whatsapp"}
			if _, err := (ClientFields{Phone: &phone, PreferredChannel: &none}).apply(&quiet, quiet.CreatedAt); err != nil {
				t.Fatalf("channel none: %v", err)
			}
		})
	}
}

func asError(err error, de **Error) bool {
	e, ok := err.(*Error)
	*de = e
	return ok
}
