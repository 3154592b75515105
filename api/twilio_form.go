package api

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// twilioSignature is X-Twilio-Signature over fullURL and form as Twilio
// computes it: HMAC-SHA1 keyed with the auth token over the URL followed by
// each parameter name and value, names in sorted order, base64. A repeated
// name contributes each of its values; sortValues orders them as Twilio's own
// helper libraries do (sorted, each once), otherwise they stay in the order
// sent.
func twilioSignature(token, fullURL string, form url.Values, sortValues bool) string {
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range names {
		vals := form[k]
		if sortValues {
			vals = slices.Compact(slices.Sorted(slices.Values(vals)))
		}
		for _, v := range vals {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// validSignature reports whether sig signs the form as sent, every value of
// every name included: a value the signature does not cover is refused, not
// ignored.
func validSignature(token, fullURL string, form url.Values, sig string) bool {
	for _, sorted := range []bool{false, true} {
		want := twilioSignature(token, fullURL, form, sorted)
		if hmac.Equal([]byte(want), []byte(sig)) {
			return true
		}
	}
	return false
}

// The shapes of Twilio's values.
var (
	messageSID = regexp.MustCompile(`^(SM|MM)[0-9a-f]{32}$`)
	serviceSID = regexp.MustCompile(`^MG[0-9a-f]{32}$`)
	address    = regexp.MustCompile(`^(whatsapp:)?\+[1-9][0-9]{6,14}$`)
	digits     = regexp.MustCompile(`^[0-9]{1,6}$`)
	mediaParam = regexp.MustCompile(`^(MediaUrl|MediaContentType)[0-9]$`)
)

// Parameters Twilio sends to a messaging webhook, by name, with a check of
// the value where its shape is known (nil: free text, such as Body).
var (
	inboundParams = map[string]func(string) bool{
		"MessageSid": messageSID.MatchString, "SmsSid": messageSID.MatchString, "SmsMessageSid": messageSID.MatchString,
		"AccountSid": nil, "MessagingServiceSid": serviceSID.MatchString, "From": address.MatchString, "To": address.MatchString,
		"Body": nil, "NumMedia": digits.MatchString, "NumSegments": digits.MatchString, "SmsStatus": oneOfFn("received"),
		"ApiVersion": oneOfFn("2010-04-01"), "ProfileName": nil, "WaId": digits14, "Forwarded": oneOfFn("true", "false"),
		"FrequentlyForwarded": oneOfFn("true", "false"), "ButtonText": nil, "ButtonPayload": nil, "MessageType": nil,
		"FromCity": nil, "FromState": nil, "FromZip": nil, "FromCountry": nil, "ToCity": nil, "ToState": nil, "ToZip": nil,
		"ToCountry": nil, "Latitude": nil, "Longitude": nil, "Address": nil, "Label": nil, "ChannelMetadata": nil,
		"OriginalRepliedMessageSender": nil, "OriginalRepliedMessageSid": messageSID.MatchString,
		"ReferralBody": nil, "ReferralHeadline": nil, "ReferralSourceId": nil, "ReferralSourceType": nil,
		"ReferralSourceUrl": nil, "ReferralMediaId": nil, "ReferralMediaContentType": nil, "ReferralMediaUrl": nil,
		"ReferralNumMedia": digits.MatchString, "ReferralCtwaClid": nil,
	}
	statusParams = map[string]func(string) bool{
		"MessageSid": messageSID.MatchString, "SmsSid": messageSID.MatchString, "AccountSid": nil,
		"MessagingServiceSid": serviceSID.MatchString, "From": address.MatchString, "To": address.MatchString,
		"MessageStatus": oneOfFn(twilioStatuses...), "SmsStatus": oneOfFn(twilioStatuses...), "ApiVersion": oneOfFn("2010-04-01"),
		"ErrorCode": digits.MatchString, "ErrorMessage": nil, "RawDlrDoneDate": digits.MatchString, "NumSegments": digits.MatchString,
		"NumMedia": digits.MatchString, "ChannelInstallSid": nil, "ChannelStatusMessage": nil, "ChannelPrefix": nil,
		"ChannelToAddress": nil, "EventType": nil, "StructuredMessage": nil, "Body": nil,
	}
	twilioStatuses = []string{"accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered", "failed",
		"read", "canceled", "receiving", "received", "partially_delivered"}
)

// freeText are the parameters that may repeat with different values: we
// read none of them to decide what a webhook is about.
var freeText = map[string]bool{"ChannelMetadata": true, "ErrorMessage": true, "StructuredMessage": true,
	"ChannelStatusMessage": true, "Label": true, "Address": true}

func oneOfFn(allowed ...string) func(string) bool {
	return func(v string) bool { return slices.Contains(allowed, v) }
}

func digits14(v string) bool {
	return len(v) >= 7 && len(v) <= 15 && strings.Trim(v, "0123456789") == ""
}

// checkTwilioForm refuses a signed form that Twilio could not have sent: an
// unknown parameter name, a value of the wrong shape, another account's SID,
// or a repeated parameter we act on whose values differ (which one would
// count?). A repeated parameter is otherwise fine: the signature covers every
// value. Twilio's signature joins names and values without a
// separator, so the boundary between them can be moved without breaking it;
// only the names and shapes tell such a form apart.
func checkTwilioForm(form url.Values, known map[string]func(string) bool, accountSID string) error {
	for k, vs := range form {
		check, ok := known[k]
		if !ok && mediaParam.MatchString(k) {
			ok = true
		}
		if !ok {
			return fmt.Errorf("the form holds a parameter Twilio does not send: %q", k)
		}
		for _, v := range vs {
			if v != vs[0] && !freeText[k] {
				return fmt.Errorf("the parameter %s is given several different values", k)
			}
			if k == "AccountSid" && v != accountSID {
				return fmt.Errorf("the webhook is for another Twilio account")
			}
			if check != nil && !check(v) {
				return fmt.Errorf("the parameter %s does not have the form Twilio gives it", k)
			}
		}
	}
	if form.Get("MessageSid") == "" || form.Get("AccountSid") == "" {
		return fmt.Errorf("MessageSid and AccountSid are required")
	}
	return nil
}
