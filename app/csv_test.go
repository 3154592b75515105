package app

import (
	"bytes"
	"encoding/csv"
	"testing"

	"afspraak/models"
)

// TestReportCSVNeutralisesFormulas: a worker name that a spreadsheet would run
// as a formula is written as text; other names are written as they are.
func TestReportCSVNeutralisesFormulas(t *testing.T) {
	cases := []struct{ name, want string }{
		{"=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK(\"http://evil.example\")"},
		{"+31 6 1234", "'+31 6 1234"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"Wim Werker", "Wim Werker"},
		{"Anne-Marie", "Anne-Marie"},
		{"", ""},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			var buf bytes.Buffer
			rep := models.Report{Rows: []models.ReportRow{{WorkerID: 7, WorkerName: c.name}}, Totals: models.ReportRow{WorkerName: "total"}}
			if err := WriteReportCSV(&buf, rep); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := recs[1][1]; got != c.want {
				t.Fatalf("name %q written as %q, want %q", c.name, got, c.want)
			}
		})
	}
}
