package templates

import (
	"strings"
	"time"
)

// view is what the message templates see: MessageData with times moved into
// the client's zone, free text flattened to one line and the decisions the
// templates branch on worked out once here rather than in every language.
type view struct {
	ClientName  string
	WorkerName  string
	WorkerPhone string
	Address     string
	Agreements  []agreementView
	// ClientItems and WorkerItems are the agreements grouped by who does them.
	ClientItems, WorkerItems []agreementView
	NextContact              *time.Time
	NextModality             string
	ClientCalls              bool
	InPerson                 bool // the session is not a call, so nobody calls anyone
	SessionAt                time.Time
	MovedFrom                *time.Time
	OfficeHours              string
	CrisisNumber             string
}

type agreementView struct {
	Text       string
	ByClient   bool
	ByWorker   bool
	WorkerName string
	Due        *time.Time
}

func newView(d MessageData, loc *time.Location) view {
	v := view{
		ClientName:   oneLine(d.ClientName),
		WorkerName:   oneLine(d.WorkerName),
		WorkerPhone:  oneLine(d.WorkerPhone),
		Address:      oneLine(d.Address),
		NextContact:  inZone(d.NextContact, loc),
		NextModality: strings.ToLower(strings.TrimSpace(d.NextModality)),
		ClientCalls:  d.ClientCalls,
		SessionAt:    d.SessionAt.In(loc),
		MovedFrom:    inZone(d.MovedFrom, loc),
		OfficeHours:  oneLine(d.OfficeHours),
		CrisisNumber: oneLine(d.CrisisNumber),
	}
	v.InPerson = v.NextModality == "face_to_face" || v.NextModality == "walk"
	for _, a := range d.Agreements {
		text := agreementText(a.Text)
		if text == "" {
			continue
		}
		av := agreementView{
			Text:       text,
			ByClient:   a.Owner != "worker",
			ByWorker:   a.Owner == "worker",
			WorkerName: v.WorkerName,
			Due:        inZone(a.Due, loc),
		}
		v.Agreements = append(v.Agreements, av)
		if av.ByWorker {
			v.WorkerItems = append(v.WorkerItems, av)
		} else {
			v.ClientItems = append(v.ClientItems, av)
		}
	}
	return v
}

// agreementText puts an agreement on one line without closing punctuation,
// because the templates follow it with a deadline or "; ".
func agreementText(s string) string {
	return strings.TrimRight(oneLine(s), ".;, ")
}

func inZone(t *time.Time, loc *time.Location) *time.Time {
	if t == nil {
		return nil
	}
	in := t.In(loc)
	return &in
}
