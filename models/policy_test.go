package models

import (
	"slices"
	"strings"
	"testing"
)

// sessions builds a history, newest first, from modalities; a modality
// suffixed with "!" gets a risk signal.
func sessions(modalities ...string) []Session {
	out := make([]Session, len(modalities))
	for i, m := range modalities {
		s := Session{Status: SessionCompleted, Modality: m, RiskSignals: []string{}}
		if name, ok := strings.CutSuffix(m, "!"); ok {
			s.Modality, s.RiskSignals = name, []string{"substance_use"}
		}
		out[i] = s
	}
	return out
}

// TestEvaluatePolicy proves that each blended-supervision rule fires exactly
// when its condition holds, that a zero count turns a rule off, and that the
// warnings come in rule order with messages in both languages.
func TestEvaluatePolicy(t *testing.T) {
	rules := PolicyRules{HighRiskMaxRemote: 1, MediumRiskMaxRemote: 2, LowRiskMaxRemote: 3,
		StartPhaseFaceToFace: 2, RiskSignalFaceToFace: true}
	high := Client{RiskLevel: "high", Phase: "middle"}
	medium := Client{RiskLevel: "medium", Phase: "middle"}
	low := Client{RiskLevel: "low", Phase: "middle"}
	streak, start, signal := RuleRiskLevelRemoteStreak, RuleStartPhaseFaceToFace, RuleRiskSignalFaceToFace

	tests := []struct {
		name     string
		rules    PolicyRules
		client   Client
		history  []Session
		modality string
		want     []string // rule names, in order
		counts   []string // substrings the streak or start message must hold, in both languages
	}{
		{name: "face to face planned after a long remote streak", rules: rules, client: high,
			history: sessions("video!", "phone", "whatsapp"), modality: "face_to_face"},
		{name: "walk planned in the start phase", rules: rules, client: Client{RiskLevel: "high", Phase: "start"},
			history: sessions("video!"), modality: "walk"},
		{name: "no history, middle phase", rules: rules, client: high, modality: "video"},

		{name: "high risk at the limit", rules: rules, client: high,
			history: sessions("phone", "face_to_face"), modality: "video", want: []string{streak}, counts: []string{"1", "1"}},
		{name: "high risk below the limit", rules: rules, client: high,
			history: sessions("face_to_face", "video"), modality: "video"},
		{name: "high risk above the limit", rules: rules, client: high,
			history: sessions("phone", "video", "whatsapp"), modality: "whatsapp", want: []string{streak}, counts: []string{"1", "3"}},
		{name: "high risk rule off", rules: PolicyRules{MediumRiskMaxRemote: 1, LowRiskMaxRemote: 1}, client: high,
			history: sessions("phone", "video", "whatsapp"), modality: "video"},

		{name: "medium risk at the limit", rules: rules, client: medium,
			history: sessions("video", "phone"), modality: "phone", want: []string{streak}, counts: []string{"2", "2"}},
		{name: "medium risk below the limit", rules: rules, client: medium,
			history: sessions("video"), modality: "phone"},
		{name: "medium risk above the limit", rules: rules, client: medium,
			history: sessions("video", "phone", "video", "whatsapp"), modality: "video", want: []string{streak}, counts: []string{"2", "4"}},
		{name: "medium risk rule off", rules: PolicyRules{HighRiskMaxRemote: 1, LowRiskMaxRemote: 1}, client: medium,
			history: sessions("video", "phone", "video"), modality: "video"},

		{name: "low risk at the limit", rules: rules, client: low,
			history: sessions("video", "video", "video"), modality: "video", want: []string{streak}, counts: []string{"3", "3"}},
		{name: "low risk below the limit", rules: rules, client: low,
			history: sessions("video", "video"), modality: "video"},
		{name: "low risk above the limit", rules: rules, client: low,
			history: sessions("video", "video", "phone", "whatsapp", "video"), modality: "phone", want: []string{streak}, counts: []string{"3", "5"}},
		{name: "low risk rule off", rules: PolicyRules{HighRiskMaxRemote: 1, MediumRiskMaxRemote: 1}, client: low,
			history: sessions("video", "video", "video", "video"), modality: "video"},

		{name: "face to face breaks the streak", rules: rules, client: medium,
			history: sessions("video", "face_to_face", "phone", "video", "phone"), modality: "video"},
		{name: "walk breaks the streak", rules: rules, client: low,
			history: sessions("video", "video", "walk", "video", "video"), modality: "video"},
		{name: "streak counted from the newest session only", rules: rules, client: medium,
			history: sessions("video", "phone", "face_to_face", "video"), modality: "video", want: []string{streak}, counts: []string{"2", "2"}},

		{name: "start phase without face to face", rules: rules, client: Client{RiskLevel: "low", Phase: "start"},
			history: sessions("video"), modality: "video", want: []string{start}, counts: []string{"2", "0"}},
		{name: "start phase with too few face to face", rules: rules, client: Client{RiskLevel: "low", Phase: "start"},
			history: sessions("video", "face_to_face", "phone"), modality: "video", want: []string{start}, counts: []string{"2", "1"}},
		{name: "start phase with enough face to face", rules: rules, client: Client{RiskLevel: "low", Phase: "start"},
			history: sessions("face_to_face", "video", "walk"), modality: "video"},
		{name: "start phase rule off", rules: PolicyRules{LowRiskMaxRemote: 3}, client: Client{RiskLevel: "low", Phase: "start"},
			history: sessions("video"), modality: "video"},
		{name: "start rule ignores other phases", rules: rules, client: Client{RiskLevel: "low", Phase: "end"},
			modality: "video"},

		{name: "risk signal on the last session", rules: rules, client: low,
			history: sessions("face_to_face!"), modality: "phone", want: []string{signal}},
		{name: "risk signal on an older session only", rules: rules, client: low,
			history: sessions("face_to_face", "video!"), modality: "phone"},
		{name: "risk signal rule off", rules: PolicyRules{LowRiskMaxRemote: 3}, client: low,
			history: sessions("face_to_face!"), modality: "phone"},

		{name: "streak and risk signal", rules: rules, client: high,
			history: sessions("video!", "face_to_face"), modality: "video", want: []string{streak, signal}, counts: []string{"1", "1"}},
		{name: "start phase and risk signal", rules: rules, client: Client{RiskLevel: "low", Phase: "start"},
			history: sessions("video!"), modality: "whatsapp", want: []string{start, signal}, counts: []string{"2", "0"}},
		{name: "all three rules", rules: rules, client: Client{RiskLevel: "high", Phase: "start"},
			history: sessions("phone!", "video"), modality: "video", want: []string{streak, start, signal}, counts: []string{"1", "2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.rules.evaluatePolicy(tc.client, tc.history, tc.modality)
			var names []string
			for _, w := range got {
				names = append(names, w.Rule)
				if w.MessageNL == "" || w.MessageEN == "" {
					t.Errorf("rule %s: empty message: nl %q, en %q", w.Rule, w.MessageNL, w.MessageEN)
				}
				if w.MessageNL == w.MessageEN {
					t.Errorf("rule %s: Dutch and English messages are the same: %q", w.Rule, w.MessageNL)
				}
			}
			if !slices.Equal(names, tc.want) {
				t.Fatalf("rules = %v, want %v", names, tc.want)
			}
			if len(got) > 0 && len(tc.counts) == 2 && tc.want[0] != signal {
				checkCounts(t, got[0], tc.counts[0], tc.counts[1])
			}
		})
	}
}

