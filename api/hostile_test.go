package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// rawJSON is a body value written as is: bytes encoding/json would escape or
// refuse to produce (invalid UTF-8, a raw NUL, 1e309).
type rawJSON string

// expect is what a hostile request may get.
type expect int

const (
	reject   expect = iota // 4xx problem+json, database unchanged
	verbatim               // valid text: 2xx, answered exactly as sent
	noCrash                // below 500; a 4xx changes nothing
)

// hostileCase is one hostile request to a write endpoint: a valid body with one
// field replaced, or another body altogether, or other ids in the path.
type hostileCase struct {
	name   string
	op     writeOp
	leaf   string // dotted body field to replace
	value  any
	whole  []byte // the whole body, when set
	pathID string // replaces every id in the path, when set
	want   expect
	// decoder: the JSON decoder or the schema refuses it, so it never reaches
	// the database and one database is enough.
	decoder bool
}

// Hostile text: valid input wherever free text goes, to be kept as sent.
var hostileText = []string{
	"'; DROP TABLE clients; --",
	"Robert'); DROP TABLE sessions;--",
	"{{.}}",
	`{{template "x"}}`,
	`{{define "x"}}boom{{end}}{{template "x"}} {{.ClientName}} {{printf "%s" 1}}`,
	`<script>alert("x")</script> & 'quotes' %s %d %v ${jndi:ldap://x} \u0000`,
}

// TestHostilePayloads sends malformed JSON, wrong types, oversized, NUL and
// invalid UTF-8 strings, huge and negative numbers, deep nesting and SQL and
// template syntax to every write endpoint: never a 5xx, every 4xx a problem
// that leaves the database as it was, and valid text answered verbatim.
func TestHostilePayloads(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) { hostilePayloads(t, driver) })
	}
}

func hostilePayloads(t *testing.T, driver string) {
	e := newTestEnv(t, driver)
	fx := newWriteFixture(t, e)
	state := e.Dump(t)
	for _, c := range hostileCases() {
		if c.decoder && driver != models.DriverSQLite {
			continue
		}
		t.Run(c.op.name+"/"+c.name, func(t *testing.T) {
			e := e.withT(t)
			path, body := c.request(fx)
			r := e.do(c.op.method, path, c.op.token(fx), body)
			checkAnswer(t, "", r)
			if r.Status < 300 {
				defer func() {
					if closingOps[c.op.name] {
						fx.refresh(t, e)
					}
					state = e.Dump(t)
				}()
			}
			switch {
			case c.want == reject && r.Status < 400:
				t.Fatalf("status %d, want 4xx: %s", r.Status, r.Body)
			case c.want == verbatim && r.Status >= 300:
				t.Fatalf("valid text refused: status %d: %s", r.Status, r.Body)
			case c.want == verbatim:
				if got := jsonPath(r.json(t), answerField(c.leaf)); got != c.value {
					t.Fatalf("%s answered as %q, sent %q", c.leaf, got, c.value)
				}
			case r.Status >= 400:
				if after := e.Dump(t); after != state {
					state = after
					t.Fatalf("status %d but the database changed", r.Status)
				}
			}
		})
	}
	if n := e.RowCounts(t)["clients"]; n < 1 {
		t.Fatalf("clients table has %d rows", n)
	}
}

// request builds the path and body of a case for the current fixture.
func (c hostileCase) request(fx *writeFixture) (string, []byte) {
	path := c.op.path(fx)
	if c.pathID != "" {
		const sentinel = 987654321
		s := writeFixture{client: sentinel, template: sentinel, session: sentinel, item: sentinel, agreement: sentinel}
		path = strings.ReplaceAll(c.op.path(&s), strconv.Itoa(sentinel), c.pathID)
	}
	if c.whole != nil {
		return path, c.whole
	}
	body := c.op.body(fx)
	if raw, ok := c.value.(rawJSON); ok {
		const placeholder = "@@raw@@"
		data := encode(setLeaf(body, c.leaf, placeholder))
		return path, bytes.Replace(data, []byte(`"`+placeholder+`"`), []byte(raw), 1)
	}
	if c.leaf != "" {
		body = setLeaf(body, c.leaf, c.value)
	}
	return path, encode(body)
}

func encode(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

// setLeaf sets the dotted field of m (list elements by index) and returns m.
func setLeaf(m map[string]any, leaf string, v any) map[string]any {
	var cur any = m
	parts := strings.Split(leaf, ".")
	for i, p := range parts {
		last := i == len(parts)-1
		switch node := cur.(type) {
		case map[string]any:
			if last {
				node[p] = v
			}
			cur = node[p]
		case []any:
			n, _ := strconv.Atoi(p)
			if last {
				node[n] = v
			}
			cur = node[n]
		}
	}
	return m
}

// jsonPath reads a dotted field of a decoded answer.
func jsonPath(m map[string]any, path string) any {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		switch node := cur.(type) {
		case map[string]any:
			cur = node[p]
		case []any:
			n, _ := strconv.Atoi(p)
			if n >= len(node) {
				return nil
			}
			cur = node[n]
		default:
			return nil
		}
	}
	return cur
}

