package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/app"
	"afspraak/models"
)

// Cookie names.
const (
	sessionCookie = "afspraak_session"
	preCookie     = "afspraak_signin" // guards the sign-in form before a session exists
	langCookie    = "afspraak_lang"
)

// Locals keys.
const (
	localSession = "web.session"
	localError   = "web.error"
)

// signedIn is the signed-in user and its session.
type signedIn struct {
	ws   models.WebSession
	user models.User
}

// pageCSP allows the page's own style sheet and forms only: no scripts at all,
// nothing from elsewhere. It replaces the API's "default-src 'none'".
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

// headers sets the page security headers (after the API's middleware).
func (h *Handler) headers(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", pageCSP)
	c.Set("Cache-Control", "no-store")
	return c.Next()
}

// secure reports whether cookies get the Secure flag.
func (h *Handler) secure(c *fiber.Ctx) bool {
	return c.Protocol() == "https" || h.publicHTTPS()
}

func (h *Handler) setCookie(c *fiber.Ctx, name, value string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", Expires: expires, HTTPOnly: true,
		Secure: h.secure(c), SameSite: fiber.CookieSameSiteStrictMode})
}

// auth loads the session from the cookie, or sends the browser to sign in.
func (h *Handler) auth(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", pageCSP)
	c.Set("Cache-Control", "no-store")
	v := c.Cookies(sessionCookie)
	if v == "" {
		return c.Redirect("/aanmelden", fiber.StatusSeeOther)
	}
	ws, u, err := h.store.FindWebSession(c.UserContext(), v)
	if models.ErrorCode(err) == models.EUNAUTH {
		h.setCookie(c, sessionCookie, "", time.Unix(0, 0))
		return c.Redirect("/aanmelden", fiber.StatusSeeOther)
	}
	if err != nil {
		return h.fail(c, err)
	}
	c.Locals(localSession, signedIn{ws: ws, user: u})
	return c.Next()
}

// csrf checks the form's token against the session's on every POST.
func (h *Handler) csrf(c *fiber.Ctx) error {
	s := c.Locals(localSession).(signedIn)
	if !sameToken(c.FormValue("csrf"), s.ws.CSRFToken) {
		return h.forbidden(c)
	}
	return c.Next()
}

func sameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (h *Handler) forbidden(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusForbidden, "forbidden", "title.forbidden", nil)
}

// actor is the signed-in user as the store's actor.
func actor(c *fiber.Ctx) models.Actor {
	return models.ActorFor(c.Locals(localSession).(signedIn).user)
}

func (h *Handler) home(c *fiber.Ctx) error {
	if c.Cookies(sessionCookie) != "" {
		return c.Redirect("/vandaag", fiber.StatusSeeOther)
	}
	return c.Redirect("/aanmelden", fiber.StatusSeeOther)
}

// signInForm shows the token field with a fresh sign-in guard.
func (h *Handler) signInForm(c *fiber.Ctx) error {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	guard := base64.RawURLEncoding.EncodeToString(b)
	h.setCookie(c, preCookie, guard, time.Now().Add(time.Hour))
	return h.render(c, fiber.StatusOK, "signin", "title.signin", guard)
}

// signIn exchanges the personal token for a session cookie. The token itself
// is never stored or logged; a wrong one is audited like the API's.
func (h *Handler) signIn(c *fiber.Ctx) error {
	if !sameToken(c.FormValue("csrf"), c.Cookies(preCookie)) {
		return h.forbidden(c)
	}
	ctx := c.UserContext()
	u, err := h.app.SignIn(ctx, c.FormValue("token"), h.app.ClientAddr(c.Context().RemoteIP().String(), c.Get(fiber.HeaderXForwardedFor)), app.DoorWeb)
	var throttled *app.ThrottledError
	switch {
	case errors.As(err, &throttled):
		c.Locals(localError, tr(langOf(c), "signin.throttled"))
		return h.render(c, fiber.StatusTooManyRequests, "signin", "title.signin", c.Cookies(preCookie))
	case models.ErrorCode(err) == models.EUNAUTH:
		c.Locals(localError, tr(langOf(c), "signin.wrong"))
		return h.render(c, fiber.StatusUnauthorized, "signin", "title.signin", c.Cookies(preCookie))
	case err != nil:
		return h.fail(c, err)
	}
	ws, cookie, err := h.store.CreateWebSession(ctx, u.ID, h.sessionTTL)
	if err != nil {
		return h.fail(c, err)
	}
	if err := h.store.RecordAudit(ctx, models.ActorFor(u), models.Audit{Action: "login", Entity: "web_session", EntityID: ws.ID}); err != nil {
		return h.fail(c, err)
	}
	h.setCookie(c, preCookie, "", time.Unix(0, 0))
	h.setCookie(c, sessionCookie, cookie, ws.ExpiresAt)
	return c.Redirect("/vandaag", fiber.StatusSeeOther)
}

// signOut ends the session on the server and in the browser.
func (h *Handler) signOut(c *fiber.Ctx) error {
	s := c.Locals(localSession).(signedIn)
	if err := h.store.DeleteWebSession(c.UserContext(), s.ws.ID); err != nil {
		return h.fail(c, err)
	}
	h.setCookie(c, sessionCookie, "", time.Unix(0, 0))
	return c.Redirect("/aanmelden?ok=signedout", fiber.StatusSeeOther)
}

// setLanguage stores the interface language and goes back to the page the
// toggle was on (a local path only).
func (h *Handler) setLanguage(c *fiber.Ctx) error {
	lang := c.Params("lang")
	if lang != "nl" && lang != "en" {
		return h.notFound(c)
	}
	c.Cookie(&fiber.Cookie{Name: langCookie, Value: lang, Path: "/", Expires: time.Now().AddDate(1, 0, 0),
		HTTPOnly: true, Secure: h.secure(c), SameSite: fiber.CookieSameSiteLaxMode})
	return c.Redirect(localPath(c.Query("terug")), fiber.StatusSeeOther)
}

// ownPath is the shape of this interface's own addresses: a path of plain
// segments, an optional simple query and fragment. Nothing else can be read
// by a browser as another origin: no "//", no backslash, no scheme, no
// control or white-space character (browsers drop tabs and line breaks, so
// "/\t/evil.example" becomes "//evil.example"), no percent escapes.
var ownPath = regexp.MustCompile(`^/[A-Za-z0-9_\-/]*(\?[A-Za-z0-9_\-=&]*)?(#[A-Za-z0-9_\-]*)?$`)

// localPath returns back when it is one of our own paths, else "/".
func localPath(back string) string {
	if !ownPath.MatchString(back) || strings.Contains(back, "//") {
		return "/"
	}
	return back
}

// langOf is the interface language: the cookie's, Dutch by default.
func langOf(c *fiber.Ctx) string {
	if c.Cookies(langCookie) == "en" {
		return "en"
	}
	return "nl"
}
