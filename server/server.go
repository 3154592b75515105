// Package server mounts afspraak's two HTTP doors on one Fiber app: the API
// (with the middleware both share: request ids, timeouts, security headers,
// access log, metrics) and, after it, the web pages. They are peers: neither
// knows the other.
package server

import (
	"github.com/gofiber/fiber/v2"

	"afspraak/api"
	"afspraak/app"
	"afspraak/web"
)

// New returns the HTTP service of a.
func New(a *app.App) *fiber.App {
	f := api.New(a).App()
	web.New(a).Register(f)
	return f
}
