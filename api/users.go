package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"afspraak/models"
)

// UserResponse is a user on the wire.
type UserResponse struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	Role        string    `json:"role" enum:"worker,supervisor,admin"`
	TeamID      int64     `json:"team_id"`
	TeamName    string    `json:"team_name,omitempty"`
	DisplayName string    `json:"display_name" doc:"how clients know the user in messages"`
	Phone       string    `json:"phone,omitempty" doc:"the number clients call (E.164); absent: the office's"`
	CreatedAt   time.Time `json:"created_at"`
}

func toUserResponse(u models.User, team string) UserResponse {
	return UserResponse{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, TeamID: u.TeamID,
		TeamName: team, DisplayName: u.DisplayName, Phone: u.Phone, CreatedAt: u.CreatedAt}
}

type meOutput struct {
	Body UserResponse
}

func (s *Server) getMe(ctx context.Context, _ *struct{}) (*meOutput, error) {
	u := userFrom(ctx)
	team, err := s.store.FindTeamByID(ctx, u.TeamID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &meOutput{Body: toUserResponse(u, team.Name)}, nil
}

type createUserInput struct {
	Body struct {
		Name  string `json:"name" minLength:"1" maxLength:"200"`
		Email string `json:"email" format:"email" maxLength:"254"`
		Role  string `json:"role" enum:"worker,supervisor,admin"`
		Team  string `json:"team" minLength:"1" maxLength:"200" doc:"team name; created when new"`
		// What clients see of a worker: no surname unless chosen.
		DisplayName string `json:"display_name,omitempty" maxLength:"60" doc:"the name clients know; default the first name"`
		Phone       string `json:"phone,omitempty" maxLength:"40" doc:"the number clients call; default the office's (notify.office_phone)"`
	}
}

type createUserOutput struct {
	Body struct {
		UserResponse
		Token string `json:"token" doc:"shown once; store it safely"`
	}
}

func (s *Server) createUser(ctx context.Context, in *createUserInput) (*createUserOutput, error) {
	if userFrom(ctx).Role != models.RoleAdmin {
		return nil, huma.Error403Forbidden("only an admin can create users")
	}
	u, token, err := s.store.CreateUser(ctx, actorFrom(ctx), models.NewUser{Name: in.Body.Name, Email: in.Body.Email,
		Role: in.Body.Role, Team: in.Body.Team, DisplayName: in.Body.DisplayName, Phone: in.Body.Phone})
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &createUserOutput{}
	out.Body.UserResponse = toUserResponse(u, in.Body.Team)
	out.Body.Token = token
	return out, nil
}
