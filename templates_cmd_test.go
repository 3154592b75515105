package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"afspraak/notify/twiliofake"
)

// exported is one entry of 'templates export'.
type exported struct {
	Kind    string `json:"kind"`
	Content struct {
		FriendlyName string                    `json:"friendly_name"`
		Language     string                    `json:"language"`
		Variables    map[string]string         `json:"variables"`
		Types        map[string]map[string]any `json:"types"`
	} `json:"content"`
	Approval map[string]string `json:"whatsapp_approval"`
}

// TestTemplatesExport: the export is a JSON list with, per kind and
// language, a Content API create body (friendly name, language, one content
// type with a body, a sample for every variable in it) and a UTILITY
// approval request.
func TestTemplatesExport(t *testing.T) {
	code, out, errOut := runCLI(t, t.Context(), "templates", "export")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var list []exported
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) < 12 {
		t.Fatalf("export: %d templates, %v", len(list), err)
	}
	vars := regexp.MustCompile(`\{\{(\d+)\}\}`)
	for _, e := range list {
		c := e.Content
		if c.FriendlyName == "" || (c.Language != "nl" && c.Language != "en") || len(c.Types) != 1 ||
			e.Approval["category"] != "UTILITY" || e.Approval["name"] != c.FriendlyName {
			t.Errorf("%s: %+v", e.Kind, e)
		}
		for typ, body := range c.Types {
			if typ != "twilio/text" && typ != "twilio/quick-reply" {
				t.Errorf("%s: type %s", c.FriendlyName, typ)
			}
			text, _ := body["body"].(string)
			for _, m := range vars.FindAllStringSubmatch(text, -1) {
				if c.Variables[m[1]] == "" {
					t.Errorf("%s: no sample for {{%s}}", c.FriendlyName, m[1])
				}
			}
			if _, ok := body["actions"]; ok != (typ == "twilio/quick-reply") {
				t.Errorf("%s: actions on %s", c.FriendlyName, typ)
			}
		}
	}
}

// TestTemplatesCheck: check fetches each configured SID from Twilio's
// Content API (here the fake) and names what is missing, different or not
// approved, and exits 1; with everything in order it exits 0.
func TestTemplatesCheck(t *testing.T) {
	fake := twiliofake.New("AC0123456789abcdef0123456789abcdef", "faketoken")
	t.Cleanup(fake.Close)
	write := func(sids map[string]map[string]string) string {
		dir := t.TempDir()
		path := filepath.Join(dir, "config.yaml")
		b, _ := json.Marshal(sids)
		cfg := fmt.Sprintf("twilio:\n  account_sid: AC0123456789abcdef0123456789abcdef\n  auth_token: faketoken\n  api_base_url: %q\n  content_sids: %s\nlog:\n  level: error\n", fake.URL(), b)
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	code, out, _ := runCLI(t, t.Context(), "templates", "export")
	var list []exported
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != 0 {
		t.Fatal(err)
	}
	sids := map[string]map[string]string{}
	for i, e := range list {
		s := fmt.Sprintf("HX%032x", i+1)
		if sids[e.Kind] == nil {
			sids[e.Kind] = map[string]string{}
		}
		sids[e.Kind][e.Content.Language] = s
		fake.AddContent(twiliofake.Content{SID: s, FriendlyName: e.Content.FriendlyName, Language: e.Content.Language,
			Variables: e.Content.Variables, Types: anyTypes(e.Content.Types), WhatsApp: "approved"})
	}
	if code, out, errOut := runCLI(t, t.Context(), "templates", "check", "--config", write(sids)); code != 0 || !strings.Contains(out, "all ") {
		t.Fatalf("all approved: exit %d\n%s%s", code, out, errOut)
	}
	fake.AddContent(twiliofake.Content{SID: sids["reminder"]["nl"], Language: "nl", Variables: map[string]string{"1": "x"},
		Types: map[string]any{"twilio/text": map[string]any{"body": "Hallo {{1}}."}}, WhatsApp: "rejected", Rejection: "INVALID_FORMAT"})
	delete(sids["session_moved"], "en")
	sids["no_show_nudge"]["en"] = "HX00000000000000000000000000000099"
	code, out, errOut := runCLI(t, t.Context(), "templates", "check", "--config", write(sids))
	for _, want := range []string{"FAIL  reminder", "rejected (INVALID_FORMAT)", "variables [1]", "FAIL  session_moved", "no twilio.content_sids.session_moved.en",
		"FAIL  no_show_nudge"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if code != 1 || !strings.Contains(errOut, "3 of") {
		t.Fatalf("exit %d, %s", code, errOut)
	}
}

func anyTypes(m map[string]map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
