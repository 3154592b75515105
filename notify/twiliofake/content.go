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

// content finds the template a Content API request names, answering 401 or
// 404 itself when it cannot.
func (s *Server) content(w http.ResponseWriter, r *http.Request) (Content, bool) {
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, 20003, "")
		return Content{}, false
	}
	s.mu.Lock()
	c, ok := s.contents[r.PathValue("sid")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, 20404, "")
	}
	return c, ok
}

// fetchContent answers GET /v1/Content/{sid}.
func (s *Server) fetchContent(w http.ResponseWriter, r *http.Request) {
	c, ok := s.content(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sid": c.SID, "account_sid": s.accountSID, "friendly_name": c.FriendlyName,
		"language": c.Language, "variables": c.Variables, "types": c.Types,
		"url": "https://content.twilio.com/v1/Content/" + c.SID})
}

// fetchApproval answers GET /v1/Content/{sid}/ApprovalRequests.
func (s *Server) fetchApproval(w http.ResponseWriter, r *http.Request) {
	c, ok := s.content(w, r)
	if !ok {
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
