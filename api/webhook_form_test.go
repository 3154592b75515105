package api

import (
	"net/url"
	"strings"
	"testing"

	"afspraak/app/apptest"
	"afspraak/notify/twiliofake"
)

// twilioSignatureVector is Twilio's published example: token 12345 over
// https://mycompany.com/myapp.php?foo=1&bar=2 and five parameters.
func TestTwilioSignatureVector(t *testing.T) {
	form := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"}}
	if !validSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=") {
		t.Fatal("Twilio's own example does not validate")
	}
	if validSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=3", form, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=") {
		t.Fatal("a changed URL validates")
	}
}

// genuineReply is an inbound reply as Twilio sends it.
func genuineReply(body string) url.Values {
	sid := "SM0123456789abcdef0123456789abcdef"
	return url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "SmsMessageSid": {sid}, "AccountSid": {apptest.FakeSID},
		"From": {"whatsapp:+31612345678"}, "To": {"whatsapp:" + apptest.WhatsAppFrom}, "Body": {body},
		"NumMedia": {"0"}, "NumSegments": {"1"}, "SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"},
		"WaId": {"31612345678"}, "ProfileName": {"Jan"}}
}

// TestWebhookRepeatedKeys: a genuine webhook with a repeated parameter is
// accepted, signed over every value as sent or as Twilio's helper libraries
// order them; a value the signature does not cover makes it a 403.
func TestWebhookRepeatedKeys(t *testing.T) {
	e := newEnvWith(t, apptest.Options{Twilio: true})
	path := "/webhooks/twilio/inbound"
	form := genuineReply("Hallo")
	form["ChannelMetadata"] = []string{`{"type":"whatsapp"}`, `{"a":1}`}
	form["NumMedia"] = []string{"0", "0"}
	for name, sig := range map[string]string{
		"every value in order":   twiliofake.Signature(apptest.FakeToken, publicBase+path, form),
		"values sorted, as libs": twilioSignature(apptest.FakeToken, publicBase+path, form, true),
	} {
		r := postSigned(t, e, path, []byte(form.Encode()), sig)
		if r.Status != 200 {
			t.Errorf("%s: status %d: %s", name, r.Status, r.Body)
		}
	}
	first := url.Values{}
	for k, vs := range form {
		first.Set(k, vs[0])
	}
	sig := twiliofake.Signature(apptest.FakeToken, publicBase+path, first) // what a first-value validator checks
	if r := postSigned(t, e, path, []byte(form.Encode()), sig); r.Status != 403 {
		t.Fatalf("values outside the signature: status %d, want 403", r.Status)
	}
}

// TestWebhookShiftedBoundaries: Twilio's signature joins names and values
// without a separator, so a captured webhook can be re-posted with the
// boundary between a name and its value moved and a still valid signature.
// Every such form is refused and changes nothing; a genuine STOP still counts.
func TestWebhookShiftedBoundaries(t *testing.T) {
	e := newEnvWith(t, apptest.Options{Twilio: true})
	_, tok := e.user("worker", "worker", "A")
	newClient(t, e, tok, nil)
	path := "/webhooks/twilio/inbound"
	captured := genuineReply("START")
	sig := twiliofake.Signature(apptest.FakeToken, publicBase+path, captured)
	before := e.Dump(t)
	passedSignature := 0
	for k, vs := range captured {
		v := vs[0]
		for _, shifted := range []struct{ k, v string }{{k + v[:1], v[1:]}, {k[:len(k)-1], k[len(k)-1:] + v}} {
			form := url.Values{}
			for k2, vs2 := range captured {
				if k2 != k {
					form[k2] = vs2
				}
			}
			form.Set(shifted.k, shifted.v)
			if twiliofake.Signature(apptest.FakeToken, publicBase+path, form) == sig {
				passedSignature++
			}
			r := postSigned(t, e, path, []byte(form.Encode()), sig)
			if r.Status == 200 {
				t.Errorf("%s=%s as %s=%s: accepted", k, v, shifted.k, shifted.v)
			}
		}
	}
	if passedSignature == 0 {
		t.Fatal("no shifted form kept a valid signature: the test shows nothing")
	}
	if e.Dump(t) != before {
		t.Fatal("a refused webhook changed the database")
	}
	stop := genuineReply("STOP")
	r := postSigned(t, e, path, []byte(stop.Encode()), twiliofake.Signature(apptest.FakeToken, publicBase+path, stop))
	if r.Status != 200 || !strings.Contains(e.Dump(t, "consent_events"), "inbound") {
		t.Fatalf("a genuine STOP: %d %s", r.Status, r.Body)
	}
}

// TestInboundMediaFieldsChecked: malformed media fields are a 400 naming
// the field, before anything is stored.
func TestInboundMediaFieldsChecked(t *testing.T) {
	e := newEnvWith(t, apptest.Options{Twilio: true})
	path := "/webhooks/twilio/inbound"
	for name, c := range map[string]struct {
		set  url.Values
		want string
	}{
		"too many media":   {url.Values{"NumMedia": {"11"}}, "NumMedia"},
		"type missing":     {url.Values{"NumMedia": {"1"}}, "MediaContentType0"},
		"type not a type":  {url.Values{"NumMedia": {"1"}, "MediaContentType0": {"<script>"}}, "MediaContentType0"},
		"second type gone": {url.Values{"NumMedia": {"2"}, "MediaContentType0": {"audio/ogg"}}, "MediaContentType1"},
	} {
		form := genuineReply("")
		for k, v := range c.set {
			form[k] = v
		}
		r := postSigned(t, e, path, []byte(form.Encode()), twiliofake.Signature(apptest.FakeToken, publicBase+path, form))
		if r.Status != 400 || !strings.Contains(string(r.Body), c.want) {
			t.Errorf("%s: %d %s, want 400 naming %s", name, r.Status, r.Body, c.want)
		}
	}
	if n := e.RowCounts(t)["inbound_messages"]; n != 0 {
		t.Fatalf("%d replies stored from malformed webhooks", n)
	}
}
