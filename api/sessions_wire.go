package api

import (
	"time"

	"afspraak/models"
)

// PolicyWarningResponse is a policy rule a session departs from.
type PolicyWarningResponse struct {
	Rule      string `json:"rule"`
	MessageNL string `json:"message_nl"`
	MessageEN string `json:"message_en"`
}

// AgendaItemResponse is an agenda item on the wire.
type AgendaItemResponse struct {
	ID          int64  `json:"id"`
	Position    int    `json:"position"`
	Title       string `json:"title"`
	Guidance    string `json:"guidance"`
	Minutes     int    `json:"minutes"`
	Done        bool   `json:"done"`
	Notes       string `json:"notes"`
	Source      string `json:"source" enum:"template,carry_over,worker"`
	AgreementID *int64 `json:"agreement_id"`
}

// AgreementResponse is an agreement on the wire.
type AgreementResponse struct {
	ID               int64      `json:"id"`
	ClientID         int64      `json:"client_id"`
	SessionID        int64      `json:"session_id"`
	Text             string     `json:"text"`
	Owner            string     `json:"owner"`
	DueDate          *string    `json:"due_date"`
	IncludeInSummary bool       `json:"include_in_summary"`
	Status           string     `json:"status"`
	AcknowledgedAt   *time.Time `json:"acknowledged_at"`
	ClosedAt         *time.Time `json:"closed_at"`
	CreatedAt        time.Time  `json:"created_at"`
	SensitiveWords   []string   `json:"sensitive_words,omitempty" doc:"words that would tell a reader of the client's phone about treatment, victims or justice; such an agreement stays out of the summary unless include_in_summary is set (audited)"`
}

// SessionResponse is a session on the wire; agenda and agreements are filled
// on single-session answers.
type SessionResponse struct {
	ID              int64                   `json:"id"`
	ClientID        int64                   `json:"client_id"`
	WorkerID        int64                   `json:"worker_id"`
	ScheduledAt     time.Time               `json:"scheduled_at"`
	DurationMinutes int                     `json:"duration_minutes"`
	Modality        string                  `json:"modality"`
	Initiator       string                  `json:"initiator"`
	Setting         string                  `json:"setting"`
	Template        string                  `json:"template"`
	Status          string                  `json:"status"`
	StartedAt       *time.Time              `json:"started_at"`
	StartedBy       *string                 `json:"started_by"`
	CompletedAt     *time.Time              `json:"completed_at"`
	CancelledAt     *time.Time              `json:"cancelled_at"`
	Notes           string                  `json:"notes"`
	RiskSignals     []string                `json:"risk_signals"`
	SendSummary     bool                    `json:"send_summary"`
	PolicyWarnings  []PolicyWarningResponse `json:"policy_warnings"`
	PolicyOverride  bool                    `json:"policy_override"`
	Agenda          []AgendaItemResponse    `json:"agenda,omitempty"`
	Agreements      []AgreementResponse     `json:"agreements,omitempty"`
	CreatedAt       time.Time               `json:"created_at"`
	UpdatedAt       time.Time               `json:"updated_at"`
}

func toSessionResponse(s models.Session) SessionResponse {
	r := SessionResponse{ID: s.ID, ClientID: s.ClientID, WorkerID: s.WorkerID, ScheduledAt: s.ScheduledAt,
		DurationMinutes: s.DurationMinutes, Modality: s.Modality, Initiator: s.Initiator, Setting: s.Setting,
		Template: s.Template, Status: s.Status, StartedAt: s.StartedAt, StartedBy: s.StartedBy,
		CompletedAt: s.CompletedAt, CancelledAt: s.CancelledAt, Notes: s.Notes, RiskSignals: s.RiskSignals,
		SendSummary: s.SendSummary, PolicyOverride: s.PolicyOverride, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
		PolicyWarnings: make([]PolicyWarningResponse, 0, len(s.PolicyWarnings))}
	if r.RiskSignals == nil {
		r.RiskSignals = []string{}
	}
	for _, w := range s.PolicyWarnings {
		r.PolicyWarnings = append(r.PolicyWarnings, PolicyWarningResponse(w))
	}
	return r
}

func toAgendaItemResponse(it models.AgendaItem) AgendaItemResponse {
	return AgendaItemResponse{ID: it.ID, Position: it.Position, Title: it.Title, Guidance: it.Guidance,
		Minutes: it.Minutes, Done: it.Done, Notes: it.Notes, Source: it.Source, AgreementID: it.AgreementID}
}

func toAgreementResponse(a models.Agreement) AgreementResponse {
	return AgreementResponse{ID: a.ID, ClientID: a.ClientID, SessionID: a.SessionID, Text: a.Text, Owner: a.Owner,
		DueDate: a.DueDate, IncludeInSummary: a.IncludeInSummary, Status: a.Status,
		AcknowledgedAt: a.AcknowledgedAt, ClosedAt: a.ClosedAt, CreatedAt: a.CreatedAt, SensitiveWords: a.Sensitive}
}

func toAgreementResponses(list []models.Agreement) []AgreementResponse {
	out := make([]AgreementResponse, 0, len(list))
	for _, a := range list {
		out = append(out, toAgreementResponse(a))
	}
	return out
}
