package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"gorm.io/gorm"
)

// WebSession is a signed-in browser. The cookie holds a random value; only its
// SHA-256 is stored. CSRFToken guards every form of the session.
type WebSession struct {
	ID        int64
	UserID    int64
	TokenHash string
	CSRFToken string `gorm:"column:csrf_token"`
	CreatedAt time.Time
	ExpiresAt time.Time
}

// randomValue returns 32 random bytes, base64url-encoded.
func randomValue() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateWebSession signs a user in for ttl and returns the session with the
// cookie value, which is not stored. Expired sessions are removed on the way.
func (s *Store) CreateWebSession(ctx context.Context, userID int64, ttl time.Duration) (WebSession, string, error) {
	cookie, err := randomValue()
	if err != nil {
		return WebSession{}, "", wrap(err, "create web session")
	}
	csrf, err := randomValue()
	if err != nil {
		return WebSession{}, "", wrap(err, "create web session")
	}
	now := s.now()
	ws := WebSession{UserID: userID, TokenHash: HashToken(cookie), CSRFToken: csrf,
		CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("expires_at < ?", now).Delete(&WebSession{}).Error; err != nil {
			return err
		}
		return tx.Create(&ws).Error
	})
	return ws, cookie, wrap(err, "create web session")
}

// FindWebSession returns the unexpired session for a cookie value and its
// user. A user whose tokens were all revoked is signed out too.
func (s *Store) FindWebSession(ctx context.Context, cookie string) (WebSession, User, error) {
	var ws WebSession
	db := s.reader(ctx)
	err := db.Where("token_hash = ? AND expires_at > ?", HashToken(cookie), s.now()).First(&ws).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ws, User{}, Errorf(EUNAUTH, "not signed in")
	}
	if err != nil {
		return ws, User{}, wrap(err, "find web session")
	}
	var u User
	err = db.Joins("JOIN api_tokens ON api_tokens.user_id = users.id").
		Where("users.id = ? AND api_tokens.revoked_at IS NULL", ws.UserID).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ws, User{}, Errorf(EUNAUTH, "not signed in")
	}
	return ws, u, wrap(err, "find web session user")
}

// DeleteWebSession signs a session out.
func (s *Store) DeleteWebSession(ctx context.Context, id int64) error {
	return wrap(s.db.WithContext(ctx).Delete(&WebSession{}, id).Error, "delete web session")
}
