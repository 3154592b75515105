package api

import (
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"
)

var bearer = []map[string][]string{{"bearer": {}}}

// routes lists every route of the service.
func (s *Server) routes(app *fiber.App, api huma.API) {
	app.Get("/healthz", healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metrics.handler())
	app.Post("/webhooks/twilio/status", s.twilioStatus)
	app.Post("/webhooks/twilio/inbound", s.twilioInbound)
	app.Use("/api", s.authenticate, textInput)
	app.Use("/api/v1/reports", csvQuery)

	op := func(method, path, id, summary string, status int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary,
			DefaultStatus: status, Security: bearer, Errors: errorStatuses(method, path)}
	}
	huma.Register(api, op(http.MethodGet, "/api/v1/me", "get-me", "The caller", 200), s.getMe)
	huma.Register(api, op(http.MethodPost, "/api/v1/users", "create-user", "Create a user (admin); returns its token once", 201), s.createUser)

	huma.Register(api, op(http.MethodPost, "/api/v1/clients", "create-client", "Create a client", 201), s.createClient)
	huma.Register(api, op(http.MethodGet, "/api/v1/clients", "list-clients", "List clients in reach", 200), s.listClients)
	huma.Register(api, op(http.MethodGet, "/api/v1/clients/{id}", "get-client", "Get a client", 200), s.getClient)
	huma.Register(api, op(http.MethodPatch, "/api/v1/clients/{id}", "update-client", "Update a client", 200), s.updateClient)
	huma.Register(api, op(http.MethodGet, "/api/v1/clients/{id}/agreements", "client-agreements", "A client's agreements", 200), s.clientAgreements)
	huma.Register(api, op(http.MethodPost, "/api/v1/clients/{id}/number-check", "start-number-check", "Ask the client again to confirm the number", 200), s.startNumberCheck)
	huma.Register(api, op(http.MethodGet, "/api/v1/clients/{id}/conversation", "get-conversation", "Our messages and the client's replies, oldest first", 200), s.getConversation)
	huma.Register(api, op(http.MethodPost, "/api/v1/clients/{id}/conversation/seen", "mark-conversation-seen", "The worker has seen the client's alerts", 200), s.markSeen)
	huma.Register(api, op(http.MethodPost, "/api/v1/clients/{id}/messages", "answer-client", "Answer the client (within contact hours; WhatsApp within 24 h of their last message)", 201), s.answerClient)
	huma.Register(api, op(http.MethodGet, "/api/v1/inbound/unmatched", "list-unmatched-replies", "Replies from numbers no client has (admin)", 200), s.listUnmatched)

	huma.Register(api, op(http.MethodGet, "/api/v1/agenda-templates", "list-agenda-templates", "Built-in and team agenda templates", 200), s.listAgendaTemplates)
	huma.Register(api, op(http.MethodPost, "/api/v1/agenda-templates", "create-agenda-template", "Create a team template", 201), s.createAgendaTemplate)
	huma.Register(api, op(http.MethodGet, "/api/v1/agenda-templates/{id}", "get-agenda-template", "Get a template by key or id", 200), s.getAgendaTemplate)
	huma.Register(api, op(http.MethodPut, "/api/v1/agenda-templates/{id}", "replace-agenda-template", "Replace a team template", 200), s.replaceAgendaTemplate)
	huma.Register(api, op(http.MethodDelete, "/api/v1/agenda-templates/{id}", "delete-agenda-template", "Delete a team template", 204), s.deleteAgendaTemplate)

	huma.Register(api, op(http.MethodPost, "/api/v1/sessions", "create-session", "Plan a session", 201), s.createSession)
	huma.Register(api, op(http.MethodGet, "/api/v1/sessions", "list-sessions", "List sessions", 200), s.listSessions)
	huma.Register(api, op(http.MethodGet, "/api/v1/sessions/{id}", "get-session", "A session with agenda and agreements", 200), s.getSession)
	huma.Register(api, op(http.MethodPatch, "/api/v1/sessions/{id}", "update-session", "Reschedule, change or cancel a session", 200), s.updateSession)
	huma.Register(api, op(http.MethodPost, "/api/v1/sessions/{id}/start", "start-session", "The call began", 200), s.startSession)
	huma.Register(api, op(http.MethodPost, "/api/v1/sessions/{id}/complete", "complete-session", "Complete a session", 200), s.completeSession)
	huma.Register(api, op(http.MethodGet, "/api/v1/sessions/{id}/summary-preview", "summary-preview", "The client's summary as it would be sent", 200), s.summaryPreview)
	huma.Register(api, op(http.MethodPost, "/api/v1/sessions/{id}/agenda", "add-agenda-item", "Add an agenda item", 201), s.addAgendaItem)
	huma.Register(api, op(http.MethodPatch, "/api/v1/sessions/{id}/agenda/{item_id}", "update-agenda-item", "Edit, tick off or move an agenda item", 200), s.updateAgendaItem)
	huma.Register(api, op(http.MethodDelete, "/api/v1/sessions/{id}/agenda/{item_id}", "delete-agenda-item", "Delete an agenda item", 204), s.deleteAgendaItem)
	huma.Register(api, op(http.MethodPost, "/api/v1/sessions/{id}/agreements", "create-agreement", "Record an agreement", 201), s.createAgreement)
	huma.Register(api, op(http.MethodGet, "/api/v1/clients/{id}/export", "export-client", "Everything held about a client (subject-access request)", 200), s.exportClient)
	huma.Register(api, op(http.MethodGet, "/api/v1/reports/follow-up", "follow-up-report", "Follow-up per worker; Accept: text/csv for CSV", 200), s.followUpReport)
	huma.Register(api, op(http.MethodGet, "/api/v1/audit-events", "list-audit-events", "The audit trail (supervisors: their team)", 200), s.listAuditEvents)
	huma.Register(api, op(http.MethodGet, "/api/v1/messages", "list-messages", "Messages with their status", 200), s.listMessages)
	huma.Register(api, op(http.MethodGet, "/api/v1/messages/{id}", "get-message", "A message with its status events", 200), s.getMessage)
	huma.Register(api, op(http.MethodPatch, "/api/v1/agreements/{id}", "update-agreement", "Edit or close an agreement", 200), s.updateAgreement)
}