// answerField names a request field in the answer.
func answerField(leaf string) string {
	if leaf == "team" {
		return "team_name"
	}
	return leaf
}

// leaves lists the dotted fields of a body, containers included.
func leaves(prefix string, v any) map[string]any {
	out := map[string]any{}
	switch node := v.(type) {
	case map[string]any:
		for k, child := range node {
			p := strings.TrimPrefix(prefix+"."+k, ".")
			out[p] = child
			for lp, lv := range leaves(p, child) {
				out[lp] = lv
			}
		}
	case []any:
		if len(node) > 0 {
			p := prefix + ".0"
			out[p] = node[0]
			for lp, lv := range leaves(p, node[0]) {
				out[lp] = lv
			}
		}
	}
	return out
}

func deep(open, close string, n int) []byte {
	return []byte(strings.Repeat(open, n) + "1" + strings.Repeat(close, n))
}

// hostileCases crosses every write endpoint with every kind of bad input.
func hostileCases() []hostileCase {
	var cases []hostileCase
	for _, op := range writeOps {
		add := func(name string, c hostileCase) {
			c.name, c.op = name, op
			cases = append(cases, c)
		}
		body := op.body(&writeFixture{})
		all := leaves("", body)
		names := make([]string, 0, len(all))
		for k := range all {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, leaf := range names {
			for name, c := range leafMutations(op, leaf, all[leaf]) {
				c.leaf = leaf
				add(leaf+"="+name, c)
			}
		}
		valid := encode(body)
		open := valid[:len(valid)-1]
		wholes := map[string][]byte{
			"malformed":             []byte(`{"name":`),
			"truncated":             open,
			"array":                 []byte(`[1,2]`),
			"string":                []byte(`"{}"`),
			"number":                []byte(`42`),
			"deep array":            deep("[", "]", 100000),
			"deep object":           deep(`{"a":`, "}", 20000),
			"raw nul byte":          []byte("{\"zz\":\"a\x00b\"}"),
			"invalid utf-8 outside": []byte("{\xff}"),
			"bom":                   append([]byte("\xef\xbb\xbf"), valid...),
			"unknown field":         fmt.Appendf(nil, `%s,"zz":1}`, open),
			"deep unknown field":    fmt.Appendf(nil, `%s,"zz":%s}`, open, deep("[", "]", 5000)),
		}
		for name, w := range wholes {
			add(name, hostileCase{whole: w, decoder: true})
		}
		for name, w := range map[string][]byte{"empty": {}, "null": []byte("null"), "{}": []byte("{}")} {
			add("body "+name, hostileCase{whole: w, want: noCrash})
		}
		if strings.Contains(op.path(&writeFixture{client: 1, session: 1, item: 1, agreement: 1, template: 1}), "/1") {
			for _, id := range []string{"-1", "0", "99999999999999999999", "9223372036854775807", "abc", "1e3"} {
				add("path id "+id, hostileCase{pathID: id})
			}
		}
	}
	return cases
}

// leafMutations are the bad values for one field, by the kind of its value.
func leafMutations(op writeOp, leaf string, v any) map[string]hostileCase {
	m := map[string]hostileCase{}
	dec := func(v any) hostileCase { return hostileCase{value: v, decoder: true} }
	switch v.(type) {
	case string:
		free := false
		for _, f := range op.freeText {
			free = free || f == leaf
		}
		for i, s := range hostileText {
			switch {
			case free:
				m[fmt.Sprintf("hostile text %d", i)] = hostileCase{value: s, want: verbatim}
			case i%2 == 0: // a sample is enough where no free text goes
				m[fmt.Sprintf("hostile text %d", i)] = hostileCase{value: s}
			}
		}
		m["number"], m["object"] = dec(12345), dec(map[string]any{"x": 1})
		m["oversized"] = hostileCase{value: strings.Repeat("é", 20001)}
		m["escaped nul"] = hostileCase{value: "a\x00b"}
		m["raw nul"] = dec(rawJSON("\"a\x00b\""))
		m["invalid utf-8"] = dec(rawJSON("\"a\xffb\""))
		// encoding/json reads a lone surrogate as U+FFFD, as RFC 8259 allows.
		m["lone surrogate"] = hostileCase{value: rawJSON(`"a\ud800b"`), want: noCrash}
		m["blank"] = hostileCase{value: "   ", want: noCrash}
	case int, int64:
		m["negative"] = hostileCase{value: -1}
		m["1e309"], m["huge"] = dec(rawJSON("1e309")), dec(rawJSON("99999999999999999999"))
		m["fraction"], m["string"] = dec(1.5), dec("5")
	case bool:
		m["string"], m["number"] = dec("true"), dec(1)
	case map[string]any:
		m["string"], m["list"] = dec("yes"), dec([]any{true})
	case []any:
		m["string"], m["object"] = dec("x"), dec(map[string]any{})
		m["deep"] = dec(rawJSON(deep("[", "]", 5000)))
	}
	return m
}
