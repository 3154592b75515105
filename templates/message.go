package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
	_ "time/tzdata" // Europe/Amsterdam must resolve even on hosts without zoneinfo
)

// Message kinds, as stored on a message.
const (
	KindAgreementSummary = "agreement_summary"
	KindReminder         = "reminder"
	KindNoShowNudge      = "no_show_nudge"
	KindAutoReply        = "auto_reply"
	// KindStopConfirmation answers STOP once; KindStartConfirmation answers START.
	KindStopConfirmation  = "stop_confirmation"
	KindStartConfirmation = "start_confirmation"
	// KindNumberCheck asks whether the number is the client's own;
	// KindAckReceipt answers an acknowledgement.
	KindNumberCheck = "number_check"
	KindAckReceipt  = "ack_receipt"
	// KindSessionMoved and KindSessionCancelled tell the client that a
	// session they were told about moved or does not take place.
	KindSessionMoved     = "session_moved"
	KindSessionCancelled = "session_cancelled"
	// KindSummaryNotice says on WhatsApp that an overview is ready, without
	// showing it; the client's tap brings the summary as free text.
	KindSummaryNotice = "summary_notice"
)

// messageKinds are the kinds every language defines; other names in a template
// set are shared pieces, not messages.
var messageKinds = []string{KindAgreementSummary, KindReminder, KindNoShowNudge, KindAutoReply,
	KindStopConfirmation, KindStartConfirmation, KindNumberCheck, KindAckReceipt, KindSessionMoved, KindSessionCancelled,
	KindSummaryNotice}

// fixedText are the kinds whose WhatsApp template has no variables.
var fixedText = map[string]bool{KindStopConfirmation: true, KindStartConfirmation: true, KindNumberCheck: true,
	KindAckReceipt: true}

// ErrUnknownKind is wrapped by Render and Variables when the kind has no template.
var ErrUnknownKind = errors.New("templates: unknown message kind")

// Agreement is one agreement as shown to the client.
type Agreement struct {
	Text  string
	Owner string     // "client" or "worker"
	Due   *time.Time // nil when there is no deadline
}

// MessageData is everything a client message may show. Callers pass only what
// the client may read: the agreements marked for the summary, never offence or
// victim details.
type MessageData struct {
	ClientName   string         // the client's aanspreeknaam (no surname by default)
	WorkerName   string         // the worker's name as the client knows it (display name)
	WorkerPhone  string         // the number the client calls, formatted for reading; "" when none
	Address      string         // where a face-to-face or walking session starts; "" when none
	Agreements   []Agreement    // only those included in the summary
	NextContact  *time.Time     // next session, nil when none planned
	NextModality string         // video|phone|whatsapp|face_to_face|walk; for a reminder or nudge, that session's
	ClientCalls  bool           // true when the client must call (initiator client)
	SessionAt    time.Time      // for reminders, no-show nudges and changed sessions (the new time)
	MovedFrom    *time.Time     // for a moved session: its old time
	OfficeHours  string         // when someone reads messages, e.g. "ma-vr 9:00-17:00"; "" when not configured
	CrisisNumber string         // shown in auto_reply
	Location     *time.Location // times are rendered in this zone; nil → Europe/Amsterdam
}

// SupportedLanguages returns the languages every template exists in, the
// default (nl) first.
func SupportedLanguages() []string {
	return []string{"nl", "en"}
}

// Render returns the message body for kind in lang (nl or en; others fall back
// to nl), for SMS and for WhatsApp inside the 24-hour window.
func Render(kind, lang string, d MessageData) (string, error) {
	t, v, err := prepare(kind, lang, d)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, kind, v); err != nil {
		return "", fmt.Errorf("templates: render %s: %w", kind, err)
	}
	return tidy(buf.String()), nil
}

