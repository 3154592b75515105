package notify

import (
	"cmp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"afspraak/models"
	"afspraak/templates"
)

// Composer renders client messages: which channel, and the body or the
// WhatsApp template variables.
type Composer struct {
	ContentSIDs  map[string]map[string]string // kind → language → approved WhatsApp template
	Hours        ContactHours
	CrisisNumber string
	// What clients need to act: the number to call when their worker has
	// none, the address of sessions in person, and when someone reads their
	// messages (per language; not the sending window).
	OfficePhone     string
	OfficeAddress   string
	OfficeHoursText map[string]string
	// WhatsAppSummary is SummaryNotice (the default: a neutral template,
	// the overview as free text on the client's tap) or SummaryFull (the
	// agreements in the template itself).
	WhatsAppSummary string
}

// How a summary goes on WhatsApp (notify.whatsapp_summary).
const (
	SummaryNotice = "notice"
	SummaryFull   = "full"
)

// Composed is a rendered message, ready to send or to preview.
type Composed struct {
	Channel    string            // whatsapp | sms; empty when skipped
	SkipReason string            // why nothing can be sent
	Body       string            // empty when a content template is used
	ContentSID string            // approved WhatsApp template
	Variables  map[string]string // its variables, one line each
	Encoding   Encoding          // of the body (SMS cost); of the variables joined for templates
	Segments   int
	// More are the further parts of a body longer than Twilio takes in one
	// message (MaxBody); Body is the first. At most MaxSummaryParts in all.
	More []string
	// TooLong says why the message cannot be sent within Twilio's limits,
	// in Dutch and English; "" when it fits.
	TooLong string
}

// Parts are the bodies the message goes as, in order.
func (c Composed) Parts() []string {
	if c.Body == "" {
		return nil
	}
	return append([]string{c.Body}, c.More...)
}

// Skip reasons.
const (
	SkipNoConsent       = "no_consent"
	SkipNoChannel       = "preferred_channel_none"
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
	Worker     models.User        // named to the client by DisplayName, with Phone
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
// The caller sets the session's facts in data and, for messages about a
// session, the worker (MessageFor).
func (c Composer) Message(kind string, client models.Client, data templates.MessageData) (Composed, error) {
	ch, skip := Channel(client)
	c.fill(&data, client, models.User{})
	return c.compose(kind, client.Language, ch, skip, data)
}

// MessageFor renders a message of kind about a session of worker: the
// client knows the worker by their display name and number.
func (c Composer) MessageFor(kind string, client models.Client, worker models.User, data templates.MessageData) (Composed, error) {
	ch, skip := Channel(client)
	c.fill(&data, client, worker)
	return c.compose(kind, client.Language, ch, skip, data)
}

// fill sets what every message may show: the client's aanspreeknaam, the
// worker as clients know them, the office's number and address, when
// messages are read, the crisis line.
func (c Composer) fill(data *templates.MessageData, client models.Client, worker models.User) {
	data.ClientName = client.Salutation
	if data.ClientName == "" {
		data.ClientName, _, _ = strings.Cut(strings.TrimSpace(client.Name), " ")
	}
	data.Location, data.CrisisNumber = c.Hours.Location(), c.CrisisNumber
	data.OfficeHours = c.OfficeHoursText[client.Language]
	data.WorkerName = worker.DisplayName
	if data.WorkerName == "" && worker.Name != "" {
		data.WorkerName, _, _ = strings.Cut(strings.TrimSpace(worker.Name), " ")
	}
	data.WorkerPhone = readablePhone(cmp.Or(worker.Phone, c.OfficePhone))
	data.Address = c.OfficeAddress
}

// readablePhone formats an E.164 number the way people write it in the
// Netherlands ("030 123 4567"; abroad in international form); anything that
// does not parse is shown as given.
func readablePhone(e164 string) string {
	if e164 == "" {
		return ""
	}
	n, err := phonenumbers.Parse(e164, "NL")
	if err != nil {
		return e164
	}
	if n.GetCountryCode() == 31 {
		return phonenumbers.Format(n, phonenumbers.NATIONAL)
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

func (c Composer) summary(in SummaryInput, ch, skip string) (Composed, error) {
	var data templates.MessageData
	c.fill(&data, in.Client, in.Worker)
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
	// Without new agreements the summary still goes: it confirms the next
	// contact in writing.
	if ch == ChannelWhatsApp && c.WhatsAppSummary != SummaryFull && c.ContentSIDs[templates.KindSummaryNotice][templates.Language(in.Client.Language)] != "" {
		// Privacy first: the template says only that an overview is ready;
		// the overview itself goes as free text when the client taps for it,
		// so it must fit as free text.
		free := c
		free.ContentSIDs = nil
		full, err := free.compose(templates.KindAgreementSummary, in.Client.Language, ch, skip, data)
		if err != nil || full.TooLong != "" || full.SkipReason != "" {
			return full, err
		}
		return c.compose(templates.KindSummaryNotice, in.Client.Language, ch, skip, data)
	}
	return c.compose(templates.KindAgreementSummary, in.Client.Language, ch, skip, data)
}

// SummaryOverview renders the full summary as free text on channel: the
// answer to a tap on "Toon overzicht".
func (c Composer) SummaryOverview(in SummaryInput, channel string) (Composed, error) {
	free := c
	free.ContentSIDs = nil
	return free.summary(in, channel, "")
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
		if ct, ok := templates.FindContentTemplate(kind, lang); ok && utf8.RuneCountInString(ct.Fill(vars)) > templates.MaxTemplateBody {
			out.TooLong = "te lang voor het WhatsApp-sjabloon (meer dan 1024 tekens); kort de afspraken in " +
				"(too long for the WhatsApp template: over 1,024 characters; shorten the agreements)"
		}
		if k := variablesFit(vars); k != "" {
			out.TooLong = "de afspraken passen niet in het WhatsApp-sjabloon (variabele " + k + " is langer dan 255 tekens); kort de afspraken in " +
				"(the agreements do not fit the WhatsApp template: variable " + k + " is over 255 characters; shorten them)"
		}
		return out, nil
	}
	body, err := templates.Render(kind, lang, data)
	if err != nil {
		return out, err
	}
	parts := splitBody(body, MaxBody)
	out.Body, out.More = parts[0], parts[1:]
	for _, p := range parts {
		info := CountSegments(p)
		out.Encoding, out.Segments = maxEncoding(out.Encoding, info.Encoding), out.Segments+info.Segments
	}
	if len(parts) > MaxSummaryParts || (len(parts) > 1 && kind != templates.KindAgreementSummary) {
		out.TooLong = "te lang: meer dan twee berichten van 1600 tekens; kort de afspraken in " +
			"(too long: more than two messages of 1,600 characters; shorten the agreements)"
	}
	return out, nil
}

// maxEncoding is UCS-2 when either is: the costlier of two parts.
func maxEncoding(a, b Encoding) Encoding {
	if a == EncodingUCS2 || b == EncodingUCS2 {
		return EncodingUCS2
	}
	return EncodingGSM7
}
