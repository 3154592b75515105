package twiliofake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// resource is a Message as Twilio's JSON represents it.
type resource struct {
	AccountSID          string            `json:"account_sid"`
	APIVersion          string            `json:"api_version"`
	Body                string            `json:"body"`
	DateCreated         string            `json:"date_created"`
	DateSent            *string           `json:"date_sent"`
	DateUpdated         string            `json:"date_updated"`
	Direction           string            `json:"direction"`
	ErrorCode           *int              `json:"error_code"`
	ErrorMessage        *string           `json:"error_message"`
	From                string            `json:"from"`
	MessagingServiceSID *string           `json:"messaging_service_sid"`
	NumMedia            string            `json:"num_media"`
	NumSegments         string            `json:"num_segments"`
	Price               *string           `json:"price"`
	PriceUnit           string            `json:"price_unit"`
	SID                 string            `json:"sid"`
	Status              string            `json:"status"`
	SubresourceURIs     map[string]string `json:"subresource_uris"`
	To                  string            `json:"to"`
	URI                 string            `json:"uri"`
}

// page is one page of Twilio's list reply, with the paging fields twilio-go reads.
type page struct {
	FirstPageURI    string     `json:"first_page_uri"`
	End             int        `json:"end"`
	PreviousPageURI *string    `json:"previous_page_uri"`
	Messages        []resource `json:"messages"`
	URI             string     `json:"uri"`
	PageSize        int        `json:"page_size"`
	Start           int        `json:"start"`
	NextPageURI     *string    `json:"next_page_uri"`
	Page            int        `json:"page"`
}

// rfc2822 formats t as Twilio does, e.g. "Mon, 16 Aug 2010 03:45:01 +0000".
func rfc2822(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

func (s *Server) resourceOf(m *Message) resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resourceLocked(m)
}

func (s *Server) resourceLocked(m *Message) resource {
	uri := "/" + apiVersion + "/Accounts/" + m.AccountSID + "/Messages/" + m.SID
	r := resource{
		AccountSID: m.AccountSID, APIVersion: apiVersion, Body: m.Body,
		DateCreated: rfc2822(m.DateCreated), DateUpdated: rfc2822(m.DateUpdated),
		Direction: "outbound-api", From: m.From, NumMedia: "0",
		NumSegments: strconv.Itoa(m.NumSegments), PriceUnit: "USD", SID: m.SID,
		Status: m.Status, To: m.To, URI: uri + ".json",
		SubresourceURIs: map[string]string{"media": uri + "/Media.json", "feedback": uri + "/Feedback.json"},
	}
	if !m.DateSent.IsZero() {
		d := rfc2822(m.DateSent)
		r.DateSent = &d
	}
	if m.ErrorCode != 0 {
		c := m.ErrorCode
		r.ErrorCode = &c
	}
	return r
}

// listFilter holds the list query's filters; zero times are unset. Any DateSent
// filter leaves out messages not sent yet (date_sent null), as Twilio does.
type listFilter struct {
	to, from      string
	after, before time.Time // inclusive bounds on date_sent
}

// parseListFilter reads To, From, DateSent, DateSent> and DateSent<. Twilio
// documents day granularity (YYYY-MM-DD); twilio-go sends RFC 3339 times. The
// fake honours a full time when given one and reads a bare day as that whole day.
func parseListFilter(q url.Values) (listFilter, bool) {
	f := listFilter{to: q.Get("To"), from: q.Get("From")}
	for _, key := range []string{"DateSent", "DateSent>", "DateSent<"} {
		v := q.Get(key)
		if v == "" {
			continue
		}
		t, dayOnly, ok := parseDate(v)
		if !ok {
			return f, false
		}
		end := t
		if dayOnly {
			end = t.Add(24*time.Hour - time.Nanosecond)
		}
		if key != "DateSent<" {
			f.after = t
		}
		if key != "DateSent>" {
			f.before = end
		}
	}
	return f, true
}

func parseDate(v string) (t time.Time, dayOnly, ok bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, false, true
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, true, true
	}
	return time.Time{}, false, false
}

func (f listFilter) keep(m *Message) bool {
	if (f.to != "" && m.To != f.to) || (f.from != "" && m.From != f.from) {
		return false
	}
	if f.after.IsZero() && f.before.IsZero() {
		return true
	}
	if m.DateSent.IsZero() {
		return false
	}
	return !m.DateSent.Before(f.after) && (f.before.IsZero() || !m.DateSent.After(f.before))
}

// matching returns the messages f keeps, most recent first: by date_sent, and
// by date_created for messages not sent yet.
func (s *Server) matching(f listFilter) []resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	var kept []*Message
	for i := len(s.msgs) - 1; i >= 0; i-- {
		if f.keep(s.msgs[i]) {
			kept = append(kept, s.msgs[i])
		}
	}
	slices.SortStableFunc(kept, func(a, b *Message) int { return sortTime(b).Compare(sortTime(a)) })
	out := make([]resource, len(kept))
	for i, m := range kept {
		out[i] = s.resourceLocked(m)
	}
	return out
}

func sortTime(m *Message) time.Time {
	if m.DateSent.IsZero() {
		return m.DateCreated
	}
	return m.DateSent
}

// listMessages answers GET …/Messages.json with one page. Paging follows
// Twilio: PageSize (default 50, at most 1000), Page counted from 0, and a
// PageToken in next_page_uri, which twilio-go requests as given.
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, f *Fault) {
	if s.answerFault(w, f, nil) {
		return
	}
	q := r.URL.Query()
	filter, ok := parseListFilter(q)
	size, num, offset, okPage := pageParams(q)
	if !ok || !okPage {
		writeError(w, http.StatusBadRequest, 20001, "Invalid query parameter")
		return
	}
	all := s.matching(filter)
	start := min(offset, len(all))
	end := min(start+size, len(all))
	p := page{
		Messages: append([]resource{}, all[start:end]...),
		PageSize: size, Page: num, Start: start, End: max(end-1, start),
		URI:          pageURI(r.URL.Path, q, size, num, start),
		FirstPageURI: pageURI(r.URL.Path, q, size, 0, 0),
	}
	if end < len(all) {
		next := pageURI(r.URL.Path, q, size, num+1, end)
		p.NextPageURI = &next
	}
	if num > 0 {
		prev := pageURI(r.URL.Path, q, size, num-1, max(start-size, 0))
		p.PreviousPageURI = &prev
	}
	writeJSON(w, http.StatusOK, p)
}

// pageParams reads the page size, the page number and the offset of its first
// record; a PageToken ("PT" + offset) wins over Page × PageSize.
func pageParams(q url.Values) (size, num, offset int, ok bool) {
	size, num = 50, 0
	var err error
	if v := q.Get("PageSize"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			return 0, 0, 0, false
		}
		size = min(size, 1000)
	}
	if v := q.Get("Page"); v != "" {
		if num, err = strconv.Atoi(v); err != nil || num < 0 {
			return 0, 0, 0, false
		}
	}
	offset = num * size
	if v, found := strings.CutPrefix(q.Get("PageToken"), "PT"); found {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, 0, false
		}
	}
	return size, num, offset, true
}

// pageURI is the relative URI of a page, keeping the query's filters.
func pageURI(path string, q url.Values, size, num, offset int) string {
	v := cloneValues(q)
	v.Set("PageSize", strconv.Itoa(size))
	v.Set("Page", strconv.Itoa(num))
	v.Del("PageToken")
	if num > 0 {
		v.Set("PageToken", "PT"+strconv.Itoa(offset))
	}
	return path + "?" + v.Encode()
}
