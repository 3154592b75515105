package notify

import (
	"strconv"
	"time"

	"afspraak/models"
	"afspraak/templates"
)

// Composer renders client messages: which channel, and the body or the
// WhatsApp template variables.
type Composer struct {
	ContentSIDs  map[string]map[string]string // kind → language → approved WhatsApp template
	Hours        ContactHours
	CrisisNumber string
}

// Composed is a rendered message, ready to send or to preview.
type Composed struct {
	Channel    string            // whatsapp | sms; empty when skipped
	SkipReason string            // why nothing can be sent
	Body       string            // empty when a content template is used
	ContentSID string            // approved WhatsApp template
	Variables  map[string]string // its variables, one line each
	Encoding   Encoding          // of the body (SMS cost); of the variables joined for templates
	Segments   int
}

// Skip reasons.
const (
	SkipNoConsent       = "no_consent"
	SkipNoChannel       = "preferred_channel_none"
	SkipNoAgreements    = "no_agreements_in_summary"
	SkipSummaryDisabled = "send_summary_false"
)

// Channel picks the channel for a client: the preferred one when consented,
// else the other consented one.
func Channel(c models.Client) (channel, skipReason string) {
	if c.PreferredChannel == "none" {
		return "", SkipNoChannel
	}
	consent := map[string]bool{ChannelWhatsApp: c.ConsentWhatsApp, ChannelSMS: c.ConsentSMS}
	other := map[string]string{ChannelWhatsApp: ChannelSMS, ChannelSMS: ChannelWhatsApp}[c.PreferredChannel]
	switch {
	case consent[c.PreferredChannel]:
		return c.PreferredChannel, ""
	case consent[other]:
		return other, ""
	}
	return "", SkipNoConsent
}

// SummaryInput is what an agreement summary is made of.
type SummaryInput struct {
	Client     models.Client
	WorkerName string
	Agreements []models.Agreement // of the completed session; only include_in_summary ones are used
	Next       *models.Session    // the client's next planned session
}

// Summary renders the agreement summary for the client's channel and language.
func (c Composer) Summary(in SummaryInput) (Composed, error) {
	ch, skip := Channel(in.Client)
	return c.summary(in, ch, skip)
}

// SummaryOn renders the summary for a given channel (an SMS fallback).
func (c Composer) SummaryOn(in SummaryInput, channel string) (Composed, error) {
	return c.summary(in, channel, "")
}

// Message renders a message of kind for the client's channel and language.
func (c Composer) Message(kind string, client models.Client, data templates.MessageData) (Composed, error) {
	ch, skip := Channel(client)
	data.ClientName, data.Location = client.Name, c.Hours.Location()
	data.OfficeHours, data.CrisisNumber = c.Hours.Text(client.Language), c.CrisisNumber
	return c.compose(kind, client.Language, ch, skip, data)
}

func (c Composer) summary(in SummaryInput, ch, skip string) (Composed, error) {
	data := templates.MessageData{ClientName: in.Client.Name, WorkerName: in.WorkerName, Location: c.Hours.Location()}
	for _, ag := range in.Agreements {
		if !ag.IncludeInSummary || ag.Status == models.AgreementCancelled {
			continue
		}
		var due *time.Time
		if ag.DueDate != nil {
			if d, err := time.ParseInLocation(time.DateOnly, *ag.DueDate, c.Hours.Location()); err == nil {
				due = &d
			}
		}
		data.Agreements = append(data.Agreements, templates.Agreement{Text: ag.Text, Owner: ag.Owner, Due: due})
	}
	if in.Next != nil {
		data.NextContact, data.NextModality = &in.Next.ScheduledAt, in.Next.Modality
		data.ClientCalls = in.Next.Initiator == "client"
	}
	if skip == "" && len(data.Agreements) == 0 {
		skip = SkipNoAgreements
	}
	return c.compose(templates.KindAgreementSummary, in.Client.Language, ch, skip, data)
}

func (c Composer) compose(kind, lang, ch, skip string, data templates.MessageData) (Composed, error) {
	out := Composed{Channel: ch, SkipReason: skip}
	if skip != "" {
		out.Channel = ""
	}
	sid := c.ContentSIDs[kind][lang]
	if ch == ChannelWhatsApp && sid != "" {
		vars, err := templates.Variables(kind, lang, data)
		if err != nil {
			return out, err
		}
		out.ContentSID, out.Variables = sid, vars
		joined := ""
		for i := 1; i <= len(vars); i++ {
			joined += vars[strconv.Itoa(i)]
		}
		info := CountSegments(joined)
		out.Encoding, out.Segments = info.Encoding, info.Segments
		return out, nil
	}
	body, err := templates.Render(kind, lang, data)
	if err != nil {
		return out, err
	}
	info := CountSegments(body)
	out.Body, out.Encoding, out.Segments = body, info.Encoding, info.Segments
	return out, nil
}
