package bench

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"afspraak/notify/twiliofake"
)

// twilioSim plays Twilio's side after a send: signed status callbacks (sent,
// delivered) and, for every other message, the client's "OK" reply.
type twilioSim struct {
	e   *env
	hc  *http.Client
	rec *recorder
	in  chan acceptedMsg
	wg  sync.WaitGroup
	end context.CancelFunc
}

func startTwilioSim(ctx context.Context, e *env, hc *http.Client, rec *recorder) *twilioSim {
	ctx, cancel := context.WithCancel(ctx)
	s := &twilioSim{e: e, hc: hc, rec: rec, in: make(chan acceptedMsg, 4096), end: cancel}
	e.sent.setAccepted(s.in)
	for range 2 {
		s.wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case m := <-s.in:
					s.play(ctx, m)
				}
			}
		})
	}
	return s
}

func (s *twilioSim) stop() {
	s.e.sent.setAccepted(nil)
	s.end()
	s.wg.Wait()
}

func (s *twilioSim) play(ctx context.Context, m acceptedMsg) {
	for _, st := range []string{"sent", "delivered"} {
		_ = timed(s.rec, "POST /webhooks/twilio/status", func() error { return s.status(ctx, m, st) })
	}
	if m.id%2 == 0 {
		_ = timed(s.rec, "POST /webhooks/twilio/inbound", func() error {
			return s.e.fake.SendInbound(ctx, s.e.base+"/webhooks/twilio/inbound", publicBase+"/webhooks/twilio/inbound",
				m.to, "+3197010000000", "OK")
		})
	}
}

// status posts a status callback as Twilio signs it (see twiliofake.SendStatus,
// which is not used because it scans every stored message under a lock).
func (s *twilioSim) status(ctx context.Context, m acceptedMsg, status string) error {
	path := "/webhooks/twilio/status?message_id=" + strconv.FormatInt(m.id, 10)
	form := url.Values{"MessageSid": {m.sid}, "MessageStatus": {status}, "SmsSid": {m.sid}, "SmsStatus": {status},
		"To": {m.to}, "From": {"+3197010000000"}, "AccountSid": {fakeSID}, "ApiVersion": {"2010-04-01"}}
	req, err := http.NewRequestWithContext(ctx, "POST", s.e.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twiliofake.Signature(fakeToken, publicBase+path, form))
	resp, err := s.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return &statusError{resp.StatusCode}
	}
	return nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "bench: webhook answered " + strconv.Itoa(e.code) }
