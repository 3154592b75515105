package api

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"afspraak/models"
	"afspraak/models/modelstest"
	"afspraak/notify"
)

// clock is a settable clock for Store.Now that jobs may read while a test
// moves it.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time  { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) set(t time.Time) { c.offset.Store(int64(time.Until(t))) }

// planAt plans a video session at exactly at, nanoseconds included.
func planAt(t *testing.T, m *msgEnv, clientID int64, at time.Time, initiator string) int64 {
	t.Helper()
	return m.do("POST", "/api/v1/sessions", m.tok, map[string]any{"client_id": clientID, "modality": "video",
		"scheduled_at": at.Format(time.RFC3339Nano), "initiator": initiator, "template": "meldplicht"}).must(t, 201).id(t)
}

// messagesOf lists the stored messages of kind for a session.
func messagesOf(t *testing.T, m *msgEnv, sessionID int64, kind string) []models.Message {
	t.Helper()
	list, _, err := m.store.FindMessages(context.Background(), models.Actor{Role: models.RoleAdmin},
		models.MessageFilter{SessionID: &sessionID})
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Message
	for _, msg := range list {
		if msg.Kind == kind {
			out = append(out, msg)
		}
	}
	return out
}

// sweepNoShows runs one no-show sweep now, as the periodic job would.
func sweepNoShows(t *testing.T, m *msgEnv) {
	t.Helper()
	if err := (&notify.NoShowWorker{D: m.disp}).Work(t.Context(), &river.Job[notify.NoShowSweepArgs]{}); err != nil {
		t.Fatal(err)
	}
}

// reminderJobs counts the reminder jobs in state.
func reminderJobs(t *testing.T, m *msgEnv, state rivertype.JobState) int {
	t.Helper()
	res, err := m.disp.Queue.Client.JobList(context.Background(),
		river.NewJobListParams().Kinds(notify.ReminderArgs{}.Kind()).States(state).First(100))
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Jobs)
}

// hhmm is how a message shows the time of t.
func hhmm(t time.Time) string {
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	return " om " + t.In(loc).Format("15:04")
}

// TestReminders: a reminder goes out once at scheduled_at − offset, with who
// calls whom; moving a session voids the old reminder and queues a new one,
// cancelling voids it. Session times carry nanoseconds, which PostgreSQL keeps
// to the microsecond only.
func TestReminders(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			const lead = 2 * time.Second // a reminder is due this long after planning
			m := newMsgEnv(t, driver, msgOpts{offsets: []time.Duration{time.Hour - lead, 2*time.Hour - lead}})
			phone := func(i int) string { return fmt.Sprintf("+3161234%04d", 7000+i) }
			var cids [3]int64
			for i := range cids {
				cids[i] = newClient(t, m.testEnv, m.tok, map[string]any{"phone": phone(i)})
			}
			at := time.Now().Add(time.Hour).Truncate(time.Microsecond).Add(321) // nanoseconds PostgreSQL drops
			// Moved an hour later: offset 1h−lead is then an hour away, offset 2h−lead due now.
			moved := planAt(t, m, cids[0], at, "worker")
			m.do("PATCH", fmt.Sprintf("/api/v1/sessions/%d", moved), m.tok,
				map[string]any{"scheduled_at": at.Add(time.Hour).Format(time.RFC3339Nano)}).must(t, 200)
			kept := planAt(t, m, cids[1], at, "client")
			cancelled := planAt(t, m, cids[2], at, "client")
			m.do("PATCH", fmt.Sprintf("/api/v1/sessions/%d", cancelled), m.tok, map[string]any{"status": "cancelled"}).must(t, 200)
			if time.Now().After(at.Add(lead - time.Hour)) {
				t.Skip("planning took longer than the reminders' lead; the machine is too slow for this test")
			}

			// moved: the old and the new; kept; cancelled. The moved one's other offset waits.
			waitFor(t, "four reminder jobs run", func() bool { return reminderJobs(t, m, rivertype.JobStateCompleted) == 4 })
			if n := reminderJobs(t, m, rivertype.JobStateScheduled); n != 1 {
				t.Fatalf("%d reminder jobs still scheduled, want 1 (the moved session's hour-before)", n)
			}
			waitFor(t, "two reminders at Twilio", func() bool { return len(m.fake.Messages()) >= 2 })
			time.Sleep(200 * time.Millisecond)
			cases := []struct {
				name      string
				session   int64
				to        string
				want      []string
				notWanted string
			}{
				{"client calls", kept, phone(1), []string{"herinnering", hhmm(at), "U belt zelf, via een videogesprek."}, "belt u "},
				{"worker calls, at the new time", moved, phone(0), []string{"herinnering", hhmm(at.Add(time.Hour)), "worker belt u via een videogesprek."}, hhmm(at)},
			}
			for _, c := range cases {
				sent := m.fake.MessagesTo("whatsapp:" + c.to)
				if len(sent) != 1 || len(messagesOf(t, m, c.session, models.KindReminder)) != 1 {
					t.Fatalf("%s: %d reminders at Twilio, want 1", c.name, len(sent))
				}
				for _, w := range c.want {
					if !strings.Contains(sent[0].Body, w) {
						t.Errorf("%s: reminder lacks %q: %s", c.name, w, sent[0].Body)
					}
				}
				if strings.Contains(sent[0].Body, c.notWanted) {
					t.Errorf("%s: reminder has %q: %s", c.name, c.notWanted, sent[0].Body)
				}
			}
			if n := len(m.fake.MessagesTo("whatsapp:"+phone(2))) + len(messagesOf(t, m, cancelled, models.KindReminder)); n != 0 {
				t.Fatal("a cancelled session was reminded")
			}
		})
	}
}

