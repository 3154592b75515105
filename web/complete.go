package web

import (
	"github.com/gofiber/fiber/v2"

	"afspraak/app"
	"afspraak/models"
)

// completeData is the completion form with the summary exactly as it would
// be sent.
type completeData struct {
	sessionData
	Preview     app.Preview
	RiskSignals []string
}

// completeForm shows the summary preview, the risk signals and the notes.
func (h *Handler) completeForm(c *fiber.Ctx) error {
	return h.showComplete(c, fiber.StatusOK)
}

func (h *Handler) showComplete(c *fiber.Ctx, status int) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	d, err := h.loadSession(c, id)
	if err != nil {
		return h.storeError(c, err, func() error { return h.fail(c, err) })
	}
	if !d.Editable {
		return c.Redirect(sessionPath(id), fiber.StatusSeeOther)
	}
	p, err := h.app.SummaryPreview(c.UserContext(), actor(c), id)
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, status, "complete", "title.complete", completeData{sessionData: d, Preview: p,
		RiskSignals: h.store.RiskSignals()})
}

// complete completes the session and queues the summary in the same
// transaction (the API's workflow), then shows the session with its message.
func (h *Handler) complete(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	form, err := c.MultipartForm()
	var signals []string
	if err == nil {
		signals = form.Value["risk_signals"]
	} else {
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if string(k) == "risk_signals" {
				signals = append(signals, string(v))
			}
		})
	}
	in := models.Completion{RiskSignals: signals, Notes: c.FormValue("notes"), SendSummary: c.FormValue("send_summary") == "on"}
	_, err = h.app.CompleteSession(c.UserContext(), actor(c), id, in)
	if err != nil {
		return h.storeError(c, err, func() error { return h.showComplete(c, fiber.StatusUnprocessableEntity) })
	}
	return c.Redirect(sessionPath(id)+"?ok=completed#berichten", fiber.StatusSeeOther)
}
