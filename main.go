// Command afspraak is a service for probation officers who supervise clients
// remotely: structured agendas, recorded agreements, and follow-up messages to
// the client over WhatsApp or SMS.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `afspraak — structured remote supervision for probation officers.

Usage:
  afspraak serve    [--config PATH]      run the HTTP service
  afspraak migrate  [--config PATH]      apply database migrations and exit
  afspraak user add --name N --email E --role worker|supervisor|admin --team T [--config PATH]
                                         create a user; prints its token as the last line
  afspraak user revoke --email E [--config PATH]
                                         revoke every token of a user
  afspraak demo     [--config PATH]      create a demo team and print sign-in tokens
  afspraak audit verify [--config PATH]  check the audit trail's hash chain; exit 1 naming the first broken event
  afspraak templates export|check [--config PATH]
                                         the WhatsApp templates to create at Twilio; whether the configured ones are approved
  afspraak bench [seed] [--workers N --duration D --database sqlite|postgres]
                                         measure throughput, latency and memory against this machine's ceilings

--config defaults to $AFSPRAAK_CONFIG, else config.yaml.
Run "afspraak COMMAND --help" for the flags of one command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line; it returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmds := map[string]func(context.Context, []string, io.Writer) error{
		"serve":     cmdServe,
		"migrate":   cmdMigrate,
		"user":      cmdUser,
		"demo":      cmdDemo,
		"audit":     cmdAudit,
		"bench":     cmdBench,
		"templates": cmdTemplates,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "afspraak: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "afspraak %s: %v\n", args[0], err)
		return 1
	}
}

// errUsage marks a command line that was wrong; the flag package already said why.
var errUsage = errors.New("usage")

// newFlags returns a flag set with the shared --config flag.
func newFlags(name, help string, out io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := fs.String("config", "", "config file (default $AFSPRAAK_CONFIG, else config.yaml)")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: afspraak %s\n\n%s\n\nFlags:\n", name, help)
		fs.PrintDefaults()
	}
	return fs, cfg
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}
