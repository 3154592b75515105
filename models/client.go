package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
	"gorm.io/gorm"
)

// Languages a client can receive messages in, the first is the default.
var Languages = []string{"nl", "en"}

// Client is a person under supervision.
type Client struct {
	ID                int64
	TeamID            int64
	WorkerID          int64
	Name              string
	Salutation        string // the aanspreeknaam messages use; default the first name
	Phone             string // E.164
	Language          string
	PreferredChannel  string     // whatsapp | sms | none
	ConsentWhatsApp   bool       `gorm:"column:consent_whatsapp"`
	ConsentWhatsAppAt *time.Time `gorm:"column:consent_whatsapp_at"`
	ConsentSMS        bool       `gorm:"column:consent_sms"`
	ConsentSMSAt      *time.Time `gorm:"column:consent_sms_at"`
	RiskLevel         string
	Phase             string
	// PhoneShared: a worker said several clients share this number (a
	// household phone); replies reach all of them. PhoneReview: they shared
	// it before the one-number rule, and an admin should look at it.
	PhoneShared          bool
	PhoneReview          bool
	NumberCheck          string // unchecked | pending | confirmed | rejected | expired
	NumberCheckAt        *time.Time
	NumberCheckMessageID *int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// ConsentEvent records one grant or withdrawal of consent for a channel.
type ConsentEvent struct {
	ID        int64
	ClientID  int64
	Channel   string
	Granted   bool
	Source    string // api | inbound
	ActorID   *int64
	CreatedAt time.Time
}

// ClientFields are the writable fields of a client; nil means "not given".
type ClientFields struct {
	Name             *string
	Salutation       *string
	Phone            *string
	Language         *string
	PreferredChannel *string
	ConsentWhatsApp  *bool
	ConsentSMS       *bool
	RiskLevel        *string
	Phase            *string
	WorkerID         *int64
	PhoneShared      *bool
}

// NormalisePhone parses a phone number (NL default region) into E.164.
func NormalisePhone(raw string) (string, error) {
	raw = strings.TrimSpace(stripInvisible(raw)) // pasted from right-to-left text
	n, err := phonenumbers.Parse(raw, "NL")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", Invalid("phone", "phone is not a valid phone number; use e.g. 06 12345678 or +31612345678")
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// apply validates f and writes it onto c; it returns the consent changes made.
func (f ClientFields) apply(c *Client, now time.Time) ([]ConsentEvent, error) {
	if f.Name != nil {
		name, err := cleanName("name", *f.Name, 200)
		if err != nil {
			return nil, err
		}
		if c.Salutation == "" || c.Salutation == firstName(c.Name) {
			c.Salutation = firstName(name) // still the default: it follows the name
		}
		c.Name = name
	}
	if f.Salutation != nil {
		sal, err := cleanName("salutation", *f.Salutation, 60)
		if err != nil {
			return nil, err
		}
		c.Salutation = sal
	}
	if f.Phone != nil {
		p, err := NormalisePhone(*f.Phone)
		if err != nil {
			return nil, err
		}
		c.Phone = p
	}
	if f.PhoneShared != nil {
		c.PhoneShared = *f.PhoneShared
		c.PhoneReview = false // a worker has looked at it
	}
	if f.Language != nil {
		if !oneOf(*f.Language, Languages...) {
			return nil, Invalid("language", "language must be one of %s", strings.Join(Languages, ", "))
		}
		c.Language = *f.Language
	}
	if f.PreferredChannel != nil {
		if !oneOf(*f.PreferredChannel, "whatsapp", "sms", "none") {
			return nil, Invalid("preferred_channel", "preferred_channel must be whatsapp, sms or none")
		}
		c.PreferredChannel = *f.PreferredChannel
	}
	if f.RiskLevel != nil {
		if !oneOf(*f.RiskLevel, "low", "medium", "high") {
			return nil, Invalid("risk_level", "risk_level must be low, medium or high")
		}
		c.RiskLevel = *f.RiskLevel
	}
	if f.Phase != nil {
		if !oneOf(*f.Phase, "start", "middle", "end") {
			return nil, Invalid("phase", "phase must be start, middle or end")
		}
		c.Phase = *f.Phase
	}
	var events []ConsentEvent
	if f.ConsentWhatsApp != nil && *f.ConsentWhatsApp != c.ConsentWhatsApp {
		c.ConsentWhatsApp, c.ConsentWhatsAppAt = *f.ConsentWhatsApp, &now
		events = append(events, ConsentEvent{Channel: "whatsapp", Granted: *f.ConsentWhatsApp})
	}
	if f.ConsentSMS != nil && *f.ConsentSMS != c.ConsentSMS {
		c.ConsentSMS, c.ConsentSMSAt = *f.ConsentSMS, &now
		events = append(events, ConsentEvent{Channel: "sms", Granted: *f.ConsentSMS})
	}
	messaged := c.PreferredChannel != "none" || c.ConsentSMS || c.ConsentWhatsApp
	if messaged && (f.Phone != nil || f.PreferredChannel != nil || f.ConsentSMS != nil || f.ConsentWhatsApp != nil) {
		if err := canReceive(c.Phone); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// unreachableTypes says, in Dutch and English, why a number of a type cannot
// receive SMS or WhatsApp.
var unreachableTypes = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:   "dit is een vast nummer; sms en WhatsApp kunnen daar niet komen (a landline: SMS and WhatsApp cannot reach it)",
	phonenumbers.TOLL_FREE:    "dit is een gratis servicenummer (0800); sms en WhatsApp kunnen daar niet komen (a toll-free number cannot receive SMS or WhatsApp)",
	phonenumbers.PREMIUM_RATE: "dit is een betaalnummer (0900); sms en WhatsApp kunnen daar niet komen (a premium-rate number cannot receive SMS or WhatsApp)",
	phonenumbers.SHARED_COST:  "dit is een servicenummer; sms en WhatsApp kunnen daar niet komen (a shared-cost number cannot receive SMS or WhatsApp)",
	phonenumbers.UAN:          "dit is een bedrijfsnummer (085, 088, 14…); sms en WhatsApp kunnen daar niet komen (a company number cannot receive SMS or WhatsApp)",
	phonenumbers.PAGER:        "dit is een semafoonnummer (066); sms en WhatsApp kunnen daar niet komen (a pager number cannot receive SMS or WhatsApp)",
	phonenumbers.VOIP:         "dit is een internetnummer; sms en WhatsApp komen daar niet zeker aan (a VoIP number may not receive SMS or WhatsApp)",
	phonenumbers.VOICEMAIL:    "dit is een voicemailnummer; sms en WhatsApp kunnen daar niet komen (a voicemail number cannot receive SMS or WhatsApp)",
}

// canReceive reports, as an EINVALID error on phone, when an E.164 number is
// not one SMS and WhatsApp can reach: only mobile numbers (and those
// libphonenumber cannot tell from a fixed line) are. Channel none takes any
// valid number.
func canReceive(e164 string) error {
	n, err := phonenumbers.Parse(e164, "NL")
	if err != nil {
		return Invalid("phone", "phone is not a valid phone number")
	}
	switch t := phonenumbers.GetNumberType(n); t {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
		return nil
	default:
		why, ok := unreachableTypes[t]
		if !ok {
			why = "dit nummer kan geen sms of WhatsApp ontvangen (this number cannot receive SMS or WhatsApp)"
		}
		return Invalid("phone", "%s; kies een mobiel nummer, of kanaal none (choose a mobile number, or channel none)", why)
	}
}

// CreateClient creates a client in the actor's reach. A worker's new client is
// its own; supervisors and admins name the worker.
func (s *Store) CreateClient(ctx context.Context, a Actor, f ClientFields) (Client, error) {
	now := s.now()
	c := Client{Language: Languages[0], PreferredChannel: "whatsapp", RiskLevel: "low", Phase: "start",
		CreatedAt: now, UpdatedAt: now}
	for field, v := range map[string]*string{"name": f.Name, "phone": f.Phone} {
		if v == nil {
			return Client{}, Invalid(field, "%s is required", field)
		}
	}
	if f.WorkerID == nil {
		if a.Role != RoleWorker {
			return Client{}, Invalid("worker_id", "worker_id is required: name the worker who supervises this client")
		}
		f.WorkerID = &a.UserID
	}
	events, err := f.apply(&c, now)
	if err != nil {
		return Client{}, err
	}
	c.NumberCheck = NumberUnchecked
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := s.assign(tx, a, &c, *f.WorkerID); err != nil {
			return err
		}
		if err := s.claimPhone(tx, a, &c); err != nil {
			return err
		}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		if err := s.auditTx(tx, a, clientAudit("create", "client", c.ID, c, f.changed())); err != nil {
			return err
		}
		if err := s.recordConsent(tx, a, c, events, now); err != nil {
			return err
		}
		return s.beginNumberCheck(tx, a, &c)
	})
	return c, wrap(s.refusedPhone(ctx, a, 0, err), "create client")
}

func (s *Store) assign(tx *gorm.DB, a Actor, c *Client, workerID int64) error {
	var w User
	err := tx.First(&w, workerID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !a.canAssignTo(w)) {
		return Invalid("worker_id", "worker_id %d is not a worker you can assign clients to", workerID)
	}
	if err != nil {
		return err
	}
	c.WorkerID, c.TeamID = w.ID, w.TeamID
	return nil
}

func (s *Store) recordConsent(tx *gorm.DB, a Actor, c Client, events []ConsentEvent, now time.Time) error {
	for i := range events {
		events[i].ClientID, events[i].CreatedAt, events[i].Source = c.ID, now, "api"
		if a.UserID != 0 {
			events[i].ActorID = &a.UserID
		} else {
			events[i].Source = "inbound"
		}
		if err := tx.Create(&events[i]).Error; err != nil {
			return err
		}
		err := s.auditTx(tx, a, clientAudit("consent_change", "client", c.ID, c,
			map[string]any{"channel": events[i].Channel, "granted": events[i].Granted, "source": events[i].Source}))
		if err != nil {
			return err
		}
	}
	return nil
}

// changed names the fields given, with values only where they are not
// personal data (so the audit trail holds no names or numbers).
func (f ClientFields) changed() map[string]any {
	m := map[string]any{}
	if f.Name != nil {
		m["name"] = "changed"
	}
	if f.Phone != nil {
		m["phone"] = "changed"
	}
	if f.Salutation != nil {
		m["salutation"] = "changed"
	}
	for k, v := range map[string]*string{"language": f.Language, "preferred_channel": f.PreferredChannel,
		"risk_level": f.RiskLevel, "phase": f.Phase} {
		if v != nil {
			m[k] = *v
		}
	}
	if f.WorkerID != nil {
		m["worker_id"] = *f.WorkerID
	}
	if f.PhoneShared != nil {
		m["phone_shared"] = *f.PhoneShared
	}
	return m
}

// FindClientByID returns a client in the actor's reach; ENOTFOUND otherwise.
func (s *Store) FindClientByID(ctx context.Context, a Actor, id int64) (Client, error) {
	return s.findClient(s.reader(ctx), a, id)
}

func (s *Store) findClient(tx *gorm.DB, a Actor, id int64) (Client, error) {
	var c Client
	err := scopeClients(tx, a).Where("clients.id = ?", id).First(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Client{}, Errorf(ENOTFOUND, "client %d not found", id)
	}
	return c, wrap(err, "find client")
}

// ClientFilter narrows a client list.
type ClientFilter struct {
	WorkerID    *int64
	PhoneReview bool // only numbers shared before the one-number rule
	Page        Page
}

// FindClients lists clients in the actor's reach, by id; more reports whether
// another page follows.
func (s *Store) FindClients(ctx context.Context, a Actor, f ClientFilter) (list []Client, more bool, err error) {
	p := f.Page.normalise()
	q := scopeClients(s.reader(ctx), a)
	if f.WorkerID != nil {
		q = q.Where("clients.worker_id = ?", *f.WorkerID)
	}
	if f.PhoneReview {
		q = q.Where("clients.phone_review = ?", true)
	}
	err = q.Order("clients.id").Limit(p.Limit + 1).Offset(p.Offset).Find(&list).Error
	if len(list) > p.Limit {
		list, more = list[:p.Limit], true
	}
	return list, more, wrap(err, "find clients")
}

// UpdateClient changes the given fields of a client in reach.
func (s *Store) UpdateClient(ctx context.Context, a Actor, id int64, f ClientFields) (Client, error) {
	var c Client
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if c, err = s.findClient(tx, a, id); err != nil {
			return err
		}
		now := s.now()
		before := c
		events, err := f.apply(&c, now)
		if err != nil {
			return err
		}
		if c.Phone != before.Phone || c.PhoneShared != before.PhoneShared {
			if err := s.claimPhone(tx, a, &c); err != nil {
				return err
			}
		}
		if c.Phone != before.Phone {
			if err := s.cancelPendingTo(tx, c, before.Phone, now); err != nil {
				return err
			}
		}
		if f.WorkerID != nil && *f.WorkerID != c.WorkerID {
			if a.Role == RoleWorker {
				return Invalid("worker_id", "only a supervisor or admin can move a client to another worker")
			}
			if err := s.assign(tx, a, &c, *f.WorkerID); err != nil {
				return err
			}
		}
		c.UpdatedAt = now
		if err := tx.Save(&c).Error; err != nil {
			return err
		}
		if err := s.auditTx(tx, a, clientAudit("update", "client", c.ID, c, f.changed())); err != nil {
			return err
		}
		if err := s.recordConsent(tx, a, c, events, now); err != nil {
			return err
		}
		// A new number is checked again; so is one that was never checked
		// and now gets messages.
		if c.Phone != before.Phone || (c.NumberCheck == NumberUnchecked && c.messaged() && s.numberCheck) {
			return s.beginNumberCheck(tx, a, &c)
		}
		return nil
	})
	return c, wrap(s.refusedPhone(ctx, a, id, err), "update client")
}

