package models

import (
	"context"

	"gorm.io/gorm"
)

// ClientExport is everything afspraak holds about one client.
type ClientExport struct {
	Client        Client
	Consent       []ConsentEvent
	Sessions      []Session
	AgendaItems   []AgendaItem
	Agreements    []Agreement
	Messages      []Message
	MessageEvents []MessageEvent
	Replies       []InboundMessage
}

// ExportClient gathers a client's data for a subject-access request, and
// records the export in the audit trail.
func (s *Store) ExportClient(ctx context.Context, a Actor, id int64) (ClientExport, error) {
	var x ClientExport
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x.Client, err = s.findClient(tx, a, id); err != nil {
			return err
		}
		steps := []func() error{
			func() error { return tx.Where("client_id = ?", id).Order("id").Find(&x.Consent).Error },
			func() error { return tx.Where("client_id = ?", id).Order("scheduled_at, id").Find(&x.Sessions).Error },
			func() error {
				return tx.Where("session_id IN (SELECT id FROM sessions WHERE client_id = ?)", id).
					Order("session_id, position").Find(&x.AgendaItems).Error
			},
			func() error { return tx.Where("client_id = ?", id).Order("id").Find(&x.Agreements).Error },
			func() error { return tx.Where("client_id = ?", id).Order("id").Find(&x.Messages).Error },
			func() error {
				return tx.Where("message_id IN (SELECT id FROM messages WHERE client_id = ?)", id).
					Order("message_id, id").Find(&x.MessageEvents).Error
			},
			func() error { return tx.Where("client_id = ?", id).Order("id").Find(&x.Replies).Error },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return s.auditTx(tx, a, clientAudit("export", "client", id, x.Client, nil))
	})
	return x, wrap(err, "export client")
}
