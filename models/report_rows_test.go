package models

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// reportBase is when the sessions in these tests are completed.
var reportBase = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)

// afterBase is reportBase plus minutes.
func afterBase(minutes float64) time.Time {
	return reportBase.Add(time.Duration(minutes * float64(time.Minute)))
}

// sqliteText formats t the way the SQLite driver stores and returns a time.
func sqliteText(t time.Time) string {
	return t.Format("2006-01-02 15:04:05.999999999-07:00")
}

// f64 returns a pointer to v, for expected report figures.
func f64(v float64) *float64 { return &v }

// rowString renders a report row with its optional figures dereferenced, for
// failure messages.
func rowString(r ReportRow) string {
	opt := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("{id %d %q completed %d sent %d withinSLA %d delivered %d acked %d failed %d median %s "+
		"noShows %d overrides %d signals %d remoteShare %s afterHours %d remote %d minutes %v}",
		r.WorkerID, r.WorkerName, r.SessionsCompleted, r.SummariesSent, r.SummariesWithinSLA, r.SummariesDelivered,
		r.SummariesAcknowledged, r.SummariesFailed, opt(r.MedianMinutesToSend), r.NoShows, r.PolicyOverrides,
		r.RiskSignals, opt(r.RemoteShare), r.AfterHoursReplies, r.remote, r.minutes)
}

