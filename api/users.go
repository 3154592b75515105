package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"afspraak/models"
)

// UserResponse is a user on the wire.
type UserResponse struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Role      string    `json:"role" enum:"worker,supervisor,admin"`
	TeamID    int64     `json:"team_id"`
	TeamName  string    `json:"team_name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func toUserResponse(u models.User, team string) UserResponse {
	return UserResponse{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, TeamID: u.TeamID,
		TeamName: team, CreatedAt: u.CreatedAt}
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
		Role: in.Body.Role, Team: in.Body.Team})
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &createUserOutput{}
	out.Body.UserResponse = toUserResponse(u, in.Body.Team)
	out.Body.Token = token
	return out, nil
}
