package twiliofake_test

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"afspraak/notify/twiliofake"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "0123456789abcdef0123456789abcdef"
	clientTo  = "+31612345678"
	ourFrom   = "+3197010000000"
)

// hostRewriter sends twilio-go's requests for api.twilio.com to the fake.
type hostRewriter struct{ target *url.URL }

func (h hostRewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host, r.Host = h.target.Scheme, h.target.Host, ""
	return http.DefaultTransport.RoundTrip(r)
}

func start(t *testing.T) *twiliofake.Server {
	t.Helper()
	t.Setenv("TWILIO_EDGE", "")
	t.Setenv("TWILIO_REGION", "")
	s := twiliofake.New(testSID, testToken)
	t.Cleanup(s.Close)
	return s
}

// api returns the real twilio-go client talking to s with the given token.
func api(t *testing.T, s *twiliofake.Server, token string) *openapi.ApiService {
	t.Helper()
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := &client.Client{
		Credentials: client.NewCredentials(testSID, token),
		HTTPClient:  &http.Client{Transport: hostRewriter{u}, Timeout: time.Second},
	}
	c.SetAccountSid(testSID)
	return openapi.NewApiServiceWithClient(c)
}

func smsParams(to, body string) *openapi.CreateMessageParams {
	return (&openapi.CreateMessageParams{}).SetTo(to).SetFrom(ourFrom).SetBody(body)
}

func TestCreateAndFetch(t *testing.T) {
	s := start(t)
	a := api(t, s, testToken)
	p := smsParams(clientTo, "Hallo").SetStatusCallback("https://example.org/cb?message_id=7")
	msg, err := a.CreateMessage(p)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(*msg.Sid) {
		t.Errorf("sid = %q", *msg.Sid)
	}
	if *msg.Status != "queued" || *msg.NumSegments != "1" || msg.DateSent != nil || msg.ErrorCode != nil {
		t.Errorf("status %q, segments %q, date_sent %v, error_code %v", *msg.Status, *msg.NumSegments, msg.DateSent, msg.ErrorCode)
	}
	if _, err := time.Parse(time.RFC1123Z, *msg.DateCreated); err != nil {
		t.Errorf("date_created %q is not RFC 2822: %v", *msg.DateCreated, err)
	}
	stored := s.MessagesTo(clientTo)
	if len(stored) != 1 || stored[0].StatusCallback != "https://example.org/cb?message_id=7" || stored[0].Body != "Hallo" {
		t.Fatalf("stored = %+v", stored)
	}
	got, err := a.FetchMessage(*msg.Sid, nil)
	if err != nil || *got.Sid != *msg.Sid || *got.To != clientTo {
		t.Fatalf("fetch = %+v, %v", got, err)
	}
	if _, err := a.FetchMessage("SM00000000000000000000000000000000", nil); restCode(err) != 20404 {
		t.Errorf("fetch unknown: %v", err)
	}
}

func restCode(err error) int {
	var rest *client.TwilioRestError
	if errors.As(err, &rest) {
		return rest.Code
	}
	return -1
}

func TestCreateValidation(t *testing.T) {
	s := start(t)
	a := api(t, s, testToken)
	cases := []struct {
		name string
		p    *openapi.CreateMessageParams
		code int
	}{
		{"missing to", (&openapi.CreateMessageParams{}).SetFrom(ourFrom).SetBody("x"), 21604},
		{"missing from", (&openapi.CreateMessageParams{}).SetTo(clientTo).SetBody("x"), 21603},
		{"no body nor content", (&openapi.CreateMessageParams{}).SetTo(clientTo).SetFrom(ourFrom), 21619},
		{"mixed channels", smsParams("whatsapp:"+clientTo, "x"), 21910},
		{"multi-line variables", smsParams(clientTo, "").SetContentSid("HX1").SetContentVariables("{\n\"1\":\"a\"}"), 21656},
		{"variables not json", smsParams(clientTo, "").SetContentSid("HX1").SetContentVariables("1=a"), 21656},
		{"body too long", smsParams(clientTo, strings.Repeat("a", 1601)), 21617},
		{"variable too long", smsParams(clientTo, "").SetContentSid("HX1").SetContentVariables(`{"1":"` + strings.Repeat("a", 256) + `"}`), 63021},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.CreateMessage(tc.p)
			if got := restCode(err); got != tc.code {
				t.Errorf("code = %d (%v), want %d", got, err, tc.code)
			}
		})
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d invalid messages stored", n)
	}
}

func TestBasicAuthRejected(t *testing.T) {
	s := start(t)
	_, err := api(t, s, "ffffffffffffffffffffffffffffffff").CreateMessage(smsParams(clientTo, "x"))
	var rest *client.TwilioRestError
	if !errors.As(err, &rest) || rest.Code != 20003 || rest.Status != 401 {
		t.Fatalf("wrong token: %v", err)
	}
	resp, err := http.PostForm(s.URL()+"/2010-04-01/Accounts/"+testSID+"/Messages.json", url.Values{"To": {clientTo}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("no auth: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if len(s.Messages()) != 0 {
		t.Error("unauthenticated message stored")
	}
}

// seed creates five messages to clientTo, three of them sent, and one to
// another number.
func seed(t *testing.T, s *twiliofake.Server, a *openapi.ApiService) {
	t.Helper()
	for i, body := range []string{"a", "b", "c", "d", "e"} {
		msg, err := a.CreateMessage(smsParams(clientTo, body))
		if err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			if err := s.SendStatus(t.Context(), *msg.Sid, "sent", 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := a.CreateMessage(smsParams("+31687654321", "other")); err != nil {
		t.Fatal(err)
	}
}

func TestListFiltersAndPaging(t *testing.T) {
	s := start(t)
	a := api(t, s, testToken)
	seed(t, s, a)
	hourAgo := time.Now().Add(-time.Hour)
	cases := []struct {
		name   string
		params *openapi.ListMessageParams
		want   int
	}{
		{"to, two per page", (&openapi.ListMessageParams{}).SetTo(clientTo).SetPageSize(2), 5},
		{"all", (&openapi.ListMessageParams{}).SetPageSize(4), 6},
		{"from", (&openapi.ListMessageParams{}).SetFrom(ourFrom), 6},
		{"sent after an hour ago", (&openapi.ListMessageParams{}).SetTo(clientTo).SetDateSentAfter(hourAgo), 3},
		{"sent after now+1h", (&openapi.ListMessageParams{}).SetDateSentAfter(time.Now().Add(time.Hour)), 0},
		{"sent before an hour ago", (&openapi.ListMessageParams{}).SetDateSentBefore(hourAgo), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := a.ListMessage(tc.params)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Errorf("got %d messages, want %d", len(got), tc.want)
			}
			seen := map[string]bool{}
			for _, m := range got {
				if seen[*m.Sid] {
					t.Errorf("sid %s listed twice", *m.Sid)
				}
				seen[*m.Sid] = true
			}
		})
	}
}
