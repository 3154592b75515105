package twiliofake

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// handler answers one authenticated API request; f is the FailNext fault taken
// for it, nil when there is none.
type handler func(w http.ResponseWriter, r *http.Request, f *Fault)

func (s *Server) routesMux() http.Handler {
	const messages = "/2010-04-01/Accounts/{account}/Messages"
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+messages+".json", s.api(s.createMessage))
	mux.HandleFunc("GET "+messages+".json", s.api(s.listMessages))
	mux.HandleFunc("GET "+messages+"/{file}", s.api(s.fetchMessage))
	mux.HandleFunc("GET /2010-04-01/Accounts/{file}", s.fetchAccount)
	mux.HandleFunc("GET /v1/Content/{sid}", s.fetchContent)
	mux.HandleFunc("GET /v1/Content/{sid}/ApprovalRequests", s.fetchApproval)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 20404, "")
	})
	return mux
}

// api checks Basic auth and the account in the path, applies the global delay
// and takes the next FailNext fault before calling h.
func (s *Server) api(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			writeError(w, http.StatusUnauthorized, 20003, "")
			return
		}
		if r.PathValue("account") != s.accountSID {
			writeError(w, http.StatusNotFound, 20404, "")
			return
		}
		f, ok, delay := s.takeFault()
		s.sleep(delay)
		if !ok {
			h(w, r, nil)
			return
		}
		h(w, r, &f)
	}
}

func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.accountSID)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(s.authToken)) == 1
	return userOK && passOK
}

// answerFault answers r as f says and reports whether it did. For a Drop fault
// accept is called first (it stores the message on a create request; nil
// otherwise). A fault with only a Delay answers nothing.
func (s *Server) answerFault(w http.ResponseWriter, f *Fault, accept func()) bool {
	if f == nil {
		return false
	}
	s.sleep(f.Delay)
	switch {
	case f.Drop:
		if accept != nil {
			accept()
		}
		dropConnection(w)
	case f.Status != 0 && f.RawBody != "":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.RawBody)
	case f.Status != 0:
		writeError(w, f.Status, f.Code, f.Message)
	default:
		return false
	}
	return true
}

// dropConnection closes the client connection without writing a reply.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// The server closes the connection silently on this sentinel panic.
	panic(http.ErrAbortHandler)
}

// errorMessages are Twilio's texts for the errors the fake produces itself.
var errorMessages = map[int]string{
	20003: "Authenticate",
	20404: "The requested resource was not found",
	20429: "Too Many Requests",
	21211: "Invalid 'To' Phone Number",
	21603: "A 'From' phone number is required.",
	21604: "A 'To' phone number is required.",
	21610: "Attempt to send to unsubscribed recipient",
	21617: "The concatenated message body exceeds the 1600 character limit.",
	21619: "A text message body or media urls must be specified.",
	21656: "The ContentVariables Parameter is invalid.",
	21910: "Invalid From and To pair. From and To should be of the same channel.",
	63016: "Failed to send freeform message because you are outside the allowed window.",
	63021: "Channel invalid content error.",
}

// twilioError is the JSON error body Twilio's 2010 API sends.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	if msg == "" {
		msg = errorMessages[code]
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	writeJSON(w, status, twilioError{
		Code:     code,
		Message:  msg,
		MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
		Status:   status,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fetchAccount answers GET /2010-04-01/Accounts/{sid}.json for the fake's own
// account, with Basic auth as Twilio checks it.
func (s *Server) fetchAccount(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, 20003, "")
		return
	}
	if r.PathValue("file") != s.accountSID+".json" {
		writeError(w, http.StatusNotFound, 20404, "")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"sid": s.accountSID, "status": "active", "type": "Full",
		"friendly_name": "afspraak fake", "auth_token": ""})
}