// SkipNumberChanged is the skip reason of messages that waited for a number
// the client no longer has.
const SkipNumberChanged = "number_changed"

// cancelPendingTo ends the client's messages that still wait to go to
// oldPhone (queued or held for contact hours, never tried): the number is
// no longer the client's, and a message with agreements must not reach
// whoever has it now. Each is audited.
func (s *Store) cancelPendingTo(tx *gorm.DB, c Client, oldPhone string, now time.Time) error {
	var pending []Message
	err := tx.Where("client_id = ? AND recipient = ? AND status IN ? AND attempts = 0", c.ID, oldPhone,
		[]string{MessageQueued, MessageScheduled, MessageAwaitingCheck}).Find(&pending).Error
	if err != nil {
		return err
	}
	for _, m := range pending {
		m.Status, m.SkipReason, m.UpdatedAt = MessageSkipped, SkipNumberChanged, now
		if err := tx.Model(&m).Select("status", "skip_reason", "updated_at").Updates(&m).Error; err != nil {
			return err
		}
		if err := s.auditTx(tx, System, messageAudit("status_change", m)); err != nil {
			return err
		}
	}
	return nil
}

// FindConsentEvents returns the consent history of a client in the actor's
// reach, oldest first (a client outside it is ENOTFOUND).
func (s *Store) FindConsentEvents(ctx context.Context, a Actor, clientID int64) ([]ConsentEvent, error) {
	db := s.reader(ctx)
	if _, err := s.findClient(db, a, clientID); err != nil {
		return nil, err
	}
	var list []ConsentEvent
	err := db.Where("client_id = ?", clientID).Order("id").Find(&list).Error
	return list, wrap(err, "find consent events")
}
