package twiliofake_test

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"

	"afspraak/notify/twiliofake"
)

func TestFaults(t *testing.T) {
	isURLError := func(err error) bool {
		var uerr *url.Error
		return errors.As(err, &uerr)
	}
	cases := []struct {
		name       string
		fault      twiliofake.Fault
		errOK      func(error) bool
		wantStored bool
	}{
		{"api error", twiliofake.APIError(400, 21211), func(err error) bool { return restCode(err) == 21211 }, false},
		{"rate limit", twiliofake.APIError(429, 20429), func(err error) bool { return restCode(err) == 20429 }, false},
		{"html 502", twiliofake.NonJSON(502), func(err error) bool { return err != nil && restCode(err) == -1 && !isURLError(err) }, false},
		{"accept then drop", twiliofake.AcceptThenDrop(), isURLError, true},
		{"slow but answered", twiliofake.Slow(50 * time.Millisecond), func(err error) bool { return err == nil }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t)
			a := api(t, s, testToken)
			s.FailNext(1, tc.fault)
			if _, err := a.CreateMessage(smsParams(clientTo, "x")); !tc.errOK(err) {
				t.Errorf("unexpected error: %v", err)
			}
			if stored := len(s.Messages()) == 1; stored != tc.wantStored {
				t.Errorf("stored = %v, want %v", stored, tc.wantStored)
			}
			// The fault was for one call only.
			if _, err := a.CreateMessage(smsParams(clientTo, "y")); err != nil {
				t.Errorf("next call: %v", err)
			}
		})
	}
}

func TestFailToAndDelay(t *testing.T) {
	s := start(t)
	a := api(t, s, testToken)
	s.FailTo("whatsapp:"+clientTo, twiliofake.APIError(400, 63016))
	wa := smsParams("whatsapp:"+clientTo, "x").SetFrom("whatsapp:+14155238886")
	for range 2 {
		if _, err := a.CreateMessage(wa); restCode(err) != 63016 {
			t.Fatalf("whatsapp: %v", err)
		}
	}
	if _, err := a.CreateMessage(smsParams(clientTo, "x")); err != nil {
		t.Fatalf("sms to the same number: %v", err)
	}
	s.ClearFaults()
	if _, err := a.CreateMessage(wa); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}

	s.SetDelay(3 * time.Second) // longer than the client's 1 s timeout
	var uerr *url.Error
	if _, err := a.FetchMessage(s.Messages()[0].SID, nil); !errors.As(err, &uerr) || !uerr.Timeout() {
		t.Fatalf("delayed fetch: %v", err)
	}
	s.SetDelay(0)
	if _, err := a.FetchMessage(s.Messages()[0].SID, nil); err != nil {
		t.Fatalf("fetch after delay removed: %v", err)
	}
}

func TestFaultMessageIsJSON(t *testing.T) {
	s := start(t)
	s.FailNext(1, twiliofake.Fault{Status: 503, Code: 20503, Message: "Service unavailable"})
	_, err := api(t, s, testToken).CreateMessage(smsParams(clientTo, "x"))
	var rest *client.TwilioRestError
	if !errors.As(err, &rest) || rest.Status != 503 || rest.Message != "Service unavailable" ||
		rest.MoreInfo != "https://www.twilio.com/docs/errors/20503" {
		t.Fatalf("err = %#v", err)
	}
}