// errorStatuses are the problem+json answers an operation can give: every
// one 401 (no or a bad token), 422 (invalid input), 429 (throttled) and 503
// (database unavailable); one that names a record 404; one with a body 400
// (not JSON); one that changes something 409 (a state that does not allow it).
func errorStatuses(method, path string) []int {
	out := []int{http.StatusUnauthorized}
	if method != http.MethodGet && method != http.MethodDelete {
		out = append(out, http.StatusBadRequest)
	}
	if strings.Contains(path, "{") || strings.HasPrefix(path, "/api/v1/reports") {
		out = append(out, http.StatusNotFound)
	}
	if method != http.MethodGet {
		out = append(out, http.StatusConflict)
	}
	return append(out, http.StatusUnprocessableEntity, http.StatusTooManyRequests, http.StatusServiceUnavailable)
}

// documentPlainRoutes adds what the OpenAPI document cannot learn from huma:
// the report's CSV answer and the routes served by Fiber directly
// (operations and Twilio's webhooks).
func documentPlainRoutes(doc *huma.OpenAPI) {
	if rep := doc.Paths["/api/v1/reports/follow-up"]; rep != nil && rep.Get != nil {
		rep.Get.Responses["200"].Content["text/csv"] = &huma.MediaType{Schema: &huma.Schema{Type: "string",
			Description: "a header row, a row per worker, then the totals; with Accept: text/csv or ?format=csv"}}
	}
	problem := map[string]*huma.MediaType{"application/problem+json": {Schema: &huma.Schema{Ref: "#/components/schemas/ErrorModel"}}}
	json := func(desc string) *huma.Response {
		return &huma.Response{Description: desc, Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Type: "object"}}}}
	}
	form := &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"application/x-www-form-urlencoded": {Schema: &huma.Schema{Type: "object", AdditionalProperties: true}}}}
	signature := &huma.Param{Name: "X-Twilio-Signature", In: "header", Required: true, Schema: &huma.Schema{Type: "string"}}
	for _, o := range []*huma.Operation{
		{OperationID: "healthz", Method: http.MethodGet, Path: "/healthz", Summary: "The process answers",
			Responses: map[string]*huma.Response{"200": json("ok")}},
		{OperationID: "readyz", Method: http.MethodGet, Path: "/readyz", Summary: "The database answers and can be written; the sender's state (ok, degraded, dry_run)",
			Responses: map[string]*huma.Response{"200": json("ready"), "503": {Description: "not ready", Content: problem}}},
		{OperationID: "metrics", Method: http.MethodGet, Path: "/metrics", Summary: "Prometheus metrics",
			Responses: map[string]*huma.Response{"200": {Description: "Prometheus text format",
				Content: map[string]*huma.MediaType{"text/plain": {Schema: &huma.Schema{Type: "string"}}}}}},
		{OperationID: "twilio-status", Method: http.MethodPost, Path: "/webhooks/twilio/status", Summary: "Twilio's message status callback (signed)",
			Parameters:  []*huma.Param{signature, {Name: "message_id", In: "query", Required: true, Schema: &huma.Schema{Type: "integer"}}},
			RequestBody: form, Responses: map[string]*huma.Response{"200": {Description: "applied"},
				"400": {Description: "not a form Twilio sends", Content: problem}, "403": {Description: "signature missing or wrong", Content: problem}}},
		{OperationID: "twilio-inbound", Method: http.MethodPost, Path: "/webhooks/twilio/inbound", Summary: "A client's message, from Twilio (signed)",
			Parameters: []*huma.Param{signature}, RequestBody: form,
			Responses: map[string]*huma.Response{"200": {Description: "empty TwiML", Content: map[string]*huma.MediaType{"text/xml": {Schema: &huma.Schema{Type: "string"}}}},
				"400": {Description: "not a form Twilio sends", Content: problem}, "403": {Description: "signature missing or wrong", Content: problem}}},
	} {
		doc.AddOperation(o)
	}
}
