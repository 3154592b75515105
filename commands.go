package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"afspraak/app"
	"afspraak/models"
	"afspraak/server"
)

// openApp opens the service's object graph from the config named by the
// --config flag's value.
func openApp(ctx context.Context, cfgPath string, logTo io.Writer, o app.Options) (*app.App, error) {
	cfg, err := app.ReadConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	o.Logger = app.NewLogger(cfg.Log, logTo)
	return app.Open(ctx, cfg, o)
}

func cmdMigrate(ctx context.Context, args []string, out io.Writer) error {
	fs, cfgPath := newFlags("migrate", "Apply every pending database migration and exit.", out)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, *cfgPath, io.Discard, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	applied := a.Applied
	for _, m := range applied {
		fmt.Fprintf(out, "applied %s\n", m)
	}
	fmt.Fprintf(out, "database is up to date (%d migrations applied now)\n", len(applied))
	return nil
}

func cmdServe(ctx context.Context, args []string, out io.Writer) error {
	fs, cfgPath := newFlags("serve", "Run the HTTP service. SIGINT or SIGTERM stops it gracefully.", out)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, *cfgPath, os.Stderr, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close() // after the HTTP server stopped: drains the queue, then closes the database
	cfg, logger := a.Config, a.Logger
	logger.Info("database ready", slog.String("driver", cfg.Database.Driver), slog.Int("migrations_applied", len(a.Applied)))
	http := server.New(a)
	if err := a.Start(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Addr, err)
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.Bool("dry_run", a.DryRun()))
	fmt.Fprintf(out, "afspraak is listening on http://%s\n", displayAddr(ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- http.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	if err := http.ShutdownWithTimeout(cfg.Server.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// displayAddr turns ":8080" or "[::]:8080" into "localhost:8080" for humans.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		return "localhost:" + port
	}
	return addr
}

func cmdUser(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "revoke") {
		fmt.Fprint(out, "Usage: afspraak user add|revoke [flags]\nRun \"afspraak user add --help\" for the flags.\n")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errUsage
	}
	if args[0] == "revoke" {
		return cmdUserRevoke(ctx, args[1:], out)
	}
	fs, cfgPath := newFlags("user add", "Create a user. The new token is printed once, as the last line.", out)
	name := fs.String("name", "", "full name (required)")
	email := fs.String("email", "", "email address (required, unique)")
	role := fs.String("role", "worker", "worker, supervisor or admin")
	team := fs.String("team", "", "team name; created when new (required)")
	display := fs.String("display-name", "", "the name clients see in messages (default: the first name)")
	phone := fs.String("phone", "", "the number clients call this worker on (default: notify.office_phone)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withStore(ctx, *cfgPath, true, func(store *models.Store) error {
		u, token, err := store.CreateUser(ctx, models.System, models.NewUser{Name: *name, Email: *email, Role: *role, Team: *team,
			DisplayName: *display, Phone: *phone})
		if err != nil {
			return plainError(err)
		}
		fmt.Fprintf(out, "created %s %d (%s) in team %q\ntoken (shown once):\n%s\n", u.Role, u.ID, u.Email, *team, token)
		return nil
	})
}

func cmdUserRevoke(ctx context.Context, args []string, out io.Writer) error {
	fs, cfgPath := newFlags("user revoke", "Revoke every token of a user; they can no longer sign in.", out)
	email := fs.String("email", "", "email address of the user (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withStore(ctx, *cfgPath, false, func(store *models.Store) error {
		n, err := store.RevokeUserTokens(ctx, *email)
		if err != nil {
			return plainError(err)
		}
		fmt.Fprintf(out, "revoked %d token(s) of %s\n", n, strings.ToLower(*email))
		return nil
	})
}

// withStore opens the configured, migrated database for a CLI command; its
// log lines are not the command's output. With create false a database that
// does not exist yet is an error, not a new empty one.
func withStore(ctx context.Context, cfgPath string, create bool, fn func(*models.Store) error) error {
	a, err := openApp(ctx, cfgPath, io.Discard, app.Options{MustExist: !create})
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a.Store)
}

// plainError drops the package prefix from domain errors for CLI users.
func plainError(err error) error {
	var de *models.Error
	if errors.As(err, &de) {
		return errors.New(de.Message)
	}
	return err
}