// TestNoShowSweep: a client-initiated session not started within the grace
// becomes no_show and the client gets one nudge; a worker-initiated one stays.
func TestNoShowSweep(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			clk := &clock{}
			m.Clock.Set(clk.now)
			cid := newClient(t, m.testEnv, m.tok, nil)
			at := time.Now().Add(10 * time.Minute)
			byClient, byWorker := planAt(t, m, cid, at, "client"), planAt(t, m, cid, at, "worker")
			sweep := func() { t.Helper(); sweepNoShows(t, m) }
			status := func(id int64) any {
				return m.do("GET", fmt.Sprintf("/api/v1/sessions/%d", id), m.tok, nil).must(t, 200).json(t)["status"]
			}
			clk.set(at.Add(14 * time.Minute))
			sweep()
			if st := status(byClient); st != "planned" || len(messagesOf(t, m, byClient, models.KindNoShowNudge)) != 0 {
				t.Fatalf("inside the grace period: %v", st)
			}
			clk.set(at.Add(16 * time.Minute))
			sweep()
			if st, sw := status(byClient), status(byWorker); st != "no_show" || sw != "planned" {
				t.Fatalf("after the grace period: client-initiated %v, worker-initiated %v", st, sw)
			}
			waitFor(t, "the nudge at Twilio", func() bool { return len(m.fake.Messages()) >= 1 })
			if body := m.fake.Messages()[0].Body; !strings.Contains(body, "maar we hebben u niet gesproken") ||
				!strings.Contains(body, hhmm(at)) {
				t.Fatalf("nudge: %s", body)
			}
			sweep()
			time.Sleep(300 * time.Millisecond)
			if n := len(m.fake.Messages()); n != 1 || len(messagesOf(t, m, byClient, models.KindNoShowNudge)) != 1 {
				t.Fatalf("after a second sweep %d messages at Twilio, want 1", n)
			}
			if n := len(messagesOf(t, m, byWorker, models.KindNoShowNudge)); n != 0 {
				t.Fatal("a worker-initiated session was nudged")
			}
		})
	}
}

