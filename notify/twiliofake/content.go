package twiliofake

import (
	"net/http"
)

// Content is a content template the fake knows, as Twilio's Content API
// returns it.
type Content struct {
	SID          string
	FriendlyName string
	Language     string
	Variables    map[string]string
	Types        map[string]any
	// WhatsApp is its WhatsApp approval status (approved, pending,
	// rejected …); "" when it was never submitted.
	WhatsApp  string
	Rejection string
}

// AddContent makes a content template known, for GET /v1/Content/{sid} and
// its ApprovalRequests.
func (s *Server) AddContent(c Content) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.contents == nil {
		s.contents = map[string]Content{}
	}
	s.contents[c.SID] = c
}

func (s *Server) content(r *http.Request) (Content, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.contents[r.PathValue("sid")]
	return c, ok
}

// fetchContent answers GET /v1/Content/{sid}.
func (s *Server) fetchContent(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, 20003, "")
		return
	}
	c, ok := s.content(r)
	if !ok {
		writeError(w, http.StatusNotFound, 20404, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sid": c.SID, "account_sid": s.accountSID, "friendly_name": c.FriendlyName,
		"language": c.Language, "variables": c.Variables, "types": c.Types,
		"url": "https://content.twilio.com/v1/Content/" + c.SID})
}

// fetchApproval answers GET /v1/Content/{sid}/ApprovalRequests.
func (s *Server) fetchApproval(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, 20003, "")
		return
	}
	c, ok := s.content(r)
	if !ok {
		writeError(w, http.StatusNotFound, 20404, "")
		return
	}
	wa := map[string]any{}
	if c.WhatsApp != "" {
		wa = map[string]any{"name": c.FriendlyName, "category": "UTILITY", "status": c.WhatsApp,
			"rejection_reason": c.Rejection, "type": "whatsapp"}
	}
	writeJSON(w, http.StatusOK, map[string]any{"sid": c.SID, "account_sid": s.accountSID, "whatsapp": wa,
		"url": "https://content.twilio.com/v1/Content/" + c.SID + "/ApprovalRequests"})
}
