package web

import (
	"context"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/models"
)

// sessionRow is a session with its client's name, for lists.
type sessionRow struct {
	models.Session
	ClientName string
	Local      time.Time
}

// replyRow is a client's reply from the last week.
type replyRow struct {
	models.InboundMessage
	ClientName string
}

// agreementRow is an open agreement that needs attention.
type agreementRow struct {
	models.Agreement
	ClientName string
	Overdue    bool
	Unacked    bool
}

type todayData struct {
	Alerts          []replyRow      // unseen alerts, newest first
	Numbers         []models.Client // clients whose number check failed
	Today, Upcoming []sessionRow
	NoShows         []sessionRow
	Replies         []replyRow
	Agreements      []agreementRow
}

// today is the worker's day: alerts and unconfirmed numbers first, then
// sessions today and this week, no-shows, replies waiting and agreements
// that are due or not acknowledged.
func (h *Handler) today(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actor(c)
	clients, _, err := h.store.FindClients(ctx, a, models.ClientFilter{Page: models.Page{Limit: 200}})
	if err != nil {
		return h.fail(c, err)
	}
	names := map[int64]string{}
	for _, cl := range clients {
		names[cl.ID] = cl.Name
	}
	now := time.Now().In(h.loc())
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, h.loc())
	var d todayData
	if d.Today, err = h.sessionRows(ctx, a, names, midnight, midnight.AddDate(0, 0, 1), ""); err != nil {
		return h.fail(c, err)
	}
	if d.Upcoming, err = h.sessionRows(ctx, a, names, midnight.AddDate(0, 0, 1), midnight.AddDate(0, 0, 8), models.SessionPlanned); err != nil {
		return h.fail(c, err)
	}
	if d.NoShows, err = h.sessionRows(ctx, a, names, midnight.AddDate(0, 0, -14), now, models.SessionNoShow); err != nil {
		return h.fail(c, err)
	}
	if err := h.attention(ctx, a, clients, now, &d); err != nil {
		return h.fail(c, err)
	}
	return h.render(c, fiber.StatusOK, "today", "title.today", d)
}

func (h *Handler) sessionRows(ctx context.Context, a models.Actor, names map[int64]string, from, to time.Time, status string) ([]sessionRow, error) {
	list, _, err := h.store.FindSessions(ctx, a, models.SessionFilter{From: &from, To: &to, Status: status,
		Page: models.Page{Limit: 200}})
	out := make([]sessionRow, 0, len(list))
	for _, s := range list {
		out = append(out, sessionRow{Session: s, ClientName: names[s.ClientID], Local: s.ScheduledAt.In(h.loc())})
	}
	return out, err
}

// attention gathers alerts, failed number checks, replies from the last 7
// days and open agreements due within a week or, from a completed session
// of the last 60 days, not acknowledged.
func (h *Handler) attention(ctx context.Context, a models.Actor, clients []models.Client, now time.Time, d *todayData) error {
	weekAgo, dueBy := now.AddDate(0, 0, -7), now.AddDate(0, 0, 7).Format(time.DateOnly)
	since := now.AddDate(0, 0, -60)
	done, _, err := h.store.FindSessions(ctx, a, models.SessionFilter{From: &since, Status: models.SessionCompleted,
		Page: models.Page{Limit: 200}})
	if err != nil {
		return err
	}
	completed := map[int64]bool{}
	for _, s := range done {
		completed[s.ID] = true
	}
	for _, cl := range clients {
		if err := h.clientReplies(ctx, a, cl, weekAgo, d); err != nil {
			return err
		}
		ags, err := h.store.FindAgreements(ctx, a, models.AgreementFilter{ClientID: &cl.ID, Status: models.AgreementOpen})
		if err != nil {
			return err
		}
		for _, ag := range ags {
			row := agreementRow{Agreement: ag, ClientName: cl.Name,
				Overdue: ag.DueDate != nil && *ag.DueDate <= dueBy,
				Unacked: ag.IncludeInSummary && ag.AcknowledgedAt == nil && completed[ag.SessionID]}
			if row.Overdue || row.Unacked {
				d.Agreements = append(d.Agreements, row)
			}
		}
	}
	sort.SliceStable(d.Alerts, func(i, j int) bool { return d.Alerts[i].ReceivedAt.After(d.Alerts[j].ReceivedAt) })
	return nil
}

// repliesShown is how many of a client's latest replies Vandaag lists; an
// alert is found among the last alertsScanned, however old.
const repliesShown, alertsScanned = 5, 50

// clientReplies adds the client's unseen alerts, its recent replies and,
// when the client rejected the number check or never answered it, the
// client itself.
func (h *Handler) clientReplies(ctx context.Context, a models.Actor, cl models.Client, weekAgo time.Time, d *todayData) error {
	if cl.NumberCheck == models.NumberRejected || cl.NumberCheck == models.NumberExpired {
		d.Numbers = append(d.Numbers, cl)
	}
	in, err := h.store.FindInbound(ctx, a, cl.ID, alertsScanned)
	if err != nil {
		return err
	}
	for i, m := range in {
		if m.UnseenFor(cl.ID) {
			d.Alerts = append(d.Alerts, replyRow{InboundMessage: m, ClientName: cl.Name})
		}
		if i < repliesShown && m.ReceivedAt.After(weekAgo) {
			d.Replies = append(d.Replies, replyRow{InboundMessage: m, ClientName: cl.Name})
		}
	}
	return nil
}
