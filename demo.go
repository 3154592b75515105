package main

import (
	"context"
	"fmt"
	"io"

	"afspraak/models"
)

// demoUsers are the people of the demo team.
var demoUsers = []models.NewUser{
	{Name: "Anna Admin", Email: "admin@demo.afspraak.invalid", Role: models.RoleAdmin, Team: "Demo-team"},
	{Name: "Sanne Supervisor", Email: "supervisor@demo.afspraak.invalid", Role: models.RoleSupervisor, Team: "Demo-team"},
	{Name: "Wouter Werker", Email: "wouter@demo.afspraak.invalid", Role: models.RoleWorker, Team: "Demo-team"},
	{Name: "Fatima Werker", Email: "fatima@demo.afspraak.invalid", Role: models.RoleWorker, Team: "Demo-team"},
}

// demoClients are fictitious clients; the numbers are in the range the Dutch
// regulator keeps for fiction (06 12345678 style numbers are real, so we use
// obviously fake but valid mobile numbers).
var demoClients = []struct {
	name, phone, lang, risk, phase string
	worker                         int
}{
	{"Jan de Vries", "06 10000001", "nl", "medium", "middle", 2},
	{"Priya Ramdin", "06 10000002", "en", "low", "end", 2},
	{"Mohamed El Amrani", "06 10000003", "nl", "high", "start", 3},
	{"Kees Bakker", "06 10000004", "nl", "low", "start", 3},
}

func cmdDemo(ctx context.Context, args []string, out io.Writer) error {
	fs, cfgPath := newFlags("demo", "Create a demo team (an admin, a supervisor, two workers, four clients) and print tokens.\nRun it again for fresh tokens.", out)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withStore(ctx, *cfgPath, true, func(store *models.Store) error {
		users := make([]models.User, len(demoUsers))
		tokens := make([]string, len(demoUsers))
		created := true
		for i, nu := range demoUsers {
			u, token, err := store.CreateUser(ctx, models.System, nu)
			if models.ErrorCode(err) == models.ECONFLICT {
				created = false
				u, token, err = store.IssueTokenForEmail(ctx, nu.Email)
			}
			if err != nil {
				return plainError(err)
			}
			users[i], tokens[i] = u, token
		}
		if created {
			if err := seedDemoClients(ctx, store, users); err != nil {
				return err
			}
			fmt.Fprintf(out, "created demo team with %d users and %d clients\n", len(users), len(demoClients))
			fmt.Fprintln(out, "Each demo client first gets the number check (\"Is dit uw eigen telefoon?\"); their summaries wait")
			fmt.Fprintln(out, "for a JA that no one can send in dry run. To see summaries go out while you try afspraak,")
			fmt.Fprintln(out, "set notify.number_check: false in config.yaml (keep it on with real clients).")
		} else {
			fmt.Fprintln(out, "demo team already exists; issued new tokens")
		}
		fmt.Fprintln(out, "\nSign in with one of these tokens (shown once):")
		for i, u := range users {
			fmt.Fprintf(out, "  %-11s %-17s %s\n", u.Role, u.Name, tokens[i])
		}
		fmt.Fprintln(out, "\nStart the service with: go run . serve")
		return nil
	})
}

func seedDemoClients(ctx context.Context, store *models.Store, users []models.User) error {
	admin := models.ActorFor(users[0])
	yes := true
	for _, dc := range demoClients {
		dc := dc
		_, err := store.CreateClient(ctx, admin, models.ClientFields{
			Name: &dc.name, Phone: &dc.phone, Language: &dc.lang, RiskLevel: &dc.risk, Phase: &dc.phase,
			ConsentWhatsApp: &yes, ConsentSMS: &yes, WorkerID: &users[dc.worker].ID,
		})
		if err != nil {
			return plainError(err)
		}
	}
	return nil
}
