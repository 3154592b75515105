package twiliofake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

const apiVersion = "2010-04-01"

// createMessage answers POST …/Messages.json.
func (s *Server) createMessage(w http.ResponseWriter, r *http.Request, f *Fault) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "Invalid form body")
		return
	}
	form := r.PostForm
	if code := validateCreate(form); code != 0 {
		writeError(w, http.StatusBadRequest, code, "")
		return
	}
	if f == nil {
		f = s.faultTo(form.Get("To"))
	}
	m := s.newMessage(form)
	if s.answerFault(w, f, func() { s.store(m) }) {
		return
	}
	s.store(m)
	writeJSON(w, http.StatusCreated, s.resourceOf(m))
}

// validateCreate returns the Twilio error code for an invalid create form, or 0.
func validateCreate(form url.Values) int {
	to, from := form.Get("To"), form.Get("From")
	switch {
	case to == "":
		return 21604
	case from == "" && form.Get("MessagingServiceSid") == "":
		return 21603
	case form.Get("Body") == "" && form.Get("ContentSid") == "" && form.Get("MediaUrl") == "":
		return 21619
	case utf8.RuneCountInString(form.Get("Body")) > 1600:
		return 21617
	case from != "" && strings.HasPrefix(to, "whatsapp:") != strings.HasPrefix(from, "whatsapp:"):
		return 21910
	case !validContentVariables(form.Get("ContentVariables")):
		return 21656
	case !variablesWithinLimit(form.Get("ContentVariables")):
		return 63021
	}
	return 0
}

// variablesWithinLimit reports whether every template variable is at most
// 255 characters, as Twilio documents; WhatsApp rejects longer ones (63021).
func variablesWithinLimit(v string) bool {
	var vars map[string]string
	if v == "" || json.Unmarshal([]byte(v), &vars) != nil {
		return true
	}
	for _, x := range vars {
		if utf8.RuneCountInString(x) > 255 {
			return false
		}
	}
	return true
}

// validContentVariables accepts an empty value or a one-line JSON object of strings.
func validContentVariables(v string) bool {
	if v == "" {
		return true
	}
	if strings.ContainsAny(v, "\r\n") {
		return false
	}
	var vars map[string]string
	return json.Unmarshal([]byte(v), &vars) == nil
}

func (s *Server) faultTo(to string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.byTo[to]; ok {
		return &f
	}
	return nil
}

func (s *Server) newMessage(form url.Values) *Message {
	now := time.Now().UTC().Truncate(time.Second)
	m := &Message{
		SID:              newSID("SM"),
		AccountSID:       s.accountSID,
		To:               form.Get("To"),
		From:             form.Get("From"),
		Body:             form.Get("Body"),
		ContentSID:       form.Get("ContentSid"),
		ContentVariables: form.Get("ContentVariables"),
		StatusCallback:   form.Get("StatusCallback"),
		Status:           "queued",
		DateCreated:      now,
		DateUpdated:      now,
		Params:           cloneValues(form),
	}
	if m.ContentSID != "" {
		m.Body = renderContent(m.ContentVariables)
	}
	m.NumSegments = segments(m.Body)
	if strings.HasPrefix(m.To, "whatsapp:") {
		m.NumSegments = 1
	}
	return m
}

// renderContent stands in for Twilio's rendering of an approved template, which
// the fake does not know: the variable values in key order, space-separated.
func renderContent(vars string) string {
	var m map[string]string
	_ = json.Unmarshal([]byte(vars), &m)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ai, _ := strconv.Atoi(a)
		bi, _ := strconv.Atoi(b)
		return ai - bi
	})
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = m[k]
	}
	return strings.Join(vals, " ")
}

// segments approximates Twilio's SMS segment count: GSM-7 (160, 153 per part)
// when every character is printable ASCII or a newline, otherwise UCS-2 (70, 67
// per part, counted in UTF-16 units). The real GSM-7 table is not modelled.
func segments(body string) int {
	single, part, n := 160, 153, 0
	for _, r := range body {
		if r > 0x7e || (r < 0x20 && r != '\n' && r != '\r') {
			single, part = 70, 67
		}
		n += utf16.RuneLen(r)
	}
	if n <= single {
		return 1
	}
	return (n + part - 1) / part
}

func (s *Server) store(m *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
}

// fetchMessage answers GET …/Messages/{sid}.json.
func (s *Server) fetchMessage(w http.ResponseWriter, r *http.Request, f *Fault) {
	if s.answerFault(w, f, nil) {
		return
	}
	sid, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if !ok {
		writeError(w, http.StatusNotFound, 20404, "")
		return
	}
	s.mu.Lock()
	idx := slices.IndexFunc(s.msgs, func(m *Message) bool { return m.SID == sid })
	var m *Message
	if idx >= 0 {
		m = s.msgs[idx]
	}
	s.mu.Unlock()
	if m == nil {
		writeError(w, http.StatusNotFound, 20404, "")
		return
	}
	writeJSON(w, http.StatusOK, s.resourceOf(m))
}
