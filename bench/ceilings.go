package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"afspraak/notify"
)

// healthz is the HTTP ceiling: the cheapest route through the same server,
// the same middleware and the same load generator.
func healthz(a *apiClient) phaseFunc {
	return func(ctx context.Context, _ int, rec *recorder) error {
		return timed(rec, "GET /healthz", func() error { return a.do(ctx, "GET", "/healthz", nil, nil, 200) })
	}
}

// rawAgreementWriter is the database ceiling for an agreement write: the rows
// CreateAgreement writes (the agreement, an audit event, the audit head) in
// one transaction with plain database/sql, no GORM, no HTTP.
type rawAgreementWriter struct {
	db        *sql.DB
	postgres  bool
	sessionID int64
	clientID  int64
	teamID    int64
	n         atomic.Int64
}

func (w *rawAgreementWriter) q(s string) string {
	if !w.postgres {
		return s
	}
	out, n := make([]byte, 0, len(s)+8), 0
	for i := 0; i < len(s); i++ {
		if s[i] == '?' {
			n++
			out = append(out, '$')
			out = strconv.AppendInt(out, int64(n), 10)
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

func (w *rawAgreementWriter) phase() phaseFunc {
	return func(ctx context.Context, _ int, rec *recorder) error {
		return timed(rec, "raw SQL agreement+audit tx", func() error { return w.write(ctx) })
	}
}

func (w *rawAgreementWriter) write(ctx context.Context) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	lock := ""
	if w.postgres {
		lock = " FOR UPDATE"
	}
	var lastID int64
	var lastHash string
	if err := tx.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1"+lock).Scan(&lastID, &lastHash); err != nil {
		return err
	}
	now := time.Now().UTC()
	var agID int64
	text := fmt.Sprintf("Raw agreement %d", w.n.Add(1))
	err = tx.QueryRowContext(ctx, w.q(`INSERT INTO agreements (client_id, session_id, text, owner, include_in_summary, status,
		created_at, updated_at) VALUES (?, ?, ?, 'client', TRUE, 'open', ?, ?) RETURNING id`),
		w.clientID, w.sessionID, text, now, now).Scan(&agID)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(lastHash + text))
	hash := hex.EncodeToString(sum[:])
	if _, err := tx.ExecContext(ctx, w.q(`INSERT INTO audit_events (id, at, actor_role, team_id, action, entity, entity_id,
		client_id, changes, prev_hash, hash) VALUES (?, ?, 'worker', ?, 'create', 'agreement', ?, ?, '{}', ?, ?)`),
		lastID+1, now, w.teamID, agID, w.clientID, lastHash, hash); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, w.q("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1"), lastID+1, hash); err != nil {
		return err
	}
	return tx.Commit()
}

// rawTwilio is the twilio-go ceiling: notify.TwilioSender.Send straight at the
// fake, with no database and no queue.
func rawTwilio(ts *notify.TwilioSender) phaseFunc {
	var n atomic.Int64
	return func(ctx context.Context, _ int, rec *recorder) error {
		i := n.Add(1)
		m := notify.OutboundMessage{ID: 1_000_000_000 + i, Channel: notify.ChannelSMS, To: "+31612345678",
			Body:           "Afspraken van vandaag: melden bij de wijkagent op dinsdag.",
			StatusCallback: publicBase + "/webhooks/twilio/status?message_id=" + strconv.FormatInt(i, 10)}
		return timed(rec, "twilio-go Send", func() error { _, err := ts.Send(ctx, m); return err })
	}
}
