package main

import (
	"context"
	"io"
	"os"
	"time"

	"afspraak/bench"
)

// postgresDSNEnv is where the PostgreSQL tests find their server; bench uses it too.
const postgresDSNEnv = "AFSPRAAK_TEST_POSTGRES_DSN"

// cmdBench runs the benchmark (afspraak bench) or builds and queries a large
// database (afspraak bench seed).
func cmdBench(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "seed" {
		return cmdBenchSeed(ctx, args[1:], out)
	}
	fs, _ := newFlags("bench", "Run the service in this process on a temporary database with a fake Twilio on loopback,\n"+
		"drive it with a mixed workload and compare it with the ceilings measured in the same run.\n"+
		"\"afspraak bench seed --help\": time the follow-up report over a large database.", out)
	var o bench.Options
	fs.StringVar(&o.Database, "database", "sqlite", "sqlite or postgres")
	fs.StringVar(&o.DSN, "dsn", os.Getenv(postgresDSNEnv), "postgres server URL (default $"+postgresDSNEnv+"); a fresh schema is used and dropped")
	fs.IntVar(&o.Workers, "workers", 8, "concurrent simulated clients")
	fs.DurationVar(&o.Duration, "duration", 15*time.Second, "length of each timed phase (six phases plus dispatch)")
	fs.IntVar(&o.Messages, "messages", 3000, "messages queued in the dispatch phase")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of each phase to FILE.<phase>")
	fs.IntVar(&o.SQLiteConns, "sqlite-conns", 0, "experiment: SQLite writer connections (default serve's, 1; reads have their own pool of 4)")
	fs.IntVar(&o.QueueWorkers, "queue-workers", 0, "experiment: River MaxWorkers (default serve's, 100)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return bench.Run(ctx, o, out)
}

func cmdBenchSeed(ctx context.Context, args []string, out io.Writer) error {
	fs, _ := newFlags("bench seed", "Build a large database with bulk SQL and time the follow-up report and the session list on it.", out)
	var o bench.SeedOptions
	fs.StringVar(&o.Database, "database", "sqlite", "sqlite or postgres")
	fs.StringVar(&o.DSN, "dsn", os.Getenv(postgresDSNEnv), "postgres server URL (default $"+postgresDSNEnv+"); a fresh schema is used and dropped")
	fs.IntVar(&o.Sessions, "sessions", 200000, "sessions to create")
	fs.StringVar(&o.Path, "path", "", "sqlite: keep the database at this path (default a temporary file, removed)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the timed queries to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return bench.Seed(ctx, o, out)
}
