package models

import (
	"context"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// WhatsAppWindow is how long after the client's last WhatsApp message free
// text may be sent to them; after it only an approved template may.
const WhatsAppWindow = 24 * time.Hour

// MaxAnswerLength is the longest answer a worker can send: Twilio refuses
// SMS bodies over 1,600 characters (error 21617).
const MaxAnswerLength = 1600

// ConversationItem is one message of a conversation, ours or the client's.
type ConversationItem struct {
	At      time.Time
	Inbound bool   // the client's message; else ours
	ID      int64  // the message's or the reply's id
	Kind    string // ours: message kind; the client's: the keyword ("none" for plain text)
	Channel string
	Body    *string // nil when purged, or for a template or a keyword
	Status  string  // ours
	SkipReason,
	Alert string // the client's
	SeenAt *time.Time
	// Unseen: the client's alert that nobody marked seen
	// (InboundMessage.UnseenFor).
	Unseen     bool
	MediaCount int
	MediaTypes []string
	AuthorID   *int64
}

// Conversation is what passed between us and a client, oldest first.
type Conversation struct {
	Client Client
	Items  []ConversationItem
	// WhatsAppOpenUntil is when the 24-hour window that the client's last
	// WhatsApp message opened closes; nil when they never wrote by WhatsApp.
	WhatsAppOpenUntil *time.Time
	// UnseenAlerts counts the Unseen replies among the last limit.
	UnseenAlerts int
}

// FindConversation returns the last limit messages between us and a client
// in the actor's reach (a client outside it is ENOTFOUND), oldest first.
func (s *Store) FindConversation(ctx context.Context, a Actor, clientID int64, limit int) (Conversation, error) {
	db := s.reader(ctx)
	c, err := s.findClient(db, a, clientID)
	if err != nil {
		return Conversation{}, err
	}
	conv := Conversation{Client: c}
	var out []Message
	if err := db.Where("client_id = ?", clientID).Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return conv, wrap(err, "find conversation")
	}
	var in []InboundMessage
	if err := inboundOf(db, clientID).Order("id DESC").Limit(limit).Find(&in).Error; err != nil {
		return conv, wrap(err, "find conversation")
	}
	for _, m := range out {
		// When it was written, not sent: a worker's answer stays where they
		// wrote it, whatever the queue did.
		conv.Items = append(conv.Items, ConversationItem{At: m.CreatedAt, ID: m.ID, Kind: m.Kind, Channel: m.Channel, Body: m.Body,
			Status: m.Status, SkipReason: m.SkipReason, AuthorID: m.AuthorID})
	}
	for _, r := range in {
		item := ConversationItem{At: r.ReceivedAt, Inbound: true, ID: r.ID, Kind: r.Keyword, Channel: r.Channel, Body: r.Body,
			Alert: r.Alert, SeenAt: r.SeenAt, MediaCount: r.MediaCount,
			Unseen: r.UnseenFor(clientID)}
		if item.Unseen {
			conv.UnseenAlerts++
		}
		if r.MediaTypes != "" {
			item.MediaTypes = strings.Split(r.MediaTypes, ",")
		}
		conv.Items = append(conv.Items, item)
		if r.Channel == "whatsapp" && (conv.WhatsAppOpenUntil == nil || r.ReceivedAt.Add(WhatsAppWindow).After(*conv.WhatsAppOpenUntil)) {
			until := r.ReceivedAt.Add(WhatsAppWindow)
			conv.WhatsAppOpenUntil = &until
		}
	}
	sort.SliceStable(conv.Items, func(i, j int) bool { return conv.Items[i].At.Before(conv.Items[j].At) })
	if len(conv.Items) > limit {
		conv.Items = conv.Items[len(conv.Items)-limit:]
	}
	return conv, nil
}

// Answer is a worker's message to a client.
type Answer struct {
	Channel string // whatsapp | sms; empty: the channel of the client's last message, else the client's own
	Body    string
}

// NewAnswerTx checks that the actor may send answer to the client now, by
// what the store knows (reach, consent, STOP, the number check, WhatsApp's
// 24-hour window), and returns the message to queue. A refusal that the
// worker can act on is ECONFLICT with the reason; bad input is EINVALID.
func (s *Store) NewAnswerTx(tx Tx, a Actor, clientID int64, ans Answer) (Message, error) {
	body, err := cleanText("body", ans.Body, MaxAnswerLength, true)
	if err != nil {
		return Message{}, err
	}
	c, err := s.findClient(tx.db, a, clientID)
	if err != nil {
		return Message{}, err
	}
	ch, err := s.answerChannel(tx.db, c, ans.Channel)
	if err != nil {
		return Message{}, err
	}
	if !s.NumberProven(c) {
		return Message{}, Errorf(ECONFLICT, "het nummer van deze cliënt is nog niet bevestigd (%s); er gaat niets persoonlijks heen (the client's number is not confirmed yet)", c.NumberCheck)
	}
	if consent := map[string]bool{"whatsapp": c.ConsentWhatsApp, "sms": c.ConsentSMS}[ch]; !consent {
		return Message{}, Errorf(ECONFLICT, "de cliënt heeft geen toestemming voor %s (of stuurde STOP) (the client has no consent for %s, or sent STOP)", ch, ch)
	}
	if ch == "whatsapp" {
		last, ok, err := lastInbound(tx.db, clientID, "whatsapp")
		if err != nil {
			return Message{}, err
		}
		if !ok || s.now().Sub(last) > WhatsAppWindow {
			return Message{}, Errorf(ECONFLICT, "het WhatsApp-venster is dicht: de cliënt schreef de laatste 24 uur niet via WhatsApp, dus alleen een goedgekeurd sjabloon kan; stuur een sms of de samenvatting (the WhatsApp window is closed: only an approved template can be sent; send an SMS instead)")
		}
	}
	author := a.UserID
	return Message{ClientID: c.ID, Kind: KindWorkerReply, Channel: ch, Recipient: c.Phone, Body: &body,
		Status: MessageQueued, AuthorID: &author}, nil
}

// answerChannel is the channel an answer goes on: the one asked for, else the
// channel of the client's last message, else their preferred one.
func (s *Store) answerChannel(tx *gorm.DB, c Client, asked string) (string, error) {
	switch asked {
	case "whatsapp", "sms":
		return asked, nil
	case "":
	default:
		return "", Invalid("channel", "channel must be whatsapp or sms")
	}
	var last []InboundMessage
	if err := inboundOf(tx, c.ID).Order("id DESC").Limit(1).Find(&last).Error; err != nil {
		return "", err
	}
	if len(last) == 1 {
		return last[0].Channel, nil
	}
	if c.PreferredChannel == "none" {
		return "", Invalid("channel", "the client has no channel; name one: whatsapp or sms")
	}
	return c.PreferredChannel, nil
}

// lastInbound is when the client last wrote on channel.
func lastInbound(tx *gorm.DB, clientID int64, channel string) (time.Time, bool, error) {
	var last []InboundMessage
	err := inboundOf(tx, clientID).Where("channel = ?", channel).Order("id DESC").Limit(1).Find(&last).Error
	if err != nil || len(last) == 0 {
		return time.Time{}, false, err
	}
	return last[0].ReceivedAt, true, nil
}
