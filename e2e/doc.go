// Package e2e holds end-to-end reliability tests of the real afspraak binary:
// it is built once, started as separate processes against a fake Twilio
// (notify/twiliofake) on 127.0.0.1, killed with SIGKILL and restarted, and
// scaled out to two processes on one PostgreSQL schema. The tests check that
// every agreement summary and reminder reaches the client exactly once.
//
// The package has no code of its own; everything is in its _test.go files.
// The tests take a minute or two and are skipped with -short:
//
//	go test ./e2e/                          # SQLite crash test
//	AFSPRAAK_TEST_POSTGRES_DSN=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	    go test ./e2e/                      # and the PostgreSQL scale-out test
package e2e
