package models

import "gorm.io/gorm"

// Actor is the user on whose behalf the store acts; it decides what is in reach.
type Actor struct {
	UserID int64
	TeamID int64
	Role   string
}

// ActorFor returns the actor for a user.
func ActorFor(u User) Actor {
	return Actor{UserID: u.ID, TeamID: u.TeamID, Role: u.Role}
}

// scopeClients limits a query on clients to the actor's reach: a worker its own
// caseload, a supervisor its team, an admin everything.
func scopeClients(tx *gorm.DB, a Actor) *gorm.DB {
	switch a.Role {
	case RoleAdmin:
		return tx
	case RoleSupervisor:
		return tx.Where("clients.team_id = ?", a.TeamID)
	case RoleWorker:
		return tx.Where("clients.worker_id = ?", a.UserID)
	default:
		return tx.Where("1 = 0")
	}
}

// reaches is scopeClients for one client already loaded: the two must agree.
func (a Actor) reaches(clientWorkerID, clientTeamID int64) bool {
	switch a.Role {
	case RoleAdmin:
		return true
	case RoleSupervisor:
		return clientTeamID == a.TeamID
	case RoleWorker:
		return clientWorkerID == a.UserID
	default:
		return false
	}
}

// canAssignTo reports whether the actor may give a client to worker w.
func (a Actor) canAssignTo(w User) bool {
	if w.Role != RoleWorker {
		return false
	}
	switch a.Role {
	case RoleAdmin:
		return true
	case RoleSupervisor:
		return w.TeamID == a.TeamID
	default:
		return w.ID == a.UserID
	}
}

// Page is limit/offset pagination.
type Page struct {
	Limit  int
	Offset int
}

// normalise applies the default and maximum page size.
func (p Page) normalise() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > 200 {
		p.Limit = 200
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
