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

	"gorm.io/gorm"

	"afspraak/api"
	"afspraak/models"
	"afspraak/notify"
	"afspraak/web"
)

// openDatabase opens and migrates the configured database.
func openDatabase(ctx context.Context, cfg DatabaseConfig) (*gorm.DB, []string, error) {
	db, err := models.Open(dbConfig(cfg))
	if err != nil {
		return nil, nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, nil, err
	}
	applied, err := models.Migrate(ctx, sqlDB, cfg.Driver)
	if err == nil {
		err = notify.MigrateQueue(ctx, sqlDB, cfg.Driver) // River's tables, after ours
	}
	if err != nil {
		_ = sqlDB.Close()
		return nil, nil, err
	}
	return db, applied, nil
}

func dbConfig(cfg DatabaseConfig) models.DBConfig {
	return models.DBConfig{Driver: cfg.Driver, DSN: cfg.DSN, MaxOpenConns: cfg.MaxOpenConns}
}

// newStore returns the store with the rules from config.
func newStore(db *gorm.DB, cfg Config) *models.Store {
	store := models.NewStore(db)
	store.Policy = models.PolicyRules{HighRiskMaxRemote: cfg.Policy.HighRiskMaxRemote,
		MediumRiskMaxRemote: cfg.Policy.MediumRiskMaxRemote, LowRiskMaxRemote: cfg.Policy.LowRiskMaxRemote,
		StartPhaseFaceToFace: cfg.Policy.StartPhaseFaceToFace, RiskSignalFaceToFace: cfg.Policy.RiskSignalFaceToFace}
	store.RiskSignals = cfg.Sessions.RiskSignals
	return store
}

func closeDatabase(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}

func cmdMigrate(ctx context.Context, args []string, out io.Writer) error {
	fs, cfgPath := newFlags("migrate", "Apply every pending database migration and exit.", out)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := readConfig(*cfgPath)
	if err != nil {
		return err
	}
	db, applied, err := openDatabase(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer closeDatabase(db)
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
	cfg, err := readConfig(*cfgPath)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.Log, os.Stderr)
	db, applied, err := openDatabase(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer closeDatabase(db)
	logger.Info("database ready", slog.String("driver", cfg.Database.Driver), slog.Int("migrations_applied", len(applied)))
	sqlDB, _ := db.DB()
	store := newStore(db, cfg)
	if store.Reads, err = models.OpenReads(dbConfig(cfg.Database)); err != nil {
		return err
	}
	defer store.Close()
	webUI := &web.Handler{Store: store, Logger: logger, PublicBaseURL: cfg.Server.PublicBaseURL,
		RiskSignals: cfg.Sessions.RiskSignals, SummarySLAHours: cfg.Followup.SummarySLAHours}
	srv := &api.Server{Store: store, DB: sqlDB, Logger: logger, RequestTimeout: cfg.Server.RequestTimeout,
		PublicBaseURL: cfg.Server.PublicBaseURL, SummarySLAHours: cfg.Followup.SummarySLAHours, Web: webUI}
	app := srv.App()
	queue, err := newNotifier(cfg, store, sqlDB, srv, logger)
	if err != nil {
		return err
	}
	webUI.Composer, webUI.Notifier = srv.Composer, srv.Notifier // set by newNotifier
	if err := queue.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	defer stopQueue(queue, cfg.Server.ShutdownTimeout, logger)
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Addr, err)
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.Bool("dry_run", cfg.Twilio.AccountSID == ""))
	fmt.Fprintf(out, "afspraak is listening on http://%s\n", displayAddr(ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	if err := app.ShutdownWithTimeout(cfg.Server.ShutdownTimeout); err != nil {
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
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withStore(ctx, *cfgPath, func(store *models.Store) error {
		u, token, err := store.CreateUser(ctx, models.System, models.NewUser{Name: *name, Email: *email, Role: *role, Team: *team})
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
	return withStore(ctx, *cfgPath, func(store *models.Store) error {
		n, err := store.RevokeUserTokens(ctx, *email)
		if err != nil {
			return plainError(err)
		}
		fmt.Fprintf(out, "revoked %d token(s) of %s\n", n, strings.ToLower(*email))
		return nil
	})
}

// withStore opens the configured, migrated database for a CLI command.
func withStore(ctx context.Context, cfgPath string, fn func(*models.Store) error) error {
	cfg, err := readConfig(cfgPath)
	if err != nil {
		return err
	}
	db, _, err := openDatabase(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer closeDatabase(db)
	return fn(models.NewStore(db))
}

// plainError drops the package prefix from domain errors for CLI users.
func plainError(err error) error {
	var de *models.Error
	if errors.As(err, &de) {
		return errors.New(de.Message)
	}
	return err
}
