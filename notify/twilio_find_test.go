package notify

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"afspraak/notify/twiliofake"
)

// sendDropped sends m through a connection the fake drops after accepting the
// message, checks the send was ambiguous and returns the SID Twilio gave it.
func sendDropped(t *testing.T, fake *twiliofake.Server, s *TwilioSender, m OutboundMessage) string {
	t.Helper()
	fake.FailNext(1, twiliofake.AcceptThenDrop())
	_, err := s.Send(t.Context(), m)
	var se *SendError
	if !errors.As(err, &se) || se.Class != ErrAmbiguous {
		t.Fatalf("send: %v, want ambiguous", err)
	}
	all := fake.Messages()
	return all[len(all)-1].SID
}

// TestFindSentAfterAcceptThenDrop is the case FindSent exists for: Twilio took
// the message but the caller never got the answer.
func TestFindSentAfterAcceptThenDrop(t *testing.T) {
	fake, s := newFakeTwilio(t, time.Second)
	since := time.Now()
	if _, err := s.Send(t.Context(), smsMessage("Other message")); err != nil {
		t.Fatal(err)
	}
	m := smsMessage("Your agreements: call on Monday")
	want := sendDropped(t, fake, s, m)
	cases := []struct {
		name      string
		m         OutboundMessage
		since     time.Time
		wantFound bool
	}{
		{"same body", m, since, true},
		{"other body", smsMessage("Something else"), since, false},
		{"since after it", m, time.Now().Add(2 * findSlack), false},
		{"other channel", OutboundMessage{Channel: ChannelWhatsApp, To: clientNum, Body: m.Body}, since, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, found, err := s.FindSentMessage(t.Context(), tc.m, tc.since)
			if err != nil || found != tc.wantFound {
				t.Fatalf("found = %v, err = %v; want found %v", found, err, tc.wantFound)
			}
			if found && (res.SID != want || res.Status != "queued" || res.NumSegments != 1) {
				t.Errorf("result = %+v, want sid %s", res, want)
			}
		})
	}
}

// TestFindSentOnceSent: once Twilio has sent it, the DateSent query finds it.
func TestFindSentOnceSent(t *testing.T) {
	fake, s := newFakeTwilio(t, time.Second)
	since := time.Now()
	m := smsMessage("Your agreements: call on Monday")
	want := sendDropped(t, fake, s, m)
	if err := fake.SendStatus(t.Context(), want, "sent", 0); err != nil {
		t.Fatal(err)
	}
	res, found, err := s.FindSentMessage(t.Context(), m, since)
	if err != nil || !found || res.SID != want || res.Status != "sent" {
		t.Errorf("after sent: %+v, %v, %v", res, found, err)
	}
}

// TestFindSentPagesThroughSentMessages puts the wanted message beyond the first
// page and beyond the newest-page query.
func TestFindSentPagesThroughSentMessages(t *testing.T) {
	fake, s := newFakeTwilio(t, time.Second)
	since := time.Now()
	for i := range findPageSize + 10 {
		if _, err := s.Send(t.Context(), smsMessage(fmt.Sprintf("message %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range fake.Messages() {
		if err := fake.SendStatus(t.Context(), m.SID, "delivered", 0); err != nil {
			t.Fatal(err)
		}
	}
	first := fake.Messages()[0]
	res, found, err := s.FindSentMessage(t.Context(), smsMessage("message 0"), since)
	if err != nil || !found || res.SID != first.SID {
		t.Fatalf("found %v (%+v), err %v; want %s", found, res, err, first.SID)
	}
}

func TestFindSentTemplate(t *testing.T) {
	fake, s := newFakeTwilio(t, time.Second)
	since := time.Now()
	reminder := OutboundMessage{Channel: ChannelWhatsApp, To: clientNum, ContentSID: "HXreminder",
		ContentVariables: map[string]string{"1": "maandag 10:00"}}
	summary := OutboundMessage{Channel: ChannelWhatsApp, To: clientNum, ContentSID: "HXsummary",
		ContentVariables: map[string]string{"1": "Sam", "2": "werk zoeken"}}
	if _, err := s.Send(t.Context(), reminder); err != nil {
		t.Fatal(err)
	}
	sendDropped(t, fake, s, summary)
	res, found, err := s.FindSentMessage(t.Context(), summary, since)
	if err != nil || !found || res.SID != fake.Messages()[1].SID {
		t.Errorf("found %v (%+v), err %v; want the summary %s", found, res, err, fake.Messages()[1].SID)
	}
	if _, found, _ := s.FindSentMessage(t.Context(), summary, time.Now().Add(2*findSlack)); found {
		t.Error("found a template message created before since")
	}
}

func TestFindSentListError(t *testing.T) {
	cases := []struct {
		name  string
		fault twiliofake.Fault
	}{
		{"server error", twiliofake.APIError(500, 20500)},
		{"not json", twiliofake.NonJSON(502)},
		{"dropped", twiliofake.AcceptThenDrop()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, s := newFakeTwilio(t, time.Second)
			fake.FailNext(2, tc.fault) // the transport may retry a dropped GET once
			_, found, err := s.FindSentMessage(t.Context(), smsMessage("x"), time.Now())
			if err == nil || found {
				t.Fatalf("found %v, err %v; want an error", found, err)
			}
			if msg := err.Error(); !startsWith(msg, "notify: find sent: ") || containsNumber(msg) {
				t.Errorf("error text %q", msg)
			}
		})
	}
}

func startsWith(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

func containsNumber(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if s[i:i+4] == "5678" || s[i:i+4] == "%2B3" {
			return true
		}
	}
	return false
}
