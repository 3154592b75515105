package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"afspraak/app"
	"afspraak/templates"
)

func cmdTemplates(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "check") {
		fmt.Fprint(out, "Usage: afspraak templates export | check [--config PATH]\n"+
			"  export  print the WhatsApp templates to create at Twilio's Content API, as JSON\n"+
			"  check   fetch the templates twilio.content_sids names and say whether each matches and is approved\n")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errUsage
	}
	if args[0] == "export" {
		fs, _ := newFlags("templates export", "Print every WhatsApp template afspraak sends, per kind and language: under content\n"+
			"the body of POST /v1/Content at Twilio's Content API, under whatsapp_approval the body of\n"+
			"POST /v1/Content/{sid}/ApprovalRequests/whatsapp. Put each SID in twilio.content_sids.", out)
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		return exportTemplates(out)
	}
	fs, cfgPath := newFlags("templates check", "Fetch each configured template at Twilio and report whether it exists, matches\n"+
		"the variables afspraak sends and is approved for WhatsApp. Exits 1 when one does not.", out)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := app.ReadConfig(*cfgPath)
	if err != nil {
		return err
	}
	checks, err := app.CheckTemplates(ctx, cfg)
	if err != nil {
		return err
	}
	failed := 0
	for _, c := range checks {
		if len(c.Problems) == 0 {
			fmt.Fprintf(out, "ok    %-18s %s  %s approved\n", c.Kind, c.Language, c.SID)
			continue
		}
		failed++
		fmt.Fprintf(out, "FAIL  %-18s %s  %s: %s\n", c.Kind, c.Language, c.SID, strings.Join(c.Problems, "; "))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d WhatsApp templates are missing, differ or are not approved", failed, len(checks))
	}
	fmt.Fprintf(out, "all %d WhatsApp templates exist, match and are approved\n", len(checks))
	return nil
}

func exportTemplates(out io.Writer) error {
	all, err := templates.Catalogue()
	if err != nil {
		return err
	}
	defs := make([]map[string]any, len(all))
	for i, t := range all {
		defs[i] = map[string]any{"kind": t.Kind, "content": t.Definition(), "whatsapp_approval": t.ApprovalRequest()}
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(defs)
}
