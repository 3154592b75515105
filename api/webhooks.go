package api

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"afspraak/models"
	"afspraak/notify"
)

// signedForm checks X-Twilio-Signature over the configured public URL plus the
// request's path and query and every value of the form, and returns the
// form. Anything else is 403; in dry run no webhook can be genuine.
func (s *Server) signedForm(c *fiber.Ctx) (url.Values, bool) {
	form, err := url.ParseQuery(string(c.Body()))
	if err != nil || s.app.DryRun() {
		return nil, false
	}
	full := strings.TrimRight(s.app.Config.Server.PublicBaseURL, "/") + string(c.Request().URI().RequestURI())
	sig := c.Get("X-Twilio-Signature")
	if sig == "" || !validSignature(s.app.Config.Twilio.AuthToken, full, form, sig) {
		return nil, false
	}
	return form, true
}

// plainForm reports whether every name and value of form is plain text: the
// database refuses the rest, and a 5xx would have Twilio retry for nothing.
func plainForm(form url.Values) bool {
	for k, vs := range form {
		for _, v := range vs {
			if !plainText(k) || !plainText(v) {
				return false
			}
		}
	}
	return true
}

// twilioStatus applies a message status callback.
func (s *Server) twilioStatus(c *fiber.Ctx) error {
	form, ok := s.signedForm(c)
	if !ok {
		return problem(c, fiber.StatusForbidden, "the request signature is missing or wrong")
	}
	if !plainForm(form) {
		return problem(c, fiber.StatusBadRequest, "the form holds text that is not UTF-8 or holds NUL")
	}
	if err := checkTwilioForm(form, statusParams, s.app.Config.Twilio.AccountSID); err != nil {
		return problem(c, fiber.StatusBadRequest, err.Error())
	}
	id, err := strconv.ParseInt(c.Query("message_id"), 10, 64)
	if err != nil || id < 1 {
		return problem(c, fiber.StatusBadRequest, "the status callback URL carries no message_id")
	}
	code, _ := strconv.Atoi(form.Get("ErrorCode"))
	status := form.Get("MessageStatus")
	if status == "" {
		return problem(c, fiber.StatusBadRequest, "MessageStatus is missing")
	}
	ev := notify.StatusEvent{MessageID: id, SID: form.Get("MessageSid"), Status: status, ErrorCode: code, Raw: rawStatus(form)}
	if err := s.app.Dispatcher.HandleStatus(c.UserContext(), ev); err != nil {
		return s.webhookError(c, err)
	}
	return c.SendStatus(fiber.StatusOK)
}

// rawStatus keeps the callback's fields except numbers and bodies.
func rawStatus(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		switch k {
		case "To", "From", "Body":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(form.Get(k)) + "&")
	}
	return strings.TrimSuffix(b.String(), "&")
}

// twilioInbound takes a client's message.
func (s *Server) twilioInbound(c *fiber.Ctx) error {
	form, ok := s.signedForm(c)
	if !ok {
		return problem(c, fiber.StatusForbidden, "the request signature is missing or wrong")
	}
	if !plainForm(form) {
		return problem(c, fiber.StatusBadRequest, "the form holds text that is not UTF-8 or holds NUL")
	}
	if err := checkTwilioForm(form, inboundParams, s.app.Config.Twilio.AccountSID); err != nil {
		return problem(c, fiber.StatusBadRequest, err.Error())
	}
	channel, from := notify.ChannelOf(form.Get("From"))
	if form.Get("MessageSid") == "" || from == "" {
		return problem(c, fiber.StatusBadRequest, "MessageSid and From are required")
	}
	media, err := mediaTypes(form)
	if err != nil {
		return problem(c, fiber.StatusBadRequest, err.Error())
	}
	ev := notify.InboundEvent{SID: form.Get("MessageSid"), Channel: channel, From: from, Body: form.Get("Body"),
		ButtonPayload: form.Get("ButtonPayload"), RepliedToSID: form.Get("OriginalRepliedMessageSid"), MediaTypes: media}
	if err := s.app.Dispatcher.HandleInbound(c.UserContext(), ev); err != nil {
		return s.webhookError(c, err)
	}
	c.Set(fiber.HeaderContentType, "text/xml")
	return c.SendString("<Response/>")
}

func (s *Server) webhookError(c *fiber.Ctx, err error) error {
	if code := statusByCode[models.ErrorCode(err)]; code != 0 && code < 500 {
		return problem(c, code, models.ErrorMessage(err))
	}
	s.logger.Error("webhook failed", "request_id", requestIDFrom(c.UserContext()), "error", err.Error())
	return problem(c, fiber.StatusInternalServerError, "internal error; Twilio will retry")
}

// mimeType is the shape of a content type: type/subtype, no parameters.
var mimeType = regexp.MustCompile(`^[a-z]+/[a-zA-Z0-9.+-]{1,100}$`)

// mediaTypes reads the content type of each media item of an inbound
// message (NumMedia, MediaContentType0…): Twilio sends at most 10. The media
// URLs are not read.
func mediaTypes(form url.Values) ([]string, error) {
	if form.Get("NumMedia") == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(form.Get("NumMedia"))
	if err != nil || n < 0 || n > 10 {
		return nil, fmt.Errorf("NumMedia must be 0 to 10")
	}
	types := make([]string, 0, n)
	for i := range n {
		t := form.Get("MediaContentType" + strconv.Itoa(i))
		if !mimeType.MatchString(t) {
			return nil, fmt.Errorf("MediaContentType%d must be a content type such as audio/ogg", i)
		}
		types = append(types, t)
	}
	return types, nil
}
