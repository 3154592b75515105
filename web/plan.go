package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/models"
	"afspraak/templates"
)

// templateOption is a choice in the plan form's template list.
type templateOption struct {
	Value, Name string
}

type planData struct {
	Warnings   []models.PolicyWarning
	Checked    bool // the policy was checked for these fields
	Clients    []models.Client
	Templates  []templateOption
	Modalities []string
	Form       planForm
}

// planForm is the plan form's fields, kept to fill the form again on error.
type planForm struct {
	ClientID                  int64
	When, Modality, Initiator string
	Template, Setting         string
	Duration                  int
}

// planForm shows the form to plan a session.
func (h *Handler) planForm(c *fiber.Ctx) error {
	f := planForm{Duration: 45, Modality: "video", Initiator: "client", Template: "meldplicht",
		When: time.Now().In(h.loc()).Add(time.Hour).Truncate(time.Hour).Format("2006-01-02T15:04")}
	f.ClientID, _ = strconv.ParseInt(c.Query("client"), 10, 64)
	return h.showPlan(c, fiber.StatusOK, f)
}

func (h *Handler) showPlan(c *fiber.Ctx, status int, f planForm, warnings ...models.PolicyWarning) error {
	ctx, a := c.UserContext(), actor(c)
	clients, _, err := h.store.FindClients(ctx, a, models.ClientFilter{Page: models.Page{Limit: 200}})
	if err != nil {
		return h.fail(c, err)
	}
	d := planData{Clients: clients, Modalities: models.Modalities, Form: f, Warnings: warnings,
		Checked: c.FormValue("action") == "check" && status == fiber.StatusOK}
	for _, k := range templates.BuiltinAgendaKeys() {
		ag, _ := templates.BuiltinAgenda(k, langOf(c))
		d.Templates = append(d.Templates, templateOption{Value: k, Name: ag.Name})
	}
	team, err := h.store.FindAgendaTemplates(ctx, a)
	if err != nil {
		return h.fail(c, err)
	}
	for _, t := range team {
		d.Templates = append(d.Templates, templateOption{Value: strconv.FormatInt(t.ID, 10), Name: t.Name})
	}
	return h.render(c, status, "plan", "title.plan", d)
}

// plan checks the policy for the form's fields (the "check" button) or saves
// the session and opens it, where its policy warnings show too.
func (h *Handler) plan(c *fiber.Ctx) error {
	f := planForm{When: c.FormValue("scheduled_at"), Modality: c.FormValue("modality"),
		Initiator: c.FormValue("initiator"), Template: c.FormValue("template"), Setting: c.FormValue("setting")}
	f.ClientID, _ = strconv.ParseInt(c.FormValue("client_id"), 10, 64)
	f.Duration, _ = strconv.Atoi(c.FormValue("duration_minutes"))
	retry := func() error { return h.showPlan(c, fiber.StatusUnprocessableEntity, f) }
	when, err := time.ParseInLocation("2006-01-02T15:04", f.When, h.loc())
	if err != nil {
		c.Locals(localError, tr(langOf(c), "plan.badtime"))
		return retry()
	}
	ctx := c.UserContext()
	if c.FormValue("action") == "check" {
		warnings, err := h.store.CheckPolicy(ctx, actor(c), f.ClientID, when, f.Modality)
		if err != nil {
			return h.storeError(c, err, retry)
		}
		return h.showPlan(c, fiber.StatusOK, f, warnings...)
	}
	sess, err := h.app.PlanSession(ctx, actor(c), models.NewSession{ClientID: f.ClientID, ScheduledAt: when,
		DurationMinutes: f.Duration, Modality: f.Modality, Initiator: f.Initiator, Setting: f.Setting,
		Template: f.Template})
	if err != nil {
		return h.storeError(c, err, retry)
	}
	return c.Redirect("/sessies/"+strconv.FormatInt(sess.ID, 10)+"?ok=planned", fiber.StatusSeeOther)
}
