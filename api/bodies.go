package api

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// identityBody refuses compressed request bodies with 415. Fiber inflates a
// Content-Encoding body before any size check, so well under 1 MiB of gzip
// grows to gigabytes in memory; no client of this service compresses what it
// sends. Every Content-Encoding header counts: Fiber decodes by the last one.
func identityBody(c *fiber.Ctx) error {
	encoded := false
	c.Request().Header.VisitAll(func(key, value []byte) {
		v := strings.TrimSpace(string(value))
		if strings.EqualFold(string(key), fiber.HeaderContentEncoding) && v != "" && !strings.EqualFold(v, "identity") {
			encoded = true
		}
	})
	if encoded {
		return problem(c, fiber.StatusUnsupportedMediaType, "compressed request bodies are not accepted; send the body without Content-Encoding")
	}
	return c.Next()
}

// plainText reports whether s can be stored and searched for as text: valid
// UTF-8 without NUL, which PostgreSQL refuses in text values.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// textInput refuses with 400 an API request whose body is not UTF-8, or whose
// query values or Idempotency-Key are not plain text. JSON text must be UTF-8
// (RFC 8259, section 8.1) and encoding/json would turn each invalid byte into
// U+FFFD, storing text other than the text sent; the others reach queries
// and columns as they are, where PostgreSQL fails on them.
func textInput(c *fiber.Ctx) error {
	if !utf8.Valid(c.Request().Body()) {
		return problem(c, fiber.StatusBadRequest, "the request body is not valid UTF-8 JSON")
	}
	plain := plainText(c.Get("Idempotency-Key"))
	c.Request().URI().QueryArgs().VisitAll(func(key, value []byte) {
		plain = plain && plainText(string(key)) && plainText(string(value))
	})
	if !plain {
		return problem(c, fiber.StatusBadRequest, "the query string or Idempotency-Key holds bytes that are not UTF-8 text")
	}
	return c.Next()
}