// Variables returns the WhatsApp content-template variables for kind in lang,
// keyed "1", "2", …, every value on one line (no newline, tab or run of
// spaces, which WhatsApp rejects) and never empty. The approved template text
// each kind's variables fit is in whatsapp/catalogue.json (Catalogue):
//
//	agreement_summary: 1 aanspreeknaam, 2 agreements by who does them,
//	                   3 next contact
//	reminder:          1 aanspreeknaam, 2 date and time, 3 kind of session
//	                   and with whom, 4 who calls, how and where
//	no_show_nudge:     1 aanspreeknaam, 2 date and time, 3 kind of session,
//	                   4 whom to contact and how
//	session_moved:     1 aanspreeknaam, 2 old time, 3 new time and kind, 4 how
//	session_cancelled: 1 aanspreeknaam, 2 time, 3 whom to contact and how
func Variables(kind, lang string, d MessageData) (map[string]string, error) {
	t, v, err := prepare(kind, lang, d)
	if err != nil {
		return nil, err
	}
	vars := make(map[string]string)
	var buf bytes.Buffer
	for i := 1; ; i++ {
		key := strconv.Itoa(i)
		if t.Lookup(kind+"."+key) == nil {
			break
		}
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, kind+"."+key, v); err != nil {
			return nil, fmt.Errorf("templates: variable %s of %s: %w", key, kind, err)
		}
		s := oneLine(buf.String())
		if s == "" {
			return nil, fmt.Errorf("templates: variable %s of %s is empty", key, kind)
		}
		vars[key] = s
	}
	return vars, nil
}

//go:embed messages/*/*.tmpl
var messageFS embed.FS

// messageSets holds one parsed template set per language. Sets are read-only
// after parsing, so concurrent Execute calls are safe.
var messageSets = mustParseMessages()

var amsterdam = sync.OnceValues(func() (*time.Location, error) {
	return time.LoadLocation("Europe/Amsterdam")
})

func mustParseMessages() map[string]*template.Template {
	sets := make(map[string]*template.Template)
	for _, lang := range SupportedLanguages() {
		funcs := template.FuncMap{
			"when": func(t time.Time) string { return formatWhen(lang, t) },
			"day":  func(t time.Time) string { return formatDay(lang, t) },
			"num":  func(i int) int { return i + 1 },
		}
		t := template.Must(template.New(lang).Funcs(funcs).ParseFS(messageFS, "messages/"+lang+"/*.tmpl"))
		for _, kind := range messageKinds {
			// Confirmations have no variables: their WhatsApp template, if one
			// is approved, is fixed text.
			if t.Lookup(kind) == nil || (t.Lookup(kind+".1") == nil && !fixedText[kind]) {
				panic(fmt.Sprintf("templates: %s: %s or its variables are not defined", lang, kind))
			}
		}
		sets[lang] = t
	}
	return sets
}

func prepare(kind, lang string, d MessageData) (*template.Template, view, error) {
	if !slices.Contains(messageKinds, kind) {
		return nil, view{}, fmt.Errorf("%w %q", ErrUnknownKind, kind)
	}
	loc := d.Location
	if loc == nil {
		var err error
		if loc, err = amsterdam(); err != nil {
			return nil, view{}, fmt.Errorf("templates: load time zone: %w", err)
		}
	}
	return messageSets[normalizeLang(lang)], newView(d, loc), nil
}

// Language is the supported language lang stands for ("en-GB" → "en",
// anything unsupported → "nl").
func Language(lang string) string { return normalizeLang(lang) }

// normalizeLang maps a language tag to a supported language: "en-GB" → "en",
// anything unsupported → "nl".
func normalizeLang(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	base, _, _ = strings.Cut(base, "_")
	for _, l := range SupportedLanguages() {
		if l == base {
			return l
		}
	}
	return "nl"
}

// oneLine collapses every run of white space, newlines and tabs included, to
// one space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// tidy trims trailing spaces from each line, keeps at most one blank line in a
// row and trims the whole body, so templates may be laid out for reading.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
