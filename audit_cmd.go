package main

import (
	"context"
	"fmt"
	"io"

	"afspraak/models"
)

func cmdAudit(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(out, "Usage: afspraak audit verify [--config PATH]\n")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errUsage
	}
	fs, cfgPath := newFlags("audit verify", "Walk the audit trail's hash chain. Exits 0 when intact, 1 naming the first broken event.", out)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withStore(ctx, *cfgPath, false, func(store *models.Store) error {
		broken, checked, reason, err := store.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		if broken != 0 {
			return fmt.Errorf("audit trail broken at event %d: %s (%d events before it are intact)", broken, reason, checked)
		}
		fmt.Fprintf(out, "audit trail intact: %d events checked\n", checked)
		return nil
	})
}
