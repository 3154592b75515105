package notify

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"afspraak/models"
	"afspraak/templates"
)

// InboundEvent is one message a client sent us.
type InboundEvent struct {
	SID           string
	Channel       string // whatsapp | sms
	From          string // E.164
	Body          string
	ButtonPayload string   // the id of the quick-reply button tapped
	RepliedToSID  string   // the provider id of the message the button belonged to
	MediaTypes    []string // one content type per media item (the media itself is not fetched)
}

// Quick-reply button ids of the approved WhatsApp templates. A payload may
// name the message it answers ("ack:123"); otherwise the message is the one
// the provider says the button belonged to.
const (
	PayloadAck       = "ack"
	PayloadNumberYes = "number_yes"
	PayloadNumberNo  = "number_no"
	PayloadOverview  = "overview"
)

// effect is what an inbound message does, decided before it is stored.
type effect struct {
	label   string // stored as the reply's keyword
	check   string // number-check answer: NumberConfirmed or NumberRejected; "" for none
	ackMsg  int64  // the message a button answers; 0: the latest one (typed)
	keyword Keyword
}

// HandleInbound stores a client's message once, for the client we last
// messaged at that number (and the others of a shared number), and acts on
// it: a button press before a keyword, the number check before an
// acknowledgement, STOP and START. Outside contact hours the client gets an
// auto-reply. A message from a number no client has is kept for admins and
// answered by nothing.
func (d *Dispatcher) HandleInbound(ctx context.Context, ev InboundEvent) error {
	afterHours := !d.Composer.Hours.Within(d.now())
	return d.Store.Write(ctx, func(tx models.Tx) error {
		c, shared, found, err := d.Store.RouteInboundTx(tx, ev.From)
		if err != nil {
			return err
		}
		in := &models.InboundMessage{TwilioSID: ev.SID, Channel: ev.Channel, AfterHours: afterHours,
			MediaCount: len(ev.MediaTypes), MediaTypes: strings.Join(ev.MediaTypes, ","), ButtonPayload: ev.ButtonPayload}
		body := ev.Body
		if !found {
			from := ev.From
			in.Keyword, in.Body, in.UnmatchedFrom = ParseKeyword(ev.Body).String(), &body, &from
			_, err := d.Store.AddInboundTx(tx, in)
			return err
		}
		var replied *models.Message // the message a quick-reply button belongs to
		if ev.RepliedToSID != "" {
			m, ok, err := d.Store.FindMessageBySIDTx(tx, ev.RepliedToSID)
			if err != nil {
				return err
			}
			if ok {
				replied = &m
			}
		}
		if c, shared, err = d.repliedTo(tx, c, shared, replied); err != nil {
			return err
		}
		eff := effectOf(c, ev, replied)
		in.ClientID, in.SharedWith, in.Keyword = &c.ID, shared, eff.label
		if eff.label == KeywordNone.String() {
			in.Body = &body // a reply for the worker; keywords need no copy
		}
		if eff.check == models.NumberRejected {
			in.Alert = models.AlertNumberRejected
		}
		fresh, err := d.Store.AddInboundTx(tx, in) // audited by the store
		if err != nil || !fresh {
			return err // a retry of a callback we handled
		}
		d.Logger.InfoContext(ctx, "client message received", slog.Int64("client_id", c.ID),
			slog.String("channel", ev.Channel), slog.String("keyword", eff.label), slog.Bool("after_hours", afterHours),
			slog.Int("media", in.MediaCount), slog.Int("shared_with", len(shared)))
		return d.applyTx(ctx, tx, c, shared, ev.Channel, eff, afterHours)
	})
}

