// Package twiliofake is a fake Twilio REST API for tests. It speaks Twilio's wire
// format (form-encoded requests with Basic auth, snake_case JSON replies, Twilio
// JSON errors, signed webhooks) so that the real twilio-go client is exercised.
//
// Only the Messages resource of the 2010-04-01 API is implemented: create, list
// and fetch. Faults can be injected per call or per recipient.
package twiliofake

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// Server is a running fake Twilio API on 127.0.0.1. It is safe for concurrent use.
type Server struct {
	srv        *httptest.Server
	accountSID string
	authToken  string
	closed     chan struct{}
	closeOnce  sync.Once

	mu     sync.Mutex
	msgs   []*Message
	next   []Fault          // consumed one per API request, in order
	byTo   map[string]Fault // create requests to this exact To value
	delay  time.Duration    // before every API request
	routes [][2]string      // public base URL → actual base URL for callbacks

	contents map[string]Content // content templates, by SID
}

// Message is a message the fake accepted, as it stores it.
type Message struct {
	SID              string
	AccountSID       string
	To               string // as posted, e.g. "+31612345678" or "whatsapp:+31612345678"
	From             string
	Body             string // for content templates a stand-in rendering: the variable values, space-separated
	ContentSID       string
	ContentVariables string // the raw JSON string as posted
	StatusCallback   string
	Status           string // "queued" until SendStatus changes it
	ErrorCode        int
	NumSegments      int
	DateCreated      time.Time
	DateSent         time.Time // zero while queued, as at Twilio
	DateUpdated      time.Time
	Params           url.Values // the form exactly as posted
}

// Fault changes how the fake answers one request. Fields combine: Delay is applied
// first, then at most one of Drop, an API error (Code) or a raw reply (RawBody).
// A zero Fault with only Delay set answers normally after the delay.
type Fault struct {
	Delay   time.Duration // wait before answering (to trigger client timeouts)
	Status  int           // HTTP status of the error reply
	Code    int           // Twilio error code; with Status, a Twilio JSON error reply
	Message string        // message of the JSON error; a default when empty
	RawBody string        // with Status, reply this body as text/html (not JSON)
	Drop    bool          // accept and store the message, then close the connection unanswered
}

// APIError is a Fault answering with a Twilio JSON error.
func APIError(status, code int) Fault { return Fault{Status: status, Code: code} }

// NonJSON is a Fault answering status with an HTML body, as a failing proxy would.
func NonJSON(status int) Fault {
	return Fault{Status: status, RawBody: "<html><body>" + http.StatusText(status) + "</body></html>"}
}

// AcceptThenDrop is a Fault that stores the message as accepted and then closes
// the connection without a reply: Twilio accepted it but the caller never knew.
func AcceptThenDrop() Fault { return Fault{Drop: true} }

// Slow is a Fault that answers normally after d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// New starts a fake Twilio for one account. Both credentials must be alphanumeric,
// as twilio-go checks them before sending.
func New(accountSID, authToken string) *Server {
	s := &Server{
		accountSID: accountSID,
		authToken:  authToken,
		closed:     make(chan struct{}),
		byTo:       map[string]Fault{},
	}
	s.srv = httptest.NewServer(s.routesMux())
	return s
}

// URL is the base URL to configure as the Twilio API base URL.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server; delayed answers are cut short.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	s.srv.Close()
}

// FailNext makes the next n API requests (create, list or fetch, in arrival
// order) answer with f.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.next = append(s.next, f)
	}
}

// FailTo makes every create request whose To equals to (exactly as posted, so
// "whatsapp:+316…" and "+316…" differ) answer with f, until ClearFaults.
func (s *Server) FailTo(to string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byTo[to] = f
}

// ClearFaults removes all pending FailNext and FailTo faults and the delay.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = nil
	s.byTo = map[string]Fault{}
	s.delay = 0
}

// SetDelay makes every API request wait d before it is answered.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Messages returns copies of all accepted messages in the order they were created.
func (s *Server) Messages() []Message {
	return s.messagesWhere(func(*Message) bool { return true })
}

// MessagesTo returns copies of the accepted messages whose To equals to exactly.
func (s *Server) MessagesTo(to string) []Message {
	return s.messagesWhere(func(m *Message) bool { return m.To == to })
}

func (s *Server) messagesWhere(keep func(*Message) bool) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		if keep(m) {
			c := *m
			c.Params = cloneValues(m.Params)
			out = append(out, c)
		}
	}
	return out
}

// takeFault pops the next FailNext fault, if any, and returns the global delay.
func (s *Server) takeFault() (f Fault, ok bool, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.next) > 0 {
		f, ok = s.next[0], true
		s.next = s.next[1:]
	}
	return f, ok, s.delay
}

// sleep waits d or until the server closes.
func (s *Server) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.closed:
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// newSID returns prefix followed by 32 lower-case hex digits, like Twilio SIDs.
func newSID(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return prefix + hex.EncodeToString(b)
}
