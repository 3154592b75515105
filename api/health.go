package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

func healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 when the database answers within two seconds.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.app.Ping(ctx); err != nil {
		return problem(c, fiber.StatusServiceUnavailable, "the database does not answer or cannot be written")
	}
	// Sending that fails is degraded, not down: the service still plans,
	// records and queues; messages go out once Twilio takes them.
	return c.JSON(fiber.Map{"status": "ready", "sender": s.app.SenderStatus()})
}
