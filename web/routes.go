package web

import "github.com/gofiber/fiber/v2"

// routes lists every route of the web interface. Signed-in pages run h.auth
// first; every POST also runs h.csrf.
func (h *Handler) routes(app *fiber.App) {
	app.Get("/static/style.css", h.style)
	app.Get("/", h.headers, h.home)
	app.Get("/aanmelden", h.headers, h.signInForm)
	app.Post("/aanmelden", h.headers, h.signIn)
	app.Get("/taal/:lang", h.headers, h.setLanguage)

	app.Post("/afmelden", h.auth, h.csrf, h.signOut)
	app.Get("/vandaag", h.auth, h.today)
	app.Get("/sessies/nieuw", h.auth, h.planForm)
	app.Post("/sessies", h.auth, h.csrf, h.plan)
	app.Get("/sessies/:id", h.auth, h.session)
	app.Post("/sessies/:id/start", h.auth, h.csrf, h.start)
	app.Post("/sessies/:id/agenda/:item", h.auth, h.csrf, h.updateItem)
	app.Post("/sessies/:id/afspraken", h.auth, h.csrf, h.addAgreement)
	app.Post("/afspraken/:id/status", h.auth, h.csrf, h.closeAgreement)
	app.Get("/sessies/:id/afronden", h.auth, h.completeForm)
	app.Post("/sessies/:id/afronden", h.auth, h.csrf, h.complete)
	app.Get("/clienten", h.auth, h.clients)
	app.Get("/clienten/:id", h.auth, h.client)
	app.Post("/clienten/:id/berichten", h.auth, h.csrf, h.answer)
	app.Post("/clienten/:id/gezien", h.auth, h.csrf, h.markSeen)
	app.Post("/clienten/:id/nummercontrole", h.auth, h.csrf, h.numberCheck)
	app.Get("/rapport", h.auth, h.report)
	app.Get("/rapport.csv", h.auth, h.reportCSV)
	app.Get("/rapport/medewerker/:id", h.auth, h.workerReport)
	app.Get("/audit", h.auth, h.audit)
}
