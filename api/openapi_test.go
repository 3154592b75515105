package api

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIDocument: the document validates (kin-openapi on huma's 3.0
// rendering), names its server, declares the problem+json answers of every
// operation, the report's CSV, and the routes Fiber serves directly.
func TestOpenAPIDocument(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	body := e.do("GET", "/openapi-3.0.json", "", nil).must(t, 200).Body
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != publicBase {
		t.Errorf("servers %v, want %s", doc.Servers, publicBase)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			var codes []string
			for code := range op.Responses.Map() {
				codes = append(codes, code)
			}
			if strings.HasPrefix(path, "/api/") && (!slices.Contains(codes, "401") || !slices.Contains(codes, "422")) {
				t.Errorf("%s %s declares %v, not the 401 and 422 it can give", method, path, codes)
			}
			for _, code := range codes {
				if code[0] == '4' || code[0] == '5' {
					if r := op.Responses.Value(code); r.Value.Content.Get("application/problem+json") == nil {
						t.Errorf("%s %s: its %s is not problem+json", method, path, code)
					}
				}
			}
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/webhooks/twilio/status", "/webhooks/twilio/inbound"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("%s is not in the document", p)
		}
	}
	if rep := doc.Paths.Find("/api/v1/reports/follow-up"); rep == nil || rep.Get.Responses.Value("200").Value.Content.Get("text/csv") == nil {
		t.Error("the report's text/csv answer is not declared")
	}
	var v31 map[string]any
	if err := json.Unmarshal(e.do("GET", "/openapi.json", "", nil).must(t, 200).Body, &v31); err != nil || v31["openapi"] != "3.1.0" {
		t.Errorf("/openapi.json: %v %v", v31["openapi"], err)
	}
}
