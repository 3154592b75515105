package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// InboundMessage is a message a client sent us.
type InboundMessage struct {
	ID            int64
	TwilioSID     string `gorm:"column:twilio_sid"`
	ClientID      *int64 // nil: from a number no client has
	Channel       string
	Body          *string
	Keyword       string
	AfterHours    bool
	MediaCount    int    // photos, voice notes …; their URLs are neither fetched nor kept
	MediaTypes    string // their content types, comma-separated
	ButtonPayload string // the quick-reply button pressed
	Alert         string // why the worker must see it soon; "" for none
	SeenAt        *time.Time
	UnmatchedFrom *string // the sender, only when no client has the number (for admins)
	BodyPurgedAt  *time.Time
	ReceivedAt    time.Time

	// SharedWith are the other clients of a shared number, who see the
	// reply too; written by AddInboundTx, not a column.
	SharedWith []int64 `gorm:"-"`
}

// UnseenFor reports whether the reply is an alert for client id that
// nobody marked seen. A reply from a shared number counts for the client it
// was routed to only: that is the one whose "Gezien" marks it seen.
func (r InboundMessage) UnseenFor(id int64) bool {
	return r.Alert != "" && r.SeenAt == nil && r.ClientID != nil && *r.ClientID == id
}

// Alerts a reply can raise: the worker sees them at once and they hold the
// automatic no-show (see MarkNoShows).
const (
	AlertStop           = "stop"              // the client stopped all messages
	AlertBeforeSession  = "before_session"    // a reply within two hours of a session
	AlertReplyReminder  = "reply_to_reminder" // an answer to a reminder ("ik kan niet")
	AlertNumberRejected = "number_rejected"   // NEE to the number check
)

// AlertWindow is how long before a session a reply raises an alert.
const AlertWindow = 2 * time.Hour

type inboundShare struct {
	InboundID, ClientID int64
}

func (inboundShare) TableName() string { return "inbound_shares" }

// RouteInboundTx finds the client a message from phone is for: the client we
// last messaged at that number. For a number marked shared the others with it
// see the reply too (returned as shared); clients who shared a number before
// the one-number rule (under review) do not. found is false for a number no
// client has.
func (s *Store) RouteInboundTx(tx Tx, phone string) (primary Client, shared []int64, found bool, err error) {
	var list []Client
	if err := tx.db.Where("phone = ?", phone).Order("id").Find(&list).Error; err != nil || len(list) == 0 {
		return Client{}, nil, false, err
	}
	primary = list[0]
	if len(list) > 1 {
		ids := make([]int64, len(list))
		for i, c := range list {
			ids[i] = c.ID
		}
		var last []Message
		err := tx.db.Where("recipient = ? AND client_id IN ? AND sent_at IS NOT NULL", phone, ids).
			Order("sent_at DESC, id DESC").Limit(1).Find(&last).Error
		if err != nil {
			return Client{}, nil, false, err
		}
		for _, c := range list {
			if len(last) == 1 && c.ID == last[0].ClientID {
				primary = c
			}
		}
	}
	for _, c := range list {
		if c.ID != primary.ID && primary.PhoneShared && c.PhoneShared && !c.PhoneReview && !primary.PhoneReview {
			shared = append(shared, c.ID)
		}
	}
	return primary, shared, true, nil
}

// AddInboundTx keeps an inbound message once, raises its alert and audits
// it; it reports whether it was new (a retried callback is not).
func (s *Store) AddInboundTx(tx Tx, in *InboundMessage) (bool, error) {
	in.ReceivedAt = s.now()
	if in.ClientID != nil && in.Alert == "" {
		alert, err := s.alertFor(tx.db, *in.ClientID, in.Keyword, in.ReceivedAt)
		if err != nil {
			return false, err
		}
		in.Alert = alert
	}
	res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(in)
	if res.Error != nil || res.RowsAffected != 1 || in.ClientID == nil {
		return res.RowsAffected == 1, res.Error
	}
	for _, id := range in.SharedWith {
		if err := tx.db.Create(&inboundShare{InboundID: in.ID, ClientID: id}).Error; err != nil {
			return false, err
		}
	}
	return true, s.auditTx(tx.db, Actor{Role: "client"}, Audit{Action: "inbound_reply", Entity: "inbound_message",
		EntityID: in.ID, ClientID: in.ClientID, Changes: map[string]any{"channel": in.Channel, "keyword": in.Keyword,
			"after_hours": in.AfterHours, "media": in.MediaCount, "alert": in.Alert, "shared_with": len(in.SharedWith)}})
}

