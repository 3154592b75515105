package models

import (
	"context"
	"time"
)

// CheckPolicy returns the policy warnings a session of modality at t for a
// client in reach would get, without planning it (the web form shows them
// before saving).
func (s *Store) CheckPolicy(ctx context.Context, a Actor, clientID int64, t time.Time, modality string) ([]PolicyWarning, error) {
	if !oneOf(modality, Modalities...) {
		return nil, Invalid("modality", "modality must be one of video, phone, whatsapp, face_to_face, walk")
	}
	tx := s.reader(ctx)
	c, err := s.findClient(tx, a, clientID)
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, Invalid("client_id", "client %d not found", clientID)
		}
		return nil, err
	}
	w, err := s.policyFor(tx, c, t, modality, 0)
	return w, wrap(err, "check policy")
}
