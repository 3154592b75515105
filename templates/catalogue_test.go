package templates

import (
	"encoding/json"
	"testing"
)

// TestCatalogueFollowsWhatsAppRules: every WhatsApp template afspraak
// proposes would pass WhatsApp's approval rules and Twilio's limits, names
// nothing revealing, and its variables are what Variables renders.
func TestCatalogueFollowsWhatsAppRules(t *testing.T) {
	all, err := Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range all {
		kinds[c.Kind]++
		for _, problem := range c.Check() {
			t.Errorf("%s: %s", c.FriendlyName(), problem)
		}
		if w := revealing.FindString(c.Body); w != "" {
			t.Errorf("%s says %q", c.FriendlyName(), w)
		}
		if _, err := json.Marshal(c.Definition()); err != nil {
			t.Errorf("%s: %v", c.FriendlyName(), err)
		}
	}
	for _, k := range []string{KindSummaryNotice, KindAgreementSummary, KindReminder, KindNoShowNudge, KindNumberCheck, KindSessionMoved, KindSessionCancelled} {
		if kinds[k] != len(SupportedLanguages()) {
			t.Errorf("%s: %d languages in the catalogue", k, kinds[k])
		}
	}
}

// TestCatalogueCheckFindsProblems: the check names each rule it enforces.
func TestCatalogueCheckFindsProblems(t *testing.T) {
	for _, c := range []ContentTemplate{
		{Body: "{{1}}, hallo", Samples: map[string]string{"1": "x"}},
		{Body: "Hallo {{1}}", Samples: map[string]string{"1": "x"}},
		{Body: "Hallo {{1}} {{2}} dag", Samples: map[string]string{"1": "x", "2": "y"}},
		{Body: "Hallo {{2}} dag", Samples: map[string]string{"1": "x"}},
		{Body: "Hallo {{1}} dag", Samples: map[string]string{"1": string(make([]byte, 1030))}},
		{Body: "Hallo dag", Buttons: []Button{{Title: "Een veel te lange knoptekst"}}},
		{Body: "Hallo {{1}}: {{2}}; {{3}} dag", Samples: map[string]string{"1": "x", "2": "y", "3": "z"}},
	} {
		if len(c.Check()) == 0 {
			t.Errorf("%q passes the check", c.Body)
		}
	}
}