// TestReportRowAdd proves that one session's facts add the right counts to a
// row, whichever form (PostgreSQL time.Time or SQLite text) its times take.
func TestReportRowAdd(t *testing.T) {
	const sla = 24 * time.Hour
	completed := func(modality string) sessionFacts {
		return sessionFacts{Status: SessionCompleted, Modality: modality, CompletedAt: reportBase, RiskSignals: "[]"}
	}
	sentAfter := func(f sessionFacts, sent any) sessionFacts {
		f.FirstSent = sent
		return f
	}
	with := func(f sessionFacts, change func(*sessionFacts)) sessionFacts {
		change(&f)
		return f
	}
	pgSent := reportBase.Add(30 * time.Minute)

	tests := []struct {
		name  string
		facts sessionFacts
		want  ReportRow
	}{
		{name: "completed remote", facts: completed("video"),
			want: ReportRow{SessionsCompleted: 1, remote: 1}},
		{name: "completed whatsapp", facts: completed("whatsapp"),
			want: ReportRow{SessionsCompleted: 1, remote: 1}},
		{name: "completed face to face", facts: completed("face_to_face"),
			want: ReportRow{SessionsCompleted: 1}},
		{name: "completed walk", facts: completed("walk"),
			want: ReportRow{SessionsCompleted: 1}},
		{name: "no show", facts: sessionFacts{Status: SessionNoShow, Modality: "video", RiskSignals: "[]"},
			want: ReportRow{NoShows: 1}},
		{name: "cancelled counts nothing", facts: sessionFacts{Status: SessionCancelled, Modality: "video", RiskSignals: "[]"},
			want: ReportRow{}},
		{name: "planned counts nothing", facts: sessionFacts{Status: SessionPlanned, Modality: "phone"},
			want: ReportRow{}},

		{name: "sent within SLA, PostgreSQL times", facts: sentAfter(completed("face_to_face"), pgSent),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{30}}},
		{name: "sent exactly at the SLA", facts: sentAfter(completed("face_to_face"), reportBase.Add(sla)),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{1440}}},
		{name: "sent a second after the SLA", facts: sentAfter(completed("face_to_face"), reportBase.Add(sla+time.Second)),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, minutes: []float64{1440 + 1.0/60}}},
		{name: "sent outside SLA", facts: sentAfter(completed("face_to_face"), reportBase.Add(25*time.Hour)),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, minutes: []float64{1500}}},
		{name: "pointer time", facts: sentAfter(completed("face_to_face"), &pgSent),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{30}}},

		{name: "SQLite text times", facts: sessionFacts{Status: SessionCompleted, Modality: "video", RiskSignals: "[]",
			CompletedAt: sqliteText(reportBase), FirstSent: sqliteText(reportBase.Add(45 * time.Minute))},
			want: ReportRow{SessionsCompleted: 1, remote: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{45}}},
		{name: "SQLite text with fractional seconds", facts: sentAfter(completed("face_to_face"),
			sqliteText(reportBase.Add(90*time.Second+500*time.Millisecond))),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{90.5 / 60}}},
		{name: "SQLite text with an offset", facts: sentAfter(completed("face_to_face"), "2026-03-10 11:20:00+01:00"),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{20}}},
		{name: "SQLite text without a zone is UTC", facts: sentAfter(completed("face_to_face"), "2026-03-10 12:00:00"),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{120}}},
		{name: "RFC 3339 text", facts: sentAfter(completed("face_to_face"), "2026-03-10T10:05:00Z"),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{5}}},
		{name: "text as bytes", facts: sentAfter(completed("face_to_face"), []byte(sqliteText(reportBase.Add(time.Hour)))),
			want: ReportRow{SessionsCompleted: 1, SummariesSent: 1, SummariesWithinSLA: 1, minutes: []float64{60}}},
		{name: "completion as text, sent as time", facts: sessionFacts{Status: SessionCompleted, Modality: "phone",
			CompletedAt: sqliteText(reportBase), FirstSent: reportBase.Add(26 * time.Hour)},
			want: ReportRow{SessionsCompleted: 1, remote: 1, SummariesSent: 1, minutes: []float64{1560}}},

		{name: "not sent", facts: sentAfter(completed("face_to_face"), nil),
			want: ReportRow{SessionsCompleted: 1}},
		{name: "unreadable sent time is not sent", facts: sentAfter(completed("face_to_face"), "yesterday"),
			want: ReportRow{SessionsCompleted: 1}},
		{name: "sent without a completion time", facts: sessionFacts{Status: SessionCompleted, Modality: "video",
			FirstSent: pgSent},
			want: ReportRow{SessionsCompleted: 1, remote: 1, SummariesSent: 1}},

		{name: "delivered counts the session once", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.SummaryMsgs, f.Delivered = 2, 2 }),
			want: ReportRow{SessionsCompleted: 1, SummariesDelivered: 1}},
		{name: "acknowledged", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.Acked = 1 }),
			want: ReportRow{SessionsCompleted: 1, SummariesAcknowledged: 1}},
		{name: "every copy failed", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.SummaryMsgs, f.FailedMsgs = 2, 2 }),
			want: ReportRow{SessionsCompleted: 1, SummariesFailed: 1}},
		{name: "the only copy failed", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.SummaryMsgs, f.FailedMsgs = 1, 1 }),
			want: ReportRow{SessionsCompleted: 1, SummariesFailed: 1}},
		{name: "one of two copies failed", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.SummaryMsgs, f.FailedMsgs, f.Delivered = 2, 1, 1 }),
			want: ReportRow{SessionsCompleted: 1, SummariesDelivered: 1}},
		{name: "no copies is not failed", facts: completed("face_to_face"),
			want: ReportRow{SessionsCompleted: 1}},

		{name: "policy override", facts: with(completed("video"), func(f *sessionFacts) { f.PolicyOverride = true }),
			want: ReportRow{SessionsCompleted: 1, remote: 1, PolicyOverrides: 1}},
		{name: "two risk signals", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.RiskSignals = `["substance_use","threat"]` }),
			want: ReportRow{SessionsCompleted: 1, RiskSignals: 2}},
		{name: "null risk signals", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.RiskSignals = "null" }),
			want: ReportRow{SessionsCompleted: 1}},
		{name: "empty risk signals text", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.RiskSignals = "" }),
			want: ReportRow{SessionsCompleted: 1}},
		{name: "malformed risk signals", facts: with(completed("face_to_face"), func(f *sessionFacts) { f.RiskSignals = `{"a":1}` }),
			want: ReportRow{SessionsCompleted: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got ReportRow
			got.add(tc.facts, sla)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("row =\n%s, want\n%s", rowString(got), rowString(tc.want))
			}
		})
	}
}