// TestRetentionPurgesBodies: past RetentionDays message bodies, template
// variables and reply texts go; status, times and events stay.
func TestRetentionPurgesBodies(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			m.disp.Composer.ContentSIDs = map[string]map[string]string{
				models.KindAgreementSummary: {"nl": "HX0123456789abcdef0123456789abcdef"}}
			clk := &clock{}
			m.Clock.Set(clk.now)
			wa := newClient(t, m.testEnv, m.tok, nil) // WhatsApp: a content template with variables
			sms := newClient(t, m.testEnv, m.tok, map[string]any{"phone": "+31612347100",
				"consent": map[string]any{"whatsapp": false, "sms": true}}) // SMS: a body
			sent := func(ids ...int64) {
				t.Helper()
				for _, id := range ids {
					waitFor(t, "the send", func() bool { return m.message(t, id).TwilioSID != nil })
				}
			}
			clk.set(time.Now().AddDate(0, 0, -m.disp.RetentionDays-1))
			oldWA, oldSMS := summaryID(t, m.completeWith(t, wa, "", "Oude afspraak")), summaryID(t, m.completeWith(t, sms, "", "Oude afspraak"))
			m.inbound(t, "whatsapp:"+clientPhone, "Een oude vraag")
			sent(oldWA, oldSMS)
			clk.set(time.Now().AddDate(0, 0, -m.disp.RetentionDays+1))
			newWA, newSMS := summaryID(t, m.completeWith(t, wa, "", "Nieuwe afspraak")), summaryID(t, m.completeWith(t, sms, "", "Nieuwe afspraak"))
			m.inbound(t, "whatsapp:"+clientPhone, "Een nieuwe vraag")
			sent(newWA, newSMS)
			clk.set(time.Now())

			ctx := t.Context()
			before := map[int64]models.Message{}
			events := map[int64]int{}
			for _, id := range []int64{oldWA, oldSMS, newWA, newSMS} {
				before[id] = m.message(t, id)
				evs, _ := m.store.FindMessageEvents(ctx, models.Actor{Role: models.RoleAdmin}, id)
				events[id] = len(evs)
			}
			if len(before[oldWA].ContentVariables) == 0 || before[oldSMS].Body == nil {
				t.Fatal("nothing to purge: the WhatsApp summary has no variables or the SMS no body")
			}
			if err := (&notify.RetentionWorker{D: m.disp}).Work(ctx, &river.Job[notify.RetentionArgs]{}); err != nil {
				t.Fatal(err)
			}
			for id, was := range before {
				old := id == oldWA || id == oldSMS
				msg := m.message(t, id)
				evs, _ := m.store.FindMessageEvents(ctx, models.Actor{Role: models.RoleAdmin}, id)
				if purged := msg.Body == nil && len(msg.ContentVariables) == 0 && msg.BodyPurgedAt != nil; purged != old {
					t.Errorf("message %d (old %v): purged %v", id, old, purged)
				}
				if msg.Status != was.Status || !msg.CreatedAt.Equal(was.CreatedAt) || !msg.SentAt.Equal(*was.SentAt) ||
					*msg.TwilioSID != *was.TwilioSID || len(evs) != events[id] || events[id] == 0 {
					t.Errorf("message %d: metadata changed by the purge", id)
				}
			}
			replies, _ := m.store.FindInbound(ctx, models.Actor{Role: models.RoleAdmin}, wa, 10)
			if len(replies) != 2 || replies[0].Body == nil || *replies[0].Body != "Een nieuwe vraag" ||
				replies[1].Body != nil || replies[1].BodyPurgedAt == nil || replies[1].ReceivedAt.IsZero() {
				t.Fatalf("replies after the purge: %+v", replies)
			}
			if n, err := m.store.PurgeMessageBodies(ctx, time.Now().AddDate(0, 0, -m.disp.RetentionDays)); n != 0 || err != nil {
				t.Fatalf("a second purge touched %d rows (%v)", n, err)
			}
		})
	}
}

// TestMessageMetrics: /metrics counts messages by kind and status and times
// completion to provider.
func TestMessageMetrics(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	cid := newClient(t, m.testEnv, m.tok, nil)
	id := summaryID(t, m.completeWith(t, cid, "", "x"))
	waitFor(t, "the send", func() bool { return m.message(t, id).TwilioSID != nil })
	if err := m.fake.SendStatus(t.Context(), *m.message(t, id).TwilioSID, "delivered", 0); err != nil {
		t.Fatal(err)
	}
	scrape := func() string { return string(m.do("GET", "/metrics", "", nil).must(t, 200).Body) }
	waitFor(t, "the send in /metrics", func() bool {
		return strings.Contains(scrape(), "afspraak_completion_to_provider_seconds_count 1\n")
	})
	body := scrape()
	for _, want := range []string{
		`afspraak_messages_total{kind="agreement_summary",status="queued"} `,
		`afspraak_messages_total{kind="agreement_summary",status="delivered"} 1` + "\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	sum := regexp.MustCompile(`(?m)^afspraak_completion_to_provider_seconds_sum (\S+)$`).FindStringSubmatch(body)
	if sum == nil {
		t.Fatal("/metrics lacks the completion-to-provider sum")
	}
	if s, _ := strconv.ParseFloat(sum[1], 64); s <= 0 || s > 15 {
		t.Fatalf("completion to provider took %v s", s)
	}
}

// TestDryRun: without Twilio a summary ends as dry_run, nothing reaches
// Twilio, and the log holds neither the number nor the text.
func TestDryRun(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{dryRun: true})
	cid := newClient(t, m.testEnv, m.tok, nil)
	id := summaryID(t, m.completeWith(t, cid, "", "Melden bij de wijkagent op maandag"))
	waitFor(t, "the dry run", func() bool { return m.message(t, id).Status == models.MessageDryRun })
	msg := m.message(t, id)
	if n := len(m.fake.Messages()); n != 0 {
		t.Fatalf("%d messages reached Twilio in a dry run", n)
	}
	if msg.TwilioSID == nil || !strings.HasPrefix(*msg.TwilioSID, "DRY") || msg.Body == nil {
		t.Fatalf("dry-run message: sid %v", msg.TwilioSID)
	}
	logs := m.logs.String()
	if !strings.Contains(logs, "dry run") || !strings.Contains(logs, notify.MaskPhone(clientPhone)) {
		t.Fatal("the dry run was not logged with the masked number")
	}
	secrets := []string{clientPhone[3:], "wijkagent"}
	for _, line := range strings.Split(*msg.Body, "\n") {
		if line = strings.TrimSpace(line); len(line) >= 12 {
			secrets = append(secrets, line)
		}
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds %q", s)
		}
	}
}