// repliedTo routes a reply on a shared number to the client whose message it
// answers (a quick-reply button names it), when that is another of the
// number's clients than the one last messaged.
func (d *Dispatcher) repliedTo(tx models.Tx, c models.Client, shared []int64, replied *models.Message) (models.Client, []int64, error) {
	if replied == nil || !slices.Contains(shared, replied.ClientID) {
		return c, shared, nil
	}
	other, err := d.Store.FindClientTx(tx, replied.ClientID)
	if err != nil {
		return c, shared, err
	}
	rest := []int64{c.ID}
	for _, id := range shared {
		if id != other.ID {
			rest = append(rest, id)
		}
	}
	return other, rest, nil
}

// effectOf decides what a message does: a recognised button first, then the
// pending number check (JA / NEE), then keywords.
func effectOf(c models.Client, ev InboundEvent, replied *models.Message) effect {
	name, idText, _ := strings.Cut(strings.TrimSpace(ev.ButtonPayload), ":")
	var answered int64
	if id, err := strconv.ParseInt(idText, 10, 64); err == nil && id > 0 {
		answered = id
	} else if replied != nil && replied.ClientID == c.ID {
		answered = replied.ID
	}
	switch name {
	case PayloadNumberYes, PayloadNumberNo:
		state := map[string]string{PayloadNumberYes: models.NumberConfirmed, PayloadNumberNo: models.NumberRejected}[name]
		return effect{label: name, check: state, ackMsg: answered}
	case PayloadAck:
		return effect{label: name, ackMsg: answered, keyword: KeywordAck}
	case PayloadOverview:
		return effect{label: name, ackMsg: answered, keyword: KeywordOverview}
	}
	kw := ParseKeyword(ev.Body)
	if c.NumberCheck == models.NumberPending {
		switch kw {
		case KeywordAck:
			return effect{label: PayloadNumberYes, check: models.NumberConfirmed}
		case KeywordNo:
			return effect{label: PayloadNumberNo, check: models.NumberRejected}
		}
	}
	if kw == KeywordNo {
		kw = KeywordNone // "nee" to anything but the number check is just a reply
	}
	return effect{label: kw.String(), keyword: kw}
}

func (d *Dispatcher) applyTx(ctx context.Context, tx models.Tx, c models.Client, shared []int64, channel string, eff effect, afterHours bool) error {
	if eff.check != "" {
		return d.answerCheckTx(ctx, tx, c, eff.check, eff.ackMsg)
	}
	switch eff.keyword {
	case KeywordAck:
		n, err := d.acknowledgeTx(tx, c, eff.ackMsg)
		if err != nil || n == 0 {
			return err
		}
		if stopped, err := d.Store.StoppedTx(tx, c.ID); err != nil || stopped {
			return err // acknowledged, but after STOP nothing is sent
		}
		return d.answerTx(ctx, tx, c, channel, templates.KindAckReceipt, models.KindAckReceipt)
	case KeywordStop:
		// STOP stops every channel: withdrawn on one, the next message
		// would otherwise simply come by the other. On a shared number it
		// stops every client of the number: the person holding the phone
		// asked for no more messages.
		changed := false
		for _, id := range append([]int64{c.ID}, shared...) {
			for _, ch := range []string{ChannelWhatsApp, ChannelSMS} {
				ok, err := d.Store.SetConsentTx(tx, id, ch, false, models.ConsentStop)
				if err != nil {
					return err
				}
				changed = changed || ok
			}
		}
		if !changed {
			return nil // confirmed once already
		}
		return d.answerTx(ctx, tx, c, channel, templates.KindStopConfirmation, models.KindStopConfirmation)
	case KeywordOverview:
		return d.overviewTx(ctx, tx, c, channel, eff.ackMsg)
	case KeywordStart:
		changed, err := d.Store.SetConsentTx(tx, c.ID, channel, true, "inbound")
		if err != nil || !changed {
			return err
		}
		return d.answerTx(ctx, tx, c, channel, templates.KindStartConfirmation, models.KindStartConfirmation)
	}
	if !afterHours {
		return nil
	}
	if stopped, err := d.Store.StoppedTx(tx, c.ID); err != nil || stopped {
		return err // after STOP nothing is sent but the STOP confirmation
	}
	last, ok, err := d.Store.LastMessageTx(tx, c.ID, models.KindAutoReply)
	if err != nil || (ok && d.now().Sub(last) < cmp.Or(d.AutoReplyEvery, 12*time.Hour)) {
		return err // one auto-reply says it all; a hundred would be a flood
	}
	// The auto-reply exists to say that nobody reads messages now.
	return d.answerTx(ctx, tx, c, channel, templates.KindAutoReply, models.KindAutoReply)
}