// TestReportRowAddAccumulates proves that adding several sessions sums their
// facts rather than keeping only the last.
func TestReportRowAddAccumulates(t *testing.T) {
	tests := []struct {
		name  string
		facts []sessionFacts
		want  ReportRow
	}{
		{name: "two remote, one face to face, one no show", facts: []sessionFacts{
			{Status: SessionCompleted, Modality: "video", CompletedAt: reportBase, FirstSent: afterBase(10), RiskSignals: `["a"]`},
			{Status: SessionCompleted, Modality: "face_to_face", CompletedAt: sqliteText(reportBase), FirstSent: sqliteText(afterBase(70)), RiskSignals: `["b","c"]`},
			{Status: SessionCompleted, Modality: "phone", PolicyOverride: true, RiskSignals: "[]"},
			{Status: SessionNoShow, Modality: "video", PolicyOverride: true, RiskSignals: "[]"},
		}, want: ReportRow{SessionsCompleted: 3, remote: 2, NoShows: 1, SummariesSent: 2, SummariesWithinSLA: 1,
			PolicyOverrides: 2, RiskSignals: 3, minutes: []float64{10, 70}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got ReportRow
			for _, f := range tc.facts {
				got.add(f, time.Hour)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("row =\n%s, want\n%s", rowString(got), rowString(tc.want))
			}
		})
	}
}

// TestReportRowFinish proves the median minutes to send (rounded to 0.1) and
// the remote share (rounded to 0.001), and that both stay nil when there is
// nothing to measure.
func TestReportRowFinish(t *testing.T) {
	tests := []struct {
		name       string
		minutes    []float64
		completed  int
		remote     int
		wantMedian *float64
		wantShare  *float64
	}{
		{name: "nothing to measure"},
		{name: "summaries but no completed sessions", minutes: []float64{4}, wantMedian: f64(4)},
		{name: "completed sessions but no summaries", completed: 2, remote: 1, wantShare: f64(0.5)},
		{name: "one value rounded down", minutes: []float64{12.34}, wantMedian: f64(12.3)},
		{name: "one value rounded up", minutes: []float64{12.36}, wantMedian: f64(12.4)},
		{name: "odd count, unsorted", minutes: []float64{50, 1, 3}, wantMedian: f64(3)},
		{name: "even count is the mean of the two middle values", minutes: []float64{10, 1, 3, 2}, wantMedian: f64(2.5)},
		{name: "even count mean rounded", minutes: []float64{10, 10.25}, wantMedian: f64(10.1)},
		{name: "even count of equal values", minutes: []float64{7, 7}, wantMedian: f64(7)},
		{name: "one third remote", completed: 3, remote: 1, wantShare: f64(0.333)},
		{name: "two thirds remote", completed: 3, remote: 2, wantShare: f64(0.667)},
		{name: "none remote", completed: 4, wantShare: f64(0)},
		{name: "all remote", completed: 4, remote: 4, wantShare: f64(1)},
		{name: "one in seven remote", completed: 7, remote: 1, wantShare: f64(0.143)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := ReportRow{SessionsCompleted: tc.completed, remote: tc.remote, minutes: slices.Clone(tc.minutes)}
			row.finish()
			if !reflect.DeepEqual(row.MedianMinutesToSend, tc.wantMedian) {
				t.Errorf("median = %s, want %s", ptrString(row.MedianMinutesToSend), ptrString(tc.wantMedian))
			}
			if !reflect.DeepEqual(row.RemoteShare, tc.wantShare) {
				t.Errorf("remote share = %s, want %s", ptrString(row.RemoteShare), ptrString(tc.wantShare))
			}
			if !slices.Equal(row.minutes, tc.minutes) {
				t.Errorf("finish changed the minutes: %v, was %v", row.minutes, tc.minutes)
			}
		})
	}
}

