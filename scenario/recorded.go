package scenario

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/serve/record"
)

// RecordedRequests turns a recording of real client sessions (package
// record) into the requests a replaying client sends, in the order of the
// sessions and of their statements. Each transaction a session ran is one
// request: the statements between a BEGIN and its COMMIT (a request that
// commits) or ROLLBACK (one that rolls back), or up to the session's end
// (rolled back, as the server does when a client leaves); the driver of
// the scenario begins, commits and rolls back itself. Each statement a
// session sent outside a transaction is one autocommit request.
//
// Only the simple query protocol replays (psycopg2's, psql's): a session
// that used the extended protocol, COPY FROM STDIN or a function call is
// refused, as is a BEGIN with options (an isolation level) the driver
// would not send. A query string is one statement as the client sent it,
// several statements in one string included.
func RecordedRequests(rec *record.Recording) ([]app.Request, error) {
	var out []app.Request
	for _, s := range rec.Sessions {
		reqs, err := sessionRequests(s)
		if err != nil {
			return nil, fmt.Errorf("session %d: %w", s.ID, err)
		}
		out = append(out, reqs...)
	}
	if len(out) == 0 {
		return nil, errors.New("the recording has no statements to replay")
	}
	return out, nil
}

// sessionRequests is RecordedRequests for one session.
func sessionRequests(s *record.Session) ([]app.Request, error) {
	var out []app.Request
	var txn *app.Transaction // the open transaction, if any
	end := func(rollback bool) {
		if txn != nil && len(txn.Statements) > 0 {
			txn.Rollback = rollback
			out = append(out, app.Request{Transactions: []app.Transaction{*txn}})
		}
		txn = nil
	}
	for _, m := range s.Messages {
		switch m.Type {
		case record.SSLRequest, record.GSSENCRequest, record.CancelRequest, record.StartupMessage,
			record.PasswordMessage, record.Terminate:
			continue
		case record.Query:
		default:
			return nil, fmt.Errorf("%s message: only sessions of the simple query protocol (psycopg2, psql) replay as a workload", m.Type)
		}
		switch transactionCommand(m.SQL) {
		case txnBegin:
			if txn == nil {
				txn = &app.Transaction{}
			}
		case txnCommit:
			end(false)
		case txnRollback:
			end(true)
		case txnNone:
			st := app.RecordedStatement(m.SQL)
			if txn != nil {
				txn.Statements = append(txn.Statements, st)
			} else {
				out = append(out, app.Request{Autocommit: &st})
			}
		case txnBeginOptions:
			return nil, fmt.Errorf("%q does not replay: the scenario's driver begins its transactions itself", m.SQL)
		}
	}
	end(true)
	return out, nil
}

// txnCommand is what a query string does to the session's transaction.
type txnCommand uint8

const (
	txnNone         txnCommand = iota // a statement
	txnBegin                          // BEGIN
	txnBeginOptions                   // BEGIN with options (an isolation level, READ ONLY)
	txnCommit                         // COMMIT
	txnRollback                       // ROLLBACK
)

// transactionCommand classifies a query string: a whole string that is
// only BEGIN, COMMIT or ROLLBACK, in any of their spellings (START
// TRANSACTION, END, ABORT, with WORK or TRANSACTION, AND NO CHAIN), a
// BEGIN with options, or anything else.
func transactionCommand(sql string) txnCommand {
	words := strings.Fields(strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(sql), ";")))
	if len(words) == 0 {
		return txnNone
	}
	rest := words[1:]
	if len(rest) > 0 && (rest[0] == "WORK" || rest[0] == "TRANSACTION") {
		rest = rest[1:]
	}
	plain := len(rest) == 0 || strings.Join(rest, " ") == "AND NO CHAIN"
	switch words[0] {
	case "START":
		if len(words) < 2 || words[1] != "TRANSACTION" {
			return txnNone
		}
		fallthrough
	case "BEGIN":
		if len(rest) > 0 {
			return txnBeginOptions
		}
		return txnBegin
	case "COMMIT", "END":
		if plain {
			return txnCommit
		}
	case "ROLLBACK", "ABORT":
		if plain {
			return txnRollback
		}
	}
	return txnNone
}

// loadRecorded reads the scenario's recorded workload, if it names one,
// from the path relative to the scenario file.
func (s *Scenario) loadRecorded() error {
	path := s.Workload.Recorded
	if path == "" {
		return nil
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(s.File), path)
	}
	rec, err := record.ReadFile(path)
	if err != nil {
		return err
	}
	reqs, err := RecordedRequests(rec)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	s.Workload.Replay = reqs
	return nil
}
