package models_test

import (
	"context"
	"testing"
	"time"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// reachWorld is one client of worker wA (team A) with a session, an
// agreement, a message with an event, a consent event and a reply, and the
// actors around it.
type reachWorld struct {
	owner, sameTeamSupervisor, sameTeamWorker, otherWorker, otherSupervisor models.Actor
	client                                                                  models.Client
	session                                                                 models.Session
	message                                                                 models.Message
}

func newReachWorld(t *testing.T, store *models.Store) reachWorld {
	t.Helper()
	ctx := context.Background()
	user := func(name, role, team string) models.Actor {
		u, _, err := store.CreateUser(ctx, models.System, models.NewUser{Name: name, Email: name + "@example.org", Role: role, Team: team})
		if err != nil {
			t.Fatal(err)
		}
		return models.ActorFor(u)
	}
	w := reachWorld{owner: user("wa", models.RoleWorker, "A"), sameTeamSupervisor: user("sa", models.RoleSupervisor, "A"),
		sameTeamWorker: user("wa2", models.RoleWorker, "A"), otherWorker: user("wb", models.RoleWorker, "B"),
		otherSupervisor: user("sb", models.RoleSupervisor, "B")}
	name, phone, yes := "Jan", "0612345678", true
	var err error
	if w.client, err = store.CreateClient(ctx, w.owner, models.ClientFields{Name: &name, Phone: &phone, ConsentSMS: &yes}); err != nil {
		t.Fatal(err)
	}
	w.session, err = store.CreateSession(ctx, w.owner, models.NewSession{ClientID: w.client.ID, ScheduledAt: time.Now().Add(time.Hour),
		DurationMinutes: 30, Modality: "video", Initiator: "client", Template: "meldplicht",
		TemplateItems: []models.TemplateItem{{Title: "Setting", Guidance: "Check.", Minutes: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	text := "Bel de huisarts"
	if _, err := store.CreateAgreement(ctx, w.owner, w.session.ID, models.AgreementFields{Text: &text}); err != nil {
		t.Fatal(err)
	}
	w.message = newMessage(t, store, w.client, 0)
	_, err = store.UpdateMessage(ctx, w.message.ID, func(tx models.Tx, m *models.Message, _ time.Time) error {
		_, err := store.AddMessageEventTx(tx, &models.MessageEvent{MessageID: m.ID, Status: "sent", Source: "test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	body := "Hallo"
	err = store.Write(ctx, func(tx models.Tx) error {
		_, err := store.AddInboundTx(tx, &models.InboundMessage{TwilioSID: "SMreach", ClientID: &w.client.ID, Channel: "sms", Body: &body})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestChildReadsCheckReach: every read of a client's or session's child
// records answers ENOTFOUND to an actor who cannot reach the parent (another
// team's worker and supervisor, a colleague of the same team), and the records
// to those who can (the worker, the team's supervisor, an admin).
func TestChildReadsCheckReach(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			store := modelstest.Store(t, driver)
			w := newReachWorld(t, store)
			ctx := context.Background()
			cid, sid, mid := w.client.ID, w.session.ID, w.message.ID
			reads := []struct {
				name string
				read func(a models.Actor) (int, error) // how many records it returned
			}{
				{"agenda", func(a models.Actor) (int, error) {
					l, err := store.FindAgenda(ctx, a, sid)
					return len(l), err
				}},
				{"agreements of a session", func(a models.Actor) (int, error) {
					l, err := store.FindAgreements(ctx, a, models.AgreementFilter{SessionID: &sid})
					return len(l), err
				}},
				{"agreements of a client", func(a models.Actor) (int, error) {
					l, err := store.FindAgreements(ctx, a, models.AgreementFilter{ClientID: &cid})
					return len(l), err
				}},
				{"consent history", func(a models.Actor) (int, error) {
					l, err := store.FindConsentEvents(ctx, a, cid)
					return len(l), err
				}},
				{"message events", func(a models.Actor) (int, error) {
					l, err := store.FindMessageEvents(ctx, a, mid)
					return len(l), err
				}},
				{"replies", func(a models.Actor) (int, error) {
					l, err := store.FindInbound(ctx, a, cid, 10)
					return len(l), err
				}},
				{"summary data", func(a models.Actor) (int, error) {
					_, d, err := store.SummaryData(ctx, a, sid)
					return len(d.Agreements), err
				}},
			}
			outside := map[string]models.Actor{"other team's worker": w.otherWorker,
				"other team's supervisor": w.otherSupervisor, "colleague": w.sameTeamWorker}
			inside := map[string]models.Actor{"worker": w.owner, "supervisor": w.sameTeamSupervisor,
				"admin": {Role: models.RoleAdmin}}
			for _, r := range reads {
				t.Run(r.name, func(t *testing.T) {
					for who, a := range outside {
						if n, err := r.read(a); models.ErrorCode(err) != models.ENOTFOUND || n != 0 {
							t.Errorf("%s: %d records, error %v; want ENOTFOUND", who, n, err)
						}
					}
					for who, a := range inside {
						if n, err := r.read(a); err != nil || n == 0 {
							t.Errorf("%s: %d records, error %v; want them", who, n, err)
						}
					}
				})
			}
			// Without a parent in the filter, only agreements in reach are listed.
			if l, err := store.FindAgreements(ctx, w.otherWorker, models.AgreementFilter{}); err != nil || len(l) != 0 {
				t.Errorf("another team's worker lists %d agreements (%v)", len(l), err)
			}
		})
	}
}