// ptrString renders an optional figure.
func ptrString(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// TestReportRowMerge proves that merging adds every count of another row and
// keeps all of its minutes.
func TestReportRowMerge(t *testing.T) {
	full := ReportRow{WorkerID: 7, WorkerName: "Anna", SessionsCompleted: 5, SummariesSent: 4, SummariesWithinSLA: 3,
		SummariesDelivered: 2, SummariesAcknowledged: 1, SummariesFailed: 1, NoShows: 2, PolicyOverrides: 3,
		RiskSignals: 4, AfterHoursReplies: 6, remote: 2, minutes: []float64{5, 15}}
	tests := []struct {
		name string
		into ReportRow
		rows []ReportRow
		want ReportRow
	}{
		{name: "into an empty row", into: ReportRow{WorkerName: "total"}, rows: []ReportRow{full},
			want: ReportRow{WorkerName: "total", SessionsCompleted: 5, SummariesSent: 4, SummariesWithinSLA: 3,
				SummariesDelivered: 2, SummariesAcknowledged: 1, SummariesFailed: 1, NoShows: 2, PolicyOverrides: 3,
				RiskSignals: 4, AfterHoursReplies: 6, remote: 2, minutes: []float64{5, 15}}},
		{name: "two rows", into: ReportRow{WorkerName: "total"}, rows: []ReportRow{full, {SessionsCompleted: 1,
			SummariesSent: 1, SummariesWithinSLA: 1, SummariesDelivered: 1, SummariesAcknowledged: 1, SummariesFailed: 1,
			NoShows: 1, PolicyOverrides: 1, RiskSignals: 1, AfterHoursReplies: 1, remote: 1, minutes: []float64{1}}},
			want: ReportRow{WorkerName: "total", SessionsCompleted: 6, SummariesSent: 5, SummariesWithinSLA: 4,
				SummariesDelivered: 3, SummariesAcknowledged: 2, SummariesFailed: 2, NoShows: 3, PolicyOverrides: 4,
				RiskSignals: 5, AfterHoursReplies: 7, remote: 3, minutes: []float64{5, 15, 1}}},
		{name: "an empty row changes nothing", into: ReportRow{WorkerName: "total"}, rows: []ReportRow{{}},
			want: ReportRow{WorkerName: "total"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.into
			for _, r := range tc.rows {
				got.merge(r)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("merged =\n%s, want\n%s", rowString(got), rowString(tc.want))
			}
		})
	}
}

// reply is one worker's after-hours reply count as FollowUpReport scans it.
type reply = workerCount

// TestBuildReport proves that the report has a row per listed worker in
// order, ignores facts and replies of other workers, and totals the rows
// with a median over all rows' minutes and a share over all sessions.
func TestBuildReport(t *testing.T) {
	const sla = time.Hour
	anna, bram := User{ID: 1, Name: "Anna"}, User{ID: 2, Name: "Bram"}
	// completed is a completed session of worker whose summary went out
	// sentAfter minutes later (never when negative), its times as PostgreSQL
	// returns them or, with text, as SQLite does.
	completed := func(worker int64, modality string, sentAfter float64, text bool, change ...func(*sessionFacts)) sessionFacts {
		f := sessionFacts{WorkerID: worker, Status: SessionCompleted, Modality: modality, RiskSignals: "[]", CompletedAt: reportBase}
		if sentAfter >= 0 {
			f.FirstSent = afterBase(sentAfter)
		}
		if text {
			f.CompletedAt = sqliteText(reportBase)
			if sentAfter >= 0 {
				f.FirstSent = sqliteText(afterBase(sentAfter))
			}
		}
		for _, c := range change {
			c(&f)
		}
		return f
	}
	noShow := func(worker int64) sessionFacts {
		return sessionFacts{WorkerID: worker, Status: SessionNoShow, Modality: "video", RiskSignals: "[]"}
	}
	// Anna: minutes 10, 90, 20 (median 20), 1 of 4 remote. Bram: minutes 70,
	// 60, 80 (median 70), 3 of 3 remote. All six minutes have median 65 (the
	// rows' medians would give 45, the mean 55); the share is 4 of 7, 0.571
	// (the rows' shares would average 0.625).
	twoWorkers := []sessionFacts{
		completed(1, "video", 10, false),
		completed(1, "face_to_face", 90, true, func(f *sessionFacts) { f.SummaryMsgs, f.Delivered = 1, 1 }),
		completed(1, "walk", 20, false),
		completed(1, "face_to_face", -1, false),
		noShow(1),
		completed(2, "phone", 70, true, func(f *sessionFacts) { f.RiskSignals = `["threat"]` }),
		completed(2, "video", 60, false, func(f *sessionFacts) { f.PolicyOverride, f.SummaryMsgs, f.FailedMsgs = true, 1, 1 }),
		completed(2, "whatsapp", 80, true, func(f *sessionFacts) {
			f.RiskSignals, f.SummaryMsgs, f.Delivered, f.Acked = `["substance_use","relapse"]`, 2, 1, 1
		}),
		noShow(2),
		noShow(2),
		completed(99, "video", 5, false, func(f *sessionFacts) { f.PolicyOverride = true }), // not a listed worker
		noShow(99),
	}

	tests := []struct {
		name    string
		workers []User
		facts   []sessionFacts
		replies []reply
		want    Report
	}{
		{name: "no workers", facts: twoWorkers, replies: []reply{{WorkerID: 1, N: 3}},
			want: Report{Rows: []ReportRow{}, Totals: ReportRow{WorkerName: "total"}}},
		{name: "a worker without sessions", workers: []User{anna},
			want: Report{Rows: []ReportRow{{WorkerID: 1, WorkerName: "Anna"}}, Totals: ReportRow{WorkerName: "total"}}},
		{name: "only facts of other workers", workers: []User{anna}, facts: []sessionFacts{completed(2, "video", 5, false)},
			replies: []reply{{WorkerID: 2, N: 4}},
			want:    Report{Rows: []ReportRow{{WorkerID: 1, WorkerName: "Anna"}}, Totals: ReportRow{WorkerName: "total"}}},
		{name: "one worker", workers: []User{anna}, facts: twoWorkers, replies: []reply{{WorkerID: 1, N: 3}},
			want: Report{
				Rows: []ReportRow{{WorkerID: 1, WorkerName: "Anna", SessionsCompleted: 4, SummariesSent: 3, SummariesWithinSLA: 2,
					SummariesDelivered: 1, MedianMinutesToSend: f64(20), NoShows: 1, RemoteShare: f64(0.25), AfterHoursReplies: 3}},
				Totals: ReportRow{WorkerName: "total", SessionsCompleted: 4, SummariesSent: 3, SummariesWithinSLA: 2,
					SummariesDelivered: 1, MedianMinutesToSend: f64(20), NoShows: 1, RemoteShare: f64(0.25), AfterHoursReplies: 3},
			}},
		{name: "two workers, in the given order", workers: []User{bram, anna}, facts: twoWorkers,
			replies: []reply{{WorkerID: 1, N: 3}, {WorkerID: 2, N: 1}, {WorkerID: 99, N: 5}, {WorkerID: 1, N: 2}},
			want: Report{
				Rows: []ReportRow{
					{WorkerID: 2, WorkerName: "Bram", SessionsCompleted: 3, SummariesSent: 3, SummariesWithinSLA: 1,
						SummariesDelivered: 1, SummariesAcknowledged: 1, SummariesFailed: 1, MedianMinutesToSend: f64(70),
						NoShows: 2, PolicyOverrides: 1, RiskSignals: 3, RemoteShare: f64(1), AfterHoursReplies: 1},
					{WorkerID: 1, WorkerName: "Anna", SessionsCompleted: 4, SummariesSent: 3, SummariesWithinSLA: 2,
						SummariesDelivered: 1, MedianMinutesToSend: f64(20), NoShows: 1, RemoteShare: f64(0.25),
						AfterHoursReplies: 5},
				},
				Totals: ReportRow{WorkerName: "total", SessionsCompleted: 7, SummariesSent: 6, SummariesWithinSLA: 3,
					SummariesDelivered: 2, SummariesAcknowledged: 1, SummariesFailed: 1, MedianMinutesToSend: f64(65),
					NoShows: 3, PolicyOverrides: 1, RiskSignals: 3, RemoteShare: f64(0.571), AfterHoursReplies: 6},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := buildReport(tc.workers, tc.facts, tc.replies, sla)
			if len(got.Rows) != len(tc.want.Rows) {
				t.Fatalf("%d rows, want %d", len(got.Rows), len(tc.want.Rows))
			}
			for i := range got.Rows {
				checkExported(t, fmt.Sprintf("row %d", i), got.Rows[i], tc.want.Rows[i])
			}
			checkExported(t, "totals", got.Totals, tc.want.Totals)
		})
	}
}

// checkExported compares the exported figures of a report row.
func checkExported(t *testing.T, what string, got, want ReportRow) {
	t.Helper()
	got.remote, got.minutes = 0, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n%s, want\n%s", what, rowString(got), rowString(want))
	}
}
