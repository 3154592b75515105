package templates

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestBuiltinAgendaKeys(t *testing.T) {
	want := []string{"meldplicht", "begeleiding", "intake", "evaluatie"}
	got := BuiltinAgendaKeys()
	if !slices.Equal(got, want) {
		t.Fatalf("BuiltinAgendaKeys() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if BuiltinAgendaKeys()[0] != "meldplicht" {
		t.Error("BuiltinAgendaKeys returns shared state")
	}
}

// sentenceEnd finds the end of a sentence; guidance avoids abbreviations, so
// a full stop, question or exclamation mark before a space or the end is one.
var sentenceEnd = regexp.MustCompile(`[.?!](\s|$)`)

func TestBuiltinAgendaShape(t *testing.T) {
	for _, key := range BuiltinAgendaKeys() {
		for _, lang := range SupportedLanguages() {
			t.Run(key+"/"+lang, func(t *testing.T) {
				a, ok := BuiltinAgenda(key, lang)
				if !ok {
					t.Fatal("not found")
				}
				if a.Key != key || a.Name == "" {
					t.Errorf("key, name = %q, %q", a.Key, a.Name)
				}
				n := len(a.Items)
				if n < 5 {
					t.Fatalf("%d items, want at least 5", n)
				}
				if a.Items[0].ID != ItemSetting {
					t.Errorf("first item %q, want %q", a.Items[0].ID, ItemSetting)
				}
				if a.Items[n-2].ID != ItemAgreements || a.Items[n-1].ID != ItemNextContact {
					t.Errorf("last items %q, %q, want %q, %q", a.Items[n-2].ID, a.Items[n-1].ID, ItemAgreements, ItemNextContact)
				}
				for _, it := range a.Items {
					if it.Minutes <= 0 {
						t.Errorf("%s: minutes %d", it.ID, it.Minutes)
					}
					if it.Title == "" {
						t.Errorf("%s: empty title", it.ID)
					}
					if s := len(sentenceEnd.FindAllString(it.Guidance, -1)); s < 1 || s > 2 {
						t.Errorf("%s: guidance has %d sentences, want 1 or 2: %q", it.ID, s, it.Guidance)
					}
				}
			})
		}
	}
}

// TestBuiltinAgendaTranslated checks that both languages carry the same items
// and that the English text is not a copy of the Dutch.
func TestBuiltinAgendaTranslated(t *testing.T) {
	for _, key := range BuiltinAgendaKeys() {
		nl, _ := BuiltinAgenda(key, "nl")
		en, _ := BuiltinAgenda(key, "en")
		if nl.Name == en.Name {
			t.Errorf("%s: name not translated: %q", key, nl.Name)
		}
		if len(nl.Items) != len(en.Items) {
			t.Fatalf("%s: %d nl items, %d en items", key, len(nl.Items), len(en.Items))
		}
		for i := range nl.Items {
			n, e := nl.Items[i], en.Items[i]
			if n.ID != e.ID || n.Minutes != e.Minutes {
				t.Errorf("%s item %d: nl %s/%d, en %s/%d", key, i, n.ID, n.Minutes, e.ID, e.Minutes)
			}
			if n.Guidance == e.Guidance {
				t.Errorf("%s/%s: guidance not translated", key, n.ID)
			}
		}
	}
}

func TestBuiltinAgendaContent(t *testing.T) {
	tests := []struct {
		name, key, lang, item string
		want                  []string // in title + guidance, case-insensitive
	}{
		{"setting nl", "meldplicht", "nl", ItemSetting, []string{"rustige plek", "aanwezig", "verbinding"}},
		{"setting en", "intake", "en", ItemSetting, []string{"quiet", "private", "present", "connection"}},
		{"closing agreements nl", "evaluatie", "nl", ItemAgreements, []string{"afspraken", "voor"}},
		{"closing next contact nl", "begeleiding", "nl", ItemNextContact, []string{"volgende contact", "wie wie belt"}},
		{"closing next contact en", "meldplicht", "en", ItemNextContact, []string{"next contact", "who calls whom"}},
		{"meldplicht conditions", "meldplicht", "nl", "conditions", []string{"bijzondere voorwaarden"}},
		{"meldplicht client calls", "meldplicht", "nl", "initiative", []string{"zelf", "op tijd"}},
		{"begeleiding own topics", "begeleiding", "nl", "client_topics", []string{"onderwerpen", "cliënt zelf"}},
		{"begeleiding shared tool", "begeleiding", "nl", "shared_tool", []string{"optioneel", "whiteboard", "padlet"}},
		{"begeleiding shared tool en", "begeleiding", "en", "shared_tool", []string{"optional", "whiteboard", "padlet"}},
		{"intake consent", "intake", "nl", "contact_arrangements", []string{"toestemming", "whatsapp"}},
		{"evaluatie blend", "evaluatie", "nl", "contact_form", []string{"op afstand", "face-to-face"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := BuiltinAgenda(tt.key, tt.lang)
			i := slices.IndexFunc(a.Items, func(it AgendaItem) bool { return it.ID == tt.item })
			if i < 0 {
				t.Fatalf("%s has no item %q", tt.key, tt.item)
			}
			text := strings.ToLower(a.Items[i].Title + " " + a.Items[i].Guidance)
			for _, w := range tt.want {
				if !strings.Contains(text, strings.ToLower(w)) {
					t.Errorf("%q does not mention %q", text, w)
				}
			}
		})
	}
}

func TestBuiltinAgendaLookup(t *testing.T) {
	nl, _ := BuiltinAgenda("meldplicht", "nl")
	en, _ := BuiltinAgenda("meldplicht", "en")
	tests := []struct {
		name, key, lang string
		ok              bool
		want            Agenda
	}{
		{"nl", "meldplicht", "nl", true, nl},
		{"en", "meldplicht", "en", true, en},
		{"region tag", "meldplicht", "en-GB", true, en},
		{"upper case", "meldplicht", "EN", true, en},
		{"unknown language falls back to nl", "meldplicht", "de", true, nl},
		{"empty language falls back to nl", "meldplicht", "", true, nl},
		{"unknown key", "huisbezoek", "nl", false, Agenda{}},
		{"key is case-sensitive", "Meldplicht", "nl", false, Agenda{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := BuiltinAgenda(tt.key, tt.lang)
			if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("BuiltinAgenda(%q, %q) = %v, %v; want %v, %v", tt.key, tt.lang, got.Name, ok, tt.want.Name, tt.ok)
			}
		})
	}
	if nl.Name == en.Name {
		t.Error("nl and en are the same agenda")
	}
}

