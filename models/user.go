package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Roles of a user.
const (
	RoleWorker     = "worker"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Team is a group of workers led by supervisors.
type Team struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// User is a worker, supervisor or admin.
type User struct {
	ID     int64
	TeamID int64
	Name   string
	Email  string
	Role   string
	// DisplayName is how clients know the worker (default the first name);
	// Phone is the number clients call them on (E.164; empty: the office's).
	DisplayName string
	Phone       string
	CreatedAt   time.Time
}

// APIToken is a bearer token, stored only as its SHA-256.
type APIToken struct {
	ID        int64
	UserID    int64
	TokenHash string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// TableName keeps the table name explicit.
func (APIToken) TableName() string { return "api_tokens" }

// NewUser is what is needed to create a user.
type NewUser struct {
	Name, Email, Role, Team string
	// DisplayName and Phone are what clients see; empty: the first name,
	// and the office's number.
	DisplayName, Phone string
}

// firstName is the first word of a name: the default aanspreeknaam of a
// client and client-facing name of a worker (no surnames on a phone).
func firstName(name string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	return first
}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool {
	return r == RoleWorker || r == RoleSupervisor || r == RoleAdmin
}

// HashToken returns the stored form of a bearer token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "afs_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateUser creates the user (and its team when new) and a first token, which
// is returned once and never stored in the clear.
func (s *Store) CreateUser(ctx context.Context, a Actor, in NewUser) (User, string, error) {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	var err error
	if in.Name, err = cleanName("name", in.Name, 200); err != nil {
		return User{}, "", err
	}
	if in.Team, err = cleanName("team", in.Team, 200); err != nil {
		return User{}, "", err
	}
	if in.DisplayName == "" {
		in.DisplayName = firstName(in.Name)
	} else if in.DisplayName, err = cleanName("display_name", in.DisplayName, 60); err != nil {
		return User{}, "", err
	}
	if in.Phone != "" {
		if in.Phone, err = NormalisePhone(in.Phone); err != nil {
			return User{}, "", Invalid("phone", "phone is not a valid phone number; use e.g. 030 123 45 67")
		}
	}
	switch {
	case !strings.Contains(in.Email, "@") || len(in.Email) > 254 || strings.ContainsAny(in.Email, " \x00\n"):
		return User{}, "", Invalid("email", "email is not an email address")
	case !ValidRole(in.Role):
		return User{}, "", Invalid("role", "role must be worker, supervisor or admin")
	}
	var u User
	var token string
	err = s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Where("email = ?", in.Email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &Error{Code: ECONFLICT, Field: "email", Message: "a user with this email already exists"}
		}
		team, err := s.findOrCreateTeam(tx, in.Team)
		if err != nil {
			return err
		}
		u = User{TeamID: team.ID, Name: in.Name, Email: in.Email, Role: in.Role, DisplayName: in.DisplayName,
			Phone: in.Phone, CreatedAt: s.now()}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		if token, err = s.issueToken(tx, u.ID); err != nil {
			return err
		}
		return s.auditTx(tx, a, Audit{Action: "create", Entity: "user", EntityID: u.ID, TeamID: &u.TeamID,
			Changes: map[string]any{"role": u.Role, "team_id": u.TeamID}})
	})
	if err != nil {
		return User{}, "", wrap(err, "create user")
	}
	return u, token, nil
}

func (s *Store) findOrCreateTeam(tx *gorm.DB, name string) (Team, error) {
	var t Team
	err := tx.Where("name = ?", name).First(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		t = Team{Name: name, CreatedAt: s.now()}
		err = tx.Create(&t).Error
	}
	return t, err
}

func (s *Store) issueToken(tx *gorm.DB, userID int64) (string, error) {
	token, err := newToken()
	if err != nil {
		return "", err
	}
	return token, tx.Create(&APIToken{UserID: userID, TokenHash: HashToken(token), CreatedAt: s.now()}).Error
}

// FindUserByToken returns the user owning a live token; EUNAUTH otherwise.
func (s *Store) FindUserByToken(ctx context.Context, token string) (User, error) {
	// A subquery, not a join: on SQLite a join with a bound parameter is
	// prepared anew on every run (go-sqlite3 clears bindings, which expires
	// statements whose plan may depend on them); this form is prepared once.
	var u User
	err := s.reader(ctx).
		Where("users.id = (SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL)", HashToken(token)).
		Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, Errorf(EUNAUTH, "the token is unknown or revoked")
	}
	return u, wrap(err, "find user by token")
}

// FindUserByID returns a user.
func (s *Store) FindUserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.reader(ctx).First(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, Errorf(ENOTFOUND, "user %d not found", id)
	}
	return u, wrap(err, "find user")
}

// FindTeamByID returns a team.
func (s *Store) FindTeamByID(ctx context.Context, id int64) (Team, error) {
	var t Team
	err := s.reader(ctx).First(&t, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Team{}, Errorf(ENOTFOUND, "team %d not found", id)
	}
	return t, wrap(err, "find team")
}

// RevokeUserTokens revokes every live token of the user with that email and
// returns how many were revoked.
func (s *Store) RevokeUserTokens(ctx context.Context, email string) (int64, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, Errorf(ENOTFOUND, "no user with email %q", email)
	}
	if err != nil {
		return 0, wrap(err, "revoke tokens")
	}
	var n int64
	err = s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		return s.auditTx(tx, System, Audit{Action: "revoke_tokens", Entity: "user", EntityID: u.ID, TeamID: &u.TeamID,
			Changes: map[string]any{"revoked": n}})
	})
	return n, wrap(err, "revoke tokens")
}

// IssueTokenForEmail gives the user with that email a new token, returned once.
func (s *Store) IssueTokenForEmail(ctx context.Context, email string) (User, string, error) {
	var u User
	var token string
	err := s.write(ctx, func(tx *gorm.DB) error {
		err := tx.Where("email = ?", strings.ToLower(strings.TrimSpace(email))).First(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(ENOTFOUND, "no user with email %q", email)
		}
		if err != nil {
			return err
		}
		if token, err = s.issueToken(tx, u.ID); err != nil {
			return err
		}
		return s.auditTx(tx, System, Audit{Action: "issue_token", Entity: "user", EntityID: u.ID, TeamID: &u.TeamID})
	})
	return u, token, wrap(err, "issue token")
}
