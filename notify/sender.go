// Package notify sends messages to clients over WhatsApp and SMS through Twilio,
// and owns the rules around sending: contact hours, status ordering, SMS segments.
package notify

import (
	"context"
	"time"
)

// Channel names as stored on messages and clients.
const (
	ChannelWhatsApp = "whatsapp"
	ChannelSMS      = "sms"
)

// OutboundMessage is one message handed to a Sender.
type OutboundMessage struct {
	ID               int64             // our message id; travels in StatusCallback
	Channel          string            // ChannelWhatsApp or ChannelSMS
	To               string            // E.164, without any whatsapp: prefix
	Body             string            // empty when ContentSID is set
	ContentSID       string            // approved WhatsApp template
	ContentVariables map[string]string // keys "1", "2", … ; values on one line
	StatusCallback   string            // full URL including our message id
}

// SendResult is what the provider answered when it accepted a message.
type SendResult struct {
	SID         string
	Status      string // provider status, e.g. "queued"; "dry_run" for the dry-run sender
	NumSegments int
}

// Sender hands one message to a provider.
type Sender interface {
	Send(ctx context.Context, m OutboundMessage) (SendResult, error)
}

// ErrorClass says what the dispatcher should do after a failed send.
type ErrorClass int

// Error classes of a failed send.
const (
	// ErrPermanent: the message can never be delivered as addressed; no retry.
	ErrPermanent ErrorClass = iota + 1
	// ErrRetry: the provider did not process the message; retrying later is safe.
	ErrRetry
	// ErrAmbiguous: the provider may have accepted the message (timeout, 5xx,
	// a reply that is not JSON); look it up with a MessageFinder before any resend.
	ErrAmbiguous
	// ErrNoWhatsApp: the recipient cannot be reached on WhatsApp (63003, 63024,
	// 63016 without a template); fall back to SMS where consent allows.
	ErrNoWhatsApp
)

// SendError is the error every Sender returns when a send fails.
type SendError struct {
	Class ErrorClass
	Code  int // provider error code, 0 when none
	Err   error
}

func (e *SendError) Error() string {
	return "notify: send: " + e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }

// MessageFinder looks up, after a send whose outcome is unknown, whether the
// provider accepted m since the send began (matching recipient, sender and
// content, since providers keep no key of ours).
type MessageFinder interface {
	FindSentMessage(ctx context.Context, m OutboundMessage, since time.Time) (res SendResult, found bool, err error)
}
