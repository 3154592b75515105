package models

import "fmt"

// PolicyRules is the blended-supervision policy: when the next contact should
// be face to face. A zero count turns that rule off.
type PolicyRules struct {
	HighRiskMaxRemote    int
	MediumRiskMaxRemote  int
	LowRiskMaxRemote     int
	StartPhaseFaceToFace int
	RiskSignalFaceToFace bool
}

// PolicyWarning says which rule a planned session departs from, in plain
// Dutch and English.
type PolicyWarning struct {
	Rule      string `json:"rule"`
	MessageNL string `json:"message_nl"`
	MessageEN string `json:"message_en"`
}

// Policy rule names.
const (
	RuleRiskLevelRemoteStreak = "risk_level_remote_streak"
	RuleStartPhaseFaceToFace  = "start_phase_face_to_face"
	RuleRiskSignalFaceToFace  = "risk_signal_face_to_face"
)

// Modalities of a session; the first three are remote.
var (
	RemoteModalities = []string{"video", "phone", "whatsapp"}
	Modalities       = []string{"video", "phone", "whatsapp", "face_to_face", "walk"}
)

// IsRemote reports whether a modality is remote contact.
func IsRemote(modality string) bool { return oneOf(modality, RemoteModalities...) }

// evaluatePolicy checks planning a session of modality for client against the
// rules, given the client's completed sessions before it, newest first.
func (r PolicyRules) evaluatePolicy(c Client, history []Session, modality string) []PolicyWarning {
	if !IsRemote(modality) {
		return nil
	}
	var out []PolicyWarning
	max := map[string]int{"high": r.HighRiskMaxRemote, "medium": r.MediumRiskMaxRemote, "low": r.LowRiskMaxRemote}[c.RiskLevel]
	streak := 0
	for _, s := range history {
		if !IsRemote(s.Modality) {
			break
		}
		streak++
	}
	if max > 0 && streak >= max {
		nlRisk := map[string]string{"high": "hoog", "medium": "gemiddeld", "low": "laag"}[c.RiskLevel]
		out = append(out, PolicyWarning{Rule: RuleRiskLevelRemoteStreak,
			MessageNL: fmt.Sprintf("Risico %s: na %d gesprek(ken) op afstand op rij hoort het volgende contact face-to-face te zijn. Er waren er %d.", nlRisk, max, streak),
			MessageEN: fmt.Sprintf("Risk %s: after %d remote session(s) in a row the next contact should be face to face. There were %d.", c.RiskLevel, max, streak)})
	}
	if r.StartPhaseFaceToFace > 0 && c.Phase == "start" {
		f2f := 0
		for _, s := range history {
			if !IsRemote(s.Modality) {
				f2f++
			}
		}
		if f2f < r.StartPhaseFaceToFace {
			out = append(out, PolicyWarning{Rule: RuleStartPhaseFaceToFace,
				MessageNL: fmt.Sprintf("Startfase: eerst %d face-to-face gesprekken om een werkrelatie op te bouwen; tot nu toe %d.", r.StartPhaseFaceToFace, f2f),
				MessageEN: fmt.Sprintf("Start phase: first %d face-to-face sessions to build a working alliance; so far %d.", r.StartPhaseFaceToFace, f2f)})
		}
	}
	if r.RiskSignalFaceToFace && len(history) > 0 && len(history[0].RiskSignals) > 0 {
		out = append(out, PolicyWarning{Rule: RuleRiskSignalFaceToFace,
			MessageNL: "In het vorige gesprek is een risicosignaal vastgelegd; het volgende contact hoort face-to-face te zijn.",
			MessageEN: "A risk signal was recorded in the last session; the next contact should be face to face."})
	}
	return out
}