// checkCounts checks that a streak or start-phase warning names the rule's
// count and the observed count, in that order, in both languages.
func checkCounts(t *testing.T, w PolicyWarning, limit, seen string) {
	t.Helper()
	var wantNL, wantEN []string
	switch w.Rule {
	case RuleRiskLevelRemoteStreak:
		wantNL = []string{"na " + limit + " gesprek", "Er waren er " + seen + "."}
		wantEN = []string{"after " + limit + " remote", "There were " + seen + "."}
	case RuleStartPhaseFaceToFace:
		wantNL = []string{"eerst " + limit + " face-to-face", "tot nu toe " + seen + "."}
		wantEN = []string{"first " + limit + " face-to-face", "so far " + seen + "."}
	default:
		t.Fatalf("rule %s carries no counts", w.Rule)
	}
	for _, s := range wantNL {
		if !strings.Contains(w.MessageNL, s) {
			t.Errorf("Dutch message %q lacks %q", w.MessageNL, s)
		}
	}
	for _, s := range wantEN {
		if !strings.Contains(w.MessageEN, s) {
			t.Errorf("English message %q lacks %q", w.MessageEN, s)
		}
	}
}

// TestEvaluatePolicyStreakNamesRisk proves the streak message names the
// client's risk level, in Dutch words in the Dutch message.
func TestEvaluatePolicyStreakNamesRisk(t *testing.T) {
	rules := PolicyRules{HighRiskMaxRemote: 1, MediumRiskMaxRemote: 1, LowRiskMaxRemote: 1}
	tests := []struct {
		name, level, nl string
	}{
		{name: "high", level: "high", nl: "Risico hoog:"},
		{name: "medium", level: "medium", nl: "Risico gemiddeld:"},
		{name: "low", level: "low", nl: "Risico laag:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rules.evaluatePolicy(Client{RiskLevel: tc.level}, sessions("video"), "video")
			if len(got) != 1 {
				t.Fatalf("got %d warnings, want 1: %+v", len(got), got)
			}
			if !strings.HasPrefix(got[0].MessageNL, tc.nl) {
				t.Errorf("Dutch message %q does not start with %q", got[0].MessageNL, tc.nl)
			}
			if en := "Risk " + tc.level + ":"; !strings.HasPrefix(got[0].MessageEN, en) {
				t.Errorf("English message %q does not start with %q", got[0].MessageEN, en)
			}
		})
	}
}
