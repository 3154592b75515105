package templates

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The WhatsApp templates an organisation has approved at Twilio (Content API)
// for the messages afspraak may start outside the 24-hour window. Their
// variables are what Variables renders for the kind.
//
//go:embed whatsapp/catalogue.json
var catalogueJSON []byte

// Button is a quick-reply button: its title, and the id that comes back as
// the reply's ButtonPayload.
type Button struct {
	Title string `json:"title"`
	ID    string `json:"id"`
}

// ContentTemplate is the WhatsApp template of one kind in one language.
type ContentTemplate struct {
	Kind, Language string
	Body           string            // with {{1}}, {{2}} … where the variables go
	Buttons        []Button          // quick replies; none for twilio/text
	Samples        map[string]string // a value for every variable, as WhatsApp's approval asks
}

// FriendlyName is the name the template has at Twilio.
func (t ContentTemplate) FriendlyName() string { return "afspraak_" + t.Kind + "_" + t.Language }

// ContentType is twilio/quick-reply for a template with buttons, else
// twilio/text.
func (t ContentTemplate) ContentType() string {
	if len(t.Buttons) > 0 {
		return "twilio/quick-reply"
	}
	return "twilio/text"
}

// Definition is the template as Twilio's Content API creates it
// (POST /v1/Content).
func (t ContentTemplate) Definition() map[string]any {
	content := map[string]any{"body": t.Body}
	if len(t.Buttons) > 0 {
		actions := make([]map[string]string, len(t.Buttons))
		for i, b := range t.Buttons {
			actions[i] = map[string]string{"title": b.Title, "id": b.ID}
		}
		content["actions"] = actions
	}
	return map[string]any{
		"friendly_name": t.FriendlyName(),
		"language":      t.Language,
		"variables":     t.Samples,
		"types":         map[string]any{t.ContentType(): content},
	}
}

// ApprovalRequest is what is submitted for WhatsApp's approval once the
// template exists (POST /v1/Content/{sid}/ApprovalRequests/whatsapp):
// every afspraak message is about an appointment the client has, a UTILITY
// message.
func (t ContentTemplate) ApprovalRequest() map[string]string {
	return map[string]string{"name": t.FriendlyName(), "category": "UTILITY"}
}

// Catalogue returns every WhatsApp template afspraak uses, by kind and
// language, with sample values for the variables. It is built once: the
// composer looks templates up for every message it renders.
func Catalogue() ([]ContentTemplate, error) {
	all, err := catalogue()
	return slices.Clone(all), err
}

var catalogue = sync.OnceValues(buildCatalogue)

func buildCatalogue() ([]ContentTemplate, error) {
	var raw map[string]map[string]struct {
		Body    string   `json:"body"`
		Buttons []Button `json:"buttons"`
	}
	if err := json.Unmarshal(catalogueJSON, &raw); err != nil {
		return nil, fmt.Errorf("templates: catalogue: %w", err)
	}
	var out []ContentTemplate
	for kind, langs := range raw {
		for lang, def := range langs {
			samples := map[string]string{}
			if !fixedText[kind] {
				vars, err := Variables(kind, lang, catalogueSample())
				if err != nil {
					return nil, err
				}
				samples = vars
			}
			out = append(out, ContentTemplate{Kind: kind, Language: lang, Body: def.Body, Buttons: def.Buttons, Samples: samples})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FriendlyName() < out[j].FriendlyName() })
	return out, nil
}

// catalogueSample is the data the samples show: plausible, and nobody's.
func catalogueSample() MessageData {
	at := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	was := at.Add(-24 * time.Hour)
	return MessageData{ClientName: "Sanne", WorkerName: "Wouter", WorkerPhone: "030 123 4567",
		Agreements:  []Agreement{{Text: "Loonstroken mailen", Owner: "client"}, {Text: "Schuldhulp bellen", Owner: "worker"}},
		NextContact: &at, NextModality: "video", ClientCalls: true, SessionAt: at, MovedFrom: &was}
}

var (
	placeholder    = regexp.MustCompile(`\{\{(\d+)\}\}`)
	endsOnVariable = regexp.MustCompile(`\}\}[.!?]?$`)
	sideBySide     = regexp.MustCompile(`\}\}\s*\{\{`)
)

// MaxTemplateBody is the longest body of a WhatsApp template, variables
// filled in.
const MaxTemplateBody = 1024

// Fill is the body with the variables put in, as the client would read it.
func (t ContentTemplate) Fill(vars map[string]string) string {
	return placeholder.ReplaceAllStringFunc(t.Body, func(m string) string { return vars[m[2:len(m)-2]] })
}

// FindContentTemplate returns the catalogue's template of kind in lang.
func FindContentTemplate(kind, lang string) (ContentTemplate, bool) {
	all, err := catalogue()
	if err != nil {
		return ContentTemplate{}, false
	}
	for _, t := range all {
		if t.Kind == kind && t.Language == normalizeLang(lang) {
			return t, true
		}
	}
	return ContentTemplate{}, false
}

// Check reports what would keep WhatsApp from approving t, or Twilio from
// sending it: a body over 1,024 characters with long variables, a variable at
// the start or the end, two side by side, numbers that are not 1…n in order,
// or samples that do not match the variables.
func (t ContentTemplate) Check() []string {
	var bad []string
	body := strings.TrimSpace(t.Body)
	found := placeholder.FindAllStringSubmatch(body, -1)
	for i, m := range found {
		if m[1] != fmt.Sprint(i+1) {
			bad = append(bad, fmt.Sprintf("variable {{%s}} where {{%d}} belongs: number them 1…n in order", m[1], i+1))
		}
	}
	if len(found) != len(t.Samples) {
		bad = append(bad, fmt.Sprintf("%d variables in the body, %d rendered", len(found), len(t.Samples)))
	}
	if strings.HasPrefix(body, "{{") || endsOnVariable.MatchString(body) {
		bad = append(bad, "the body starts or ends with a variable")
	}
	if sideBySide.MatchString(body) {
		bad = append(bad, "two variables side by side")
	}
	// WhatsApp refuses templates that are mostly variables.
	if words := len(strings.Fields(placeholder.ReplaceAllString(body, " "))); words < 3*len(found) {
		bad = append(bad, fmt.Sprintf("%d words of fixed text for %d variables: WhatsApp wants more text around them", words, len(found)))
	}
	if n := utf8.RuneCountInString(t.Fill(t.Samples)); n > MaxTemplateBody {
		bad = append(bad, fmt.Sprintf("%d characters with the samples: over WhatsApp's %d", n, MaxTemplateBody))
	}
	for _, b := range t.Buttons {
		if b.ID == "" || utf8.RuneCountInString(b.Title) > 20 {
			bad = append(bad, fmt.Sprintf("button %q: needs an id and a title of at most 20 characters", b.Title))
		}
	}
	return bad
}
