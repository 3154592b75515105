package notify

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

const (
	// findSlack widens the search window for clock skew between us and Twilio.
	findSlack = time.Minute
	// findPageSize and findMaxPages bound the lookup of sent messages: more than
	// 500 messages to one recipient since an ambiguous send is not plausible here,
	// so the lookup gives up with an error rather than answer "not found".
	findPageSize = 50
	findMaxPages = 10
)

// FindSentMessage looks at Twilio for m after a send whose outcome is unknown.
// since is when that send began. Twilio keeps no key of ours on a message, so a
// message counts as m when it went from our number for m's channel to m's
// recipient, was created at or after since less a minute, and:
//   - for a Body: its body equals m.Body (the rendered body is specific to one
//     message, so another message to the same client does not match);
//   - for a template (ContentSID): Twilio returns neither the content SID nor
//     the variables, only a rendered body. The first candidate whose body holds
//     every variable value wins, else the earliest candidate: a lookup errs
//     towards "found" rather than risk the client getting a message twice;
//   - with neither, the earliest candidate.
//
// Twilio's DateSent filter leaves out messages still queued (date_sent is null
// until Twilio sends), so the newest page of messages to the recipient is also
// read without a date filter. A message that is still queued and older than
// that page can be missed; a caller that looks a few seconds after the failed
// send, as a retrying dispatcher does, should not meet that case.
func (s *TwilioSender) FindSentMessage(ctx context.Context, m OutboundMessage, since time.Time) (SendResult, bool, error) {
	to, from, err := s.addresses(m.Channel, m.To)
	if err != nil {
		return SendResult{}, false, fmt.Errorf("notify: find sent: %w", err)
	}
	cands, err := s.candidates(ctx, to, from, since.Add(-findSlack))
	if err != nil {
		return SendResult{}, false, err
	}
	msg, ok := pick(cands, m)
	if !ok {
		return SendResult{}, false, nil
	}
	return toResult(&msg), true, nil
}

type candidate struct {
	msg     openapi.ApiV2010Message
	created time.Time
}

// candidates lists our outbound messages from `from` to `to` created at or after
// after, oldest first: all that Twilio sent since then, and the newest page.
func (s *TwilioSender) candidates(ctx context.Context, to, from string, after time.Time) ([]candidate, error) {
	var out []candidate
	keep := func(msg openapi.ApiV2010Message) {
		c, ok := asCandidate(msg, to, from, after)
		if ok && !slices.ContainsFunc(out, func(o candidate) bool { return *o.msg.Sid == *msg.Sid }) {
			out = append(out, c)
		}
	}
	sent := listParams(to, from).SetDateSentAfter(after.UTC())
	truncated, err := s.scan(ctx, sent, findMaxPages, keep)
	if err != nil {
		return nil, err
	}
	if truncated {
		return nil, fmt.Errorf("notify: find sent: more than %d messages to search", findPageSize*findMaxPages)
	}
	if _, err := s.scan(ctx, listParams(to, from), 1, keep); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return a.created.Compare(b.created) })
	return out, nil
}

func listParams(to, from string) *openapi.ListMessageParams {
	return (&openapi.ListMessageParams{}).SetTo(to).SetFrom(from).SetPageSize(findPageSize)
}

func asCandidate(msg openapi.ApiV2010Message, to, from string, after time.Time) (candidate, bool) {
	switch {
	case msg.Sid == nil || msg.DateCreated == nil:
		return candidate{}, false
	case msg.Direction != nil && !strings.HasPrefix(*msg.Direction, "outbound"):
		return candidate{}, false
	case (msg.To != nil && *msg.To != to) || (msg.From != nil && *msg.From != from):
		return candidate{}, false
	}
	created, err := time.Parse(time.RFC1123Z, *msg.DateCreated)
	if err != nil || created.Before(after) {
		return candidate{}, false
	}
	return candidate{msg: msg, created: created}, true
}

// scan reads up to maxPages pages of the list and reports whether more remained.
func (s *TwilioSender) scan(ctx context.Context, params *openapi.ListMessageParams, maxPages int, visit func(openapi.ApiV2010Message)) (bool, error) {
	token, num := "", ""
	for n := 1; ; n++ {
		resp, err := s.page(ctx, params, token, num)
		if err != nil {
			return false, err
		}
		for _, msg := range resp.Messages {
			visit(msg)
		}
		if resp.NextPageUri == nil || *resp.NextPageUri == "" {
			return false, nil
		}
		if n >= maxPages {
			return true, nil
		}
		next, err := url.Parse(*resp.NextPageUri)
		if err != nil {
			return false, fmt.Errorf("notify: find sent: next page uri: %w", err)
		}
		token, num = next.Query().Get("PageToken"), next.Query().Get("Page")
	}
}

// page reads one page of the list, each within the configured timeout.
func (s *TwilioSender) page(ctx context.Context, params *openapi.ListMessageParams, token, num string) (*openapi.ListMessageResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	api, rt := s.api(ctx)
	resp, err := api.PageMessage(params, token, num)
	if err != nil {
		e, _ := describe("list messages", err, rt.lastStatus())
		return nil, fmt.Errorf("notify: find sent: %w", e)
	}
	return resp, nil
}

// pick chooses the candidate that is m, as FindSentMessage documents.
func pick(cands []candidate, m OutboundMessage) (openapi.ApiV2010Message, bool) {
	if len(cands) == 0 {
		return openapi.ApiV2010Message{}, false
	}
	if m.ContentSID == "" && m.Body != "" {
		for _, c := range cands {
			if c.msg.Body != nil && sameBody(*c.msg.Body, m.Body) {
				return c.msg, true
			}
		}
		return openapi.ApiV2010Message{}, false
	}
	for _, c := range cands {
		if c.msg.Body != nil && containsAll(*c.msg.Body, m.ContentVariables) {
			return c.msg, true
		}
	}
	return cands[0].msg, true
}

// sameBody compares bodies ignoring line-ending style and surrounding space,
// which carriers and Twilio may normalise.
func sameBody(a, b string) bool {
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	return norm(a) == norm(b)
}

func containsAll(body string, vars map[string]string) bool {
	for _, v := range vars {
		if !strings.Contains(body, v) {
			return false
		}
	}
	return true
}
