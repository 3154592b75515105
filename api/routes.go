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
	app.Use("/api", s.authenticate)

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
}
