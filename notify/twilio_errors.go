package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/twilio/twilio-go/client"
)

// codeClasses holds the Twilio error codes whose meaning we know. Codes not
// listed are classified by HTTP status when they come from the API, and as
// permanent when they come from a status callback (ClassifyCode).
var codeClasses = map[int]ErrorClass{
	20003: ErrPermanent,  // authentication failed: a configuration error
	21211: ErrPermanent,  // invalid 'To' number
	21408: ErrPermanent,  // region not enabled for this account
	21606: ErrPermanent,  // 'From' is not a valid number for this account
	21610: ErrPermanent,  // recipient replied STOP
	21612: ErrPermanent,  // cannot route between these numbers
	21614: ErrPermanent,  // 'To' is not a mobile number
	21617: ErrPermanent,  // body longer than 1600 characters
	21656: ErrPermanent,  // invalid ContentVariables
	21910: ErrPermanent,  // From and To of different channels
	63014: ErrPermanent,  // blocked by the WhatsApp user
	63021: ErrPermanent,  // invalid WhatsApp content
	63003: ErrNoWhatsApp, // recipient not on WhatsApp
	63024: ErrNoWhatsApp, // invalid WhatsApp recipient
	63016: ErrNoWhatsApp, // outside the 24-hour window and no template
	20429: ErrRetry,      // too many requests: never processed
	63018: ErrRetry,      // WhatsApp rate limit
}

// ClassifyCode says what to do about a Twilio error code that arrives later, in
// a status callback: 63003, 63024 and 63016 mean the recipient cannot be reached
// on WhatsApp; 63018 and 20429 are rate limits; anything else, known or not,
// means this message failed for good.
func ClassifyCode(code int) ErrorClass {
	if class, ok := codeClasses[code]; ok {
		return class
	}
	return ErrPermanent
}

// classifyStatus classifies a failed HTTP exchange by its status code alone.
// A 2xx or 3xx whose body could not be read means Twilio took the message.
func classifyStatus(status int) ErrorClass {
	switch {
	case status == http.StatusTooManyRequests:
		return ErrRetry
	case status >= 400 && status < 500:
		return ErrPermanent
	default:
		return ErrAmbiguous
	}
}

// apiError describes a failed Twilio call without personal data: Twilio's error
// messages and request URLs can hold phone numbers, so they stay in the wrapped
// error (reachable with errors.As) and out of Error().
type apiError struct {
	op     string // e.g. "create message"
	status int    // HTTP status, 0 when no reply was read
	code   int    // Twilio error code, 0 when none
	detail string // safe description
	cause  error
}

// Error describes the failure without Twilio's message text or the URL.
func (e *apiError) Error() string {
	s := "twilio " + e.op
	if e.status != 0 {
		s += fmt.Sprintf(": http %d", e.status)
	}
	if e.code != 0 {
		s += fmt.Sprintf(": code %d (https://www.twilio.com/docs/errors/%d)", e.code, e.code)
	}
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

// Unwrap gives the original error, e.g. a *client.TwilioRestError.
func (e *apiError) Unwrap() error { return e.cause }

// describe turns an error from twilio-go into a safe apiError and its class.
// httpStatus is the status line of the reply, 0 when there was none.
func describe(op string, err error, httpStatus int) (*apiError, ErrorClass) {
	e := &apiError{op: op, status: httpStatus, cause: err}
	var rest *client.TwilioRestError
	var uerr *url.Error
	switch {
	case errors.As(err, &rest):
		e.code = rest.Code
		if rest.Status != 0 {
			e.status = rest.Status // twilio-go takes it from the body
		}
		if class, ok := codeClasses[rest.Code]; ok {
			return e, class
		}
		return e, classifyStatus(e.status)
	case errors.As(err, &uerr):
		// The URL may carry a phone number in its query: keep only the cause.
		e.detail = uerr.Err.Error()
		return e, ErrAmbiguous
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		e.detail = err.Error()
		return e, ErrAmbiguous
	case httpStatus == 0:
		// twilio-go failed before sending anything: a local problem.
		e.detail = err.Error()
		return e, ErrPermanent
	default:
		// A reply that is not the JSON we expect, e.g. a proxy's HTML page.
		e.detail = "unreadable reply"
		return e, classifyStatus(httpStatus)
	}
}

// sendError wraps a failed create call into the SendError the dispatcher reads.
func sendError(err error, httpStatus int) *SendError {
	e, class := describe("create message", err, httpStatus)
	return &SendError{Class: class, Code: e.code, Err: e}
}