func TestBuiltinAgendaReturnsCopy(t *testing.T) {
	a, _ := BuiltinAgenda("intake", "nl")
	a.Items[0].Title = "changed"
	if b, _ := BuiltinAgenda("intake", "nl"); b.Items[0].Title == "changed" {
		t.Error("changing a returned agenda changed the built-in")
	}
}

func validAgendaFile() agendaFile {
	text := map[string]agendaText{"nl": {"Titel", "Uitleg."}, "en": {"Title", "Guidance."}}
	return agendaFile{
		Key:  "meldplicht",
		Name: map[string]string{"nl": "Naam", "en": "Name"},
		Items: []agendaFileItem{
			{ID: ItemSetting, Minutes: 2, Text: text},
			{ID: "middle", Minutes: 5, Text: text},
			{ID: ItemAgreements, Minutes: 2, Text: text},
			{ID: ItemNextContact, Minutes: 1, Text: text},
		},
	}
}

func TestParseAgenda(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(f *agendaFile)
		wantErr string
	}{
		{"valid", func(*agendaFile) {}, ""},
		{"empty key", func(f *agendaFile) { f.Key = "" }, "key"},
		{"no english name", func(f *agendaFile) { delete(f.Name, "en") }, "name in en"},
		{"zero minutes", func(f *agendaFile) { f.Items[1].Minutes = 0 }, "minutes"},
		{"duplicate id", func(f *agendaFile) { f.Items[1].ID = ItemSetting }, "repeated"},
		{"no setting first", func(f *agendaFile) { f.Items = f.Items[1:] }, "must start"},
		{"no next contact last", func(f *agendaFile) { f.Items = f.Items[:3] }, "must start"},
		{"missing translation", func(f *agendaFile) {
			f.Items[1].Text = map[string]agendaText{"nl": {"Titel", "Uitleg."}}
		}, "title or guidance in en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validAgendaFile()
			tt.edit(&f)
			data, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = parseAgenda(data)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	if _, err := parseAgenda([]byte(`{"key":"x","colour":"red"}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

func TestLoadAgendas(t *testing.T) {
	base := fstest.MapFS{}
	err := fs.WalkDir(agendaFS, "agenda", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(agendaFS, p)
		base[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	extra, _ := json.Marshal(validAgendaFile())
	tests := []struct {
		name    string
		edit    func(m fstest.MapFS)
		wantErr string
	}{
		{"embedded files", func(fstest.MapFS) {}, ""},
		{"built-in missing", func(m fstest.MapFS) { delete(m, "agenda/intake.json") }, `"intake" is missing`},
		{"key does not match file", func(m fstest.MapFS) { m["agenda/intake.json"] = &fstest.MapFile{Data: extra} }, "does not match"},
		{"file not offered", func(m fstest.MapFS) {
			m["agenda/huisbezoek.json"] = &fstest.MapFile{Data: []byte(strings.Replace(string(extra), "meldplicht", "huisbezoek", 1))}
		}, "not a built-in"},
		{"broken json", func(m fstest.MapFS) { m["agenda/intake.json"] = &fstest.MapFile{Data: []byte("{")} }, "intake.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fstest.MapFS{}
			for k, v := range base {
				m[k] = v
			}
			tt.edit(m)
			_, err := loadAgendas(m)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "templates: ")) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
