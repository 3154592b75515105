// Package templates owns the text of afspraak: the built-in agenda templates a
// worker starts a session from, and the messages sent to clients by WhatsApp and
// SMS, each in every supported language. Both are embedded files, so changing a
// wording is an edit to a JSON or template file, not to Go code.
package templates

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Item IDs every built-in agenda uses for its fixed opening and closing. The
// research behind the product found remote supervision works when it is
// structured: each conversation starts by checking the setting and ends by
// reading back the agreements and fixing the next contact.
const (
	ItemSetting     = "setting"
	ItemAgreements  = "agreements"
	ItemNextContact = "next_contact"
)

// AgendaItem is one point on a session agenda.
type AgendaItem struct {
	ID       string // stable within its template, e.g. "setting"; same in every language
	Title    string
	Guidance string // one or two plain sentences for the worker
	Minutes  int
}

// Agenda is a built-in agenda template in one language.
type Agenda struct {
	Key   string
	Name  string
	Items []AgendaItem
}

//go:embed agenda/*.json
var agendaFS embed.FS

// builtinKeys is the order in which the built-ins are offered to a worker.
var builtinKeys = []string{"meldplicht", "begeleiding", "intake", "evaluatie"}

// builtins holds every built-in template, parsed once. The files are part of
// the binary, so a broken one is a programming error and panics at start-up
// (and in every test of this package) rather than surfacing at request time.
var builtins = mustLoadAgendas(agendaFS)

// BuiltinAgenda returns the built-in template with that key in lang ("nl" or
// "en"; anything else falls back to nl). The returned Items are a fresh copy
// the caller may change.
func BuiltinAgenda(key, lang string) (Agenda, bool) {
	f, ok := builtins[key]
	if !ok {
		return Agenda{}, false
	}
	return f.in(normalizeLang(lang)), true
}

// BuiltinAgendaKeys returns the keys in a stable order: meldplicht,
// begeleiding, intake, evaluatie.
func BuiltinAgendaKeys() []string {
	return slices.Clone(builtinKeys)
}

// agendaFile is the shape of one agenda/*.json file: minutes and IDs are shared
// by all languages, so a translation cannot drift from the original.
type agendaFile struct {
	Key   string            `json:"key"`
	Name  map[string]string `json:"name"`
	Items []agendaFileItem  `json:"items"`
}

type agendaFileItem struct {
	ID      string                `json:"id"`
	Minutes int                   `json:"minutes"`
	Text    map[string]agendaText `json:"text"`
}

type agendaText struct {
	Title    string `json:"title"`
	Guidance string `json:"guidance"`
}

func (f agendaFile) in(lang string) Agenda {
	a := Agenda{Key: f.Key, Name: f.Name[lang], Items: make([]AgendaItem, len(f.Items))}
	for i, it := range f.Items {
		t := it.Text[lang]
		a.Items[i] = AgendaItem{ID: it.ID, Title: t.Title, Guidance: t.Guidance, Minutes: it.Minutes}
	}
	return a
}

func mustLoadAgendas(fsys fs.FS) map[string]agendaFile {
	m, err := loadAgendas(fsys)
	if err != nil {
		panic(err)
	}
	return m
}

// loadAgendas reads agenda/*.json and checks that exactly the built-in keys
// are present, so a new file cannot be shipped without being offered.
func loadAgendas(fsys fs.FS) (map[string]agendaFile, error) {
	names, err := fs.Glob(fsys, "agenda/*.json")
	if err != nil {
		return nil, fmt.Errorf("templates: list agendas: %w", err)
	}
	m := make(map[string]agendaFile, len(names))
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("templates: read %s: %w", name, err)
		}
		f, err := parseAgenda(data)
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", name, err)
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); f.Key != want {
			return nil, fmt.Errorf("templates: %s: key %q does not match file name", name, f.Key)
		}
		if !slices.Contains(builtinKeys, f.Key) {
			return nil, fmt.Errorf("templates: %s: key %q is not a built-in key", name, f.Key)
		}
		m[f.Key] = f
	}
	for _, k := range builtinKeys {
		if _, ok := m[k]; !ok {
			return nil, fmt.Errorf("templates: built-in agenda %q is missing", k)
		}
	}
	return m, nil
}

// parseAgenda decodes one agenda file and validates it; its errors carry no
// package prefix because loadAgendas adds one with the file name.
func parseAgenda(data []byte) (agendaFile, error) {
	var f agendaFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("decode: %w", err)
	}
	return f, f.validate()
}

func (f agendaFile) validate() error {
	if f.Key == "" {
		return fmt.Errorf("key is empty")
	}
	n := len(f.Items)
	if n < 3 {
		return fmt.Errorf("has %d items, want at least 3", n)
	}
	if f.Items[0].ID != ItemSetting || f.Items[n-2].ID != ItemAgreements || f.Items[n-1].ID != ItemNextContact {
		return fmt.Errorf("must start with %q and end with %q, %q", ItemSetting, ItemAgreements, ItemNextContact)
	}
	for _, lang := range SupportedLanguages() {
		if strings.TrimSpace(f.Name[lang]) == "" {
			return fmt.Errorf("name in %s is empty", lang)
		}
	}
	seen := make(map[string]bool, n)
	for i, it := range f.Items {
		if it.ID == "" || seen[it.ID] {
			return fmt.Errorf("item %d: id %q is empty or repeated", i, it.ID)
		}
		seen[it.ID] = true
		if it.Minutes <= 0 {
			return fmt.Errorf("item %q: minutes must be > 0", it.ID)
		}
		for _, lang := range SupportedLanguages() {
			t := it.Text[lang]
			if strings.TrimSpace(t.Title) == "" || strings.TrimSpace(t.Guidance) == "" {
				return fmt.Errorf("item %q: title or guidance in %s is empty", it.ID, lang)
			}
		}
	}
	return nil
}