// alertFor says whether a reply needs the worker soon: STOP always; an
// ordinary reply (keyword "none") when a session is due within AlertWindow,
// or when the last message we sent was a reminder of a session still to
// come.
func (s *Store) alertFor(tx *gorm.DB, clientID int64, keyword string, now time.Time) (string, error) {
	switch keyword {
	case "stop":
		return AlertStop, nil
	case "none":
	default:
		return "", nil
	}
	var soon int64
	err := tx.Model(&Session{}).Where("client_id = ? AND status IN ? AND scheduled_at > ? AND scheduled_at < ?", clientID,
		[]string{SessionPlanned, SessionStarted}, now.Add(-AlertWindow), now.Add(AlertWindow)).Count(&soon).Error
	if err != nil || soon > 0 {
		return map[bool]string{true: AlertBeforeSession}[soon > 0], err
	}
	var last []Message
	err = tx.Where("client_id = ? AND sent_at IS NOT NULL", clientID).Order("sent_at DESC, id DESC").Limit(1).Find(&last).Error
	if err != nil || len(last) == 0 || last[0].Kind != KindReminder || last[0].SessionID == nil {
		return "", err
	}
	var coming int64
	err = tx.Model(&Session{}).Where("id = ? AND status = ? AND scheduled_at > ?", *last[0].SessionID, SessionPlanned, now).
		Count(&coming).Error
	return map[bool]string{true: AlertReplyReminder}[coming > 0], err
}

// inboundOf selects the replies a client sees: their own and those from a
// number they share.
func inboundOf(db *gorm.DB, clientID int64) *gorm.DB {
	return db.Where("(client_id = ? OR id IN (SELECT inbound_id FROM inbound_shares WHERE client_id = ?))", clientID, clientID)
}

// FindInbound lists the replies of a client in the actor's reach, newest
// first (a client outside it is ENOTFOUND).
func (s *Store) FindInbound(ctx context.Context, a Actor, clientID int64, limit int) ([]InboundMessage, error) {
	db := s.reader(ctx)
	if _, err := s.findClient(db, a, clientID); err != nil {
		return nil, err
	}
	var list []InboundMessage
	err := inboundOf(db, clientID).Order("id DESC").Limit(limit).Find(&list).Error
	return list, wrap(err, "find inbound")
}

// MarkRepliesSeen marks the client's alerts as seen by the actor (which lets
// an automatic no-show go ahead) and returns how many were open.
func (s *Store) MarkRepliesSeen(ctx context.Context, a Actor, clientID int64) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *gorm.DB) error {
		c, err := s.findClient(tx, a, clientID)
		if err != nil {
			return err
		}
		res := tx.Model(&InboundMessage{}).Where("client_id = ? AND alert <> '' AND seen_at IS NULL", clientID).
			Update("seen_at", s.now())
		if n = res.RowsAffected; res.Error != nil || n == 0 {
			return res.Error
		}
		return s.auditTx(tx, a, clientAudit("replies_seen", "client", c.ID, c, map[string]any{"alerts": n}))
	})
	return n, wrap(err, "mark replies seen")
}

// unseenAlertSince reports whether the client has an alert not yet seen that
// arrived after since.
func unseenAlertSince(tx *gorm.DB, clientID int64, since time.Time) (bool, error) {
	var n int64
	err := tx.Model(&InboundMessage{}).Where("client_id = ? AND alert <> '' AND seen_at IS NULL AND received_at >= ?",
		clientID, since).Count(&n).Error
	return n > 0, err
}

// FindUnmatchedInbound lists, for admins only, replies from numbers no client
// has, newest first.
func (s *Store) FindUnmatchedInbound(ctx context.Context, a Actor, p Page) (list []InboundMessage, more bool, err error) {
	if a.Role != RoleAdmin {
		return nil, false, Errorf(EFORBIDDEN, "only an admin sees replies from unknown numbers")
	}
	p = p.normalise()
	err = s.reader(ctx).Where("client_id IS NULL").Order("id DESC").Limit(p.Limit + 1).Offset(p.Offset).Find(&list).Error
	if len(list) > p.Limit {
		list, more = list[:p.Limit], true
	}
	return list, more, wrap(err, "find unmatched inbound")
}