// acknowledgeTx acknowledges the summary a button names, or else the one a
// typed acknowledgement answers.
func (d *Dispatcher) acknowledgeTx(tx models.Tx, c models.Client, messageID int64) (int64, error) {
	if messageID != 0 {
		return d.Store.AcknowledgeSummaryTx(tx, c.ID, messageID)
	}
	return d.Store.AcknowledgeLatestSummaryTx(tx, c.ID)
}

// answerCheckTx records the answer to the pending number check (to the
// welcome message a button names, when it names one); on JA the messages
// that waited for it are given send jobs.
func (d *Dispatcher) answerCheckTx(ctx context.Context, tx models.Tx, c models.Client, state string, welcome int64) error {
	var w *int64
	if welcome != 0 {
		w = &welcome
	}
	_, released, _, err := d.Store.SetNumberCheckTx(tx, c.ID, w, state)
	if err != nil {
		return err
	}
	return d.releaseTx(ctx, tx, released)
}

// releaseTx gives send jobs to messages that were waiting for the number
// check (the send worker re-checks contact hours and consent).
func (d *Dispatcher) releaseTx(ctx context.Context, tx models.Tx, released []models.Message) error {
	for _, m := range released {
		d.Metrics.message(m.Kind, m.Status)
		args := SendMessageArgs{MessageID: m.ID, Released: d.now().UnixNano()}
		if _, err := d.Queue.InsertTx(ctx, tx.SQL(), args, &river.InsertOpts{}); err != nil {
			return err
		}
	}
	return nil
}

// answerTx queues an answer to the client's own message: right away, as free
// text on the channel the client used (their message opened WhatsApp's
// 24-hour window), whatever the consent (models.AnswersClient). The composer
// renders the text also when the client's own channel has no consent.
func (d *Dispatcher) answerTx(ctx context.Context, tx models.Tx, c models.Client, channel, template, kind string) error {
	composer := d.Composer
	composer.ContentSIDs = nil // inside the window: free text, never a template
	reply, err := composer.Message(template, c, templates.MessageData{})
	if err != nil {
		return err
	}
	reply.Channel, reply.SkipReason = channel, ""
	m := d.messageFrom(reply, kind, c, nil)
	return d.queueTx(ctx, tx, &m)
}

// overviewTx answers a tap on "Toon overzicht": the full summary of the
// session the notice was about (or the client's latest), as free text on
// the channel the client used, inside the window their tap opened.
func (d *Dispatcher) overviewTx(ctx context.Context, tx models.Tx, c models.Client, channel string, notice int64) error {
	if stopped, err := d.Store.StoppedTx(tx, c.ID); err != nil || stopped {
		return err // after STOP nothing is sent but the STOP confirmation
	}
	m, ok, err := d.Store.SummaryMessageTx(tx, c.ID, notice)
	if err != nil || !ok {
		return err // nothing to show: an ordinary reply
	}
	sess, err := d.Store.FindSessionTx(tx, *m.SessionID)
	if err != nil {
		return err
	}
	data, err := d.Store.SummaryDataTx(tx, sess)
	if err != nil {
		return err
	}
	overview, err := d.Composer.SummaryOverview(SummaryInput(data), channel)
	if err != nil || overview.TooLong != "" {
		return err
	}
	_, err = d.queuePartsTx(ctx, tx, overview, models.KindSummaryOverview, c, &sess.ID, nil)
	return err
}
