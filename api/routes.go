package api

import (
	"net/http"

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
			DefaultStatus: status, Security: bearer}
	}
	huma.Register(api, op(http.MethodGet, "/api/v1/me", "get-me", "The caller", 200), s.getMe)
	huma.Register(api, op(http.MethodPost, "/api/v1/users", "create-user", "Create a user (admin); returns its token once", 201), s.createUser)

	huma.Register(api, op(http.MethodPost, "/api/v1/clients", "create-client", "Create a client", 201), s.createClient)
	huma.Register(api, op(http.MethodGet, "/api/v1/clients", "list-clients", "List clients in reach", 200), s.listClients)
	huma.Register(api, op(http.MethodGet, "/api/v1/clients/{id}", "get-client", "Get a client", 200), s.getClient)
	huma.Register(api, op(http.MethodPatch, "/api/v1/clients/{id}", "update-client", "Update a client", 200), s.updateClient)
	huma.Register(api, op(http.MethodGet, "/api/v1/clients/{id}/agreements", "client-agreements", "A client's agreements", 200), s.clientAgreements)

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