// TestReplyHoldsNoShow: a reply shortly before a session ("ik kan niet")
// alerts the worker and holds the automatic no-show until the worker has
// seen it; then the sweep goes ahead.
func TestReplyHoldsNoShow(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			clk := &clock{}
			m.Clock.Set(clk.now)
			cid := newClient(t, m.testEnv, m.tok, nil)
			at := time.Now().Add(30 * time.Minute)
			sess := planAt(t, m, cid, at, "client")
			m.inbound(t, "whatsapp:"+clientPhone, "Ik kan niet, mijn kind is ziek")
			items := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/conversation", cid), m.tok, nil).must(t, 200).json(t)["items"].([]any)
			if alert := items[len(items)-1].(map[string]any)["alert"]; alert != models.AlertBeforeSession {
				t.Fatalf("a reply 30 minutes before the session: alert %v", alert)
			}
			sweep := func() { t.Helper(); sweepNoShows(t, m) }
			status := func() any {
				return m.do("GET", fmt.Sprintf("/api/v1/sessions/%d", sess), m.tok, nil).must(t, 200).json(t)["status"]
			}
			clk.set(at.Add(time.Hour))
			sweep()
			if st := status(); st != "planned" {
				t.Fatalf("the no-show went ahead before the worker saw the reply: %v", st)
			}
			seen := m.do("POST", fmt.Sprintf("/api/v1/clients/%d/conversation/seen", cid), m.tok, nil).must(t, 200).json(t)
			if seen["seen"] != float64(1) {
				t.Fatalf("seen: %v", seen)
			}
			sweep()
			if st := status(); st != "no_show" {
				t.Fatalf("after the worker saw the reply: %v", st)
			}
		})
	}
}

// TestMondayMorningReminders: a Monday 08:30 session planned on Thursday gets
// its day-before reminder on Friday afternoon and its hour-before one at
// 07:30 (sent when the window opens at 08:00), not two identical reminders
// on Monday morning; a second reminder in one window is not created.
func TestMondayMorningReminders(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			loc, _ := time.LoadLocation("Europe/Amsterdam")
			clk := &clock{}
			thursday := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
			clk.set(thursday)
			m := newMsgEnv(t, driver, msgOpts{now: clk.now, offsets: []time.Duration{24 * time.Hour, time.Hour},
				hoursDays: []string{"mon", "tue", "wed", "thu", "fri"}})
			cid := newClient(t, m.testEnv, m.tok, nil)
			monday := time.Date(2026, 12, 7, 8, 30, 0, 0, loc)
			sess := planAt(t, m, cid, monday, "client")
			res, err := m.disp.Queue.Client.JobList(t.Context(), river.NewJobListParams().Kinds(notify.ReminderArgs{}.Kind()).First(10))
			if err != nil || len(res.Jobs) != 2 {
				t.Fatalf("reminder jobs: %d, %v", len(res.Jobs), err)
			}
			at := map[string]bool{}
			for _, j := range res.Jobs {
				at[j.ScheduledAt.In(loc).Format("Mon 15:04")] = true
			}
			if !at["Fri 16:00"] || !at["Mon 07:30"] {
				t.Fatalf("reminders scheduled at %v, want Fri 16:00 and Mon 07:30", at)
			}

			// Run both jobs as the queue would, each at its time, and the
			// day-before one once more in Monday's window (as a retry would).
			run := func(when time.Time, offset time.Duration) {
				t.Helper()
				clk.set(when)
				row, err := m.disp.Queue.Client.Insert(t.Context(), notify.ReminderArgs{SessionID: sess, ScheduledAt: monday.UTC(),
					Offset: offset + time.Duration(when.Unix())}, nil) // a job of its own each run
				if err != nil {
					t.Fatal(err)
				}
				waitFor(t, "the reminder job", func() bool {
					j, err := m.disp.Queue.Client.JobGet(t.Context(), row.Job.ID)
					return err == nil && j.State == rivertype.JobStateCompleted
				})
			}
			run(time.Date(2026, 12, 4, 16, 0, 0, 0, loc), 24*time.Hour)
			waitFor(t, "Friday's reminder sent on Friday", func() bool {
				got := messagesOf(t, m, sess, models.KindReminder)
				return len(got) == 1 && got[0].TwilioSID != nil
			})
			run(time.Date(2026, 12, 7, 7, 30, 0, 0, loc), time.Hour)
			run(time.Date(2026, 12, 7, 7, 31, 0, 0, loc), 24*time.Hour)
			if got := messagesOf(t, m, sess, models.KindReminder); len(got) != 2 {
				t.Fatalf("%d reminders, want 2 (Friday, Monday morning)", len(got))
			}
		})
	}
}
