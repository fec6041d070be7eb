package fakepg

import (
	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// simpleQuery runs a Query message like exec_simple_query: the string is
// parsed whole; its statements run in one implicit transaction when there
// are several; the first error aborts the rest; ReadyForQuery ends it.
func (b *backend) simpleQuery(body []byte) {
	if b.ignoreTillSync {
		return
	}
	q, derr := decodeQuery(body)
	if derr != nil {
		b.failSimple(derr)
		return
	}
	b.dropUnnamed()
	cq, err := b.cachedQuery(q)
	if err != nil {
		b.failSimple(parseError(err))
		return
	}
	stmts := cq.stmts
	if len(stmts) == 0 {
		b.send(&pgproto3.EmptyQueryResponse{})
		b.sess.FinishCommand()
		b.readyForQuery()
		return
	}
	implicit := len(stmts) > 1
	for i, stmt := range stmts {
		res, planned, err := b.sess.RunSimple(stmt, cq.plans[i], implicit, i == len(stmts)-1)
		if planned != nil && cacheable(stmt) {
			cq.plans[i] = planned
		}
		if err != nil {
			if res != nil {
				b.sendSimpleResult(res)
			}
			b.sendError(err) // the command is already aborted
			b.readyForQuery()
			return
		}
		b.sendSimpleResult(res)
		b.sendCommandComplete(res.Tag)
	}
	b.readyForQuery()
}

// queryCache remembers the parse trees and plans of a session's simple
// queries by query string. It changes no behaviour: parsing depends only
// on the text, plans are read-only, and a plan made before the catalog or
// the search path changed is made again before it runs (as PostgreSQL
// analyses every simple query afresh). It saves their cost when a workload
// repeats its queries, as pools' workloads do.
type queryCache map[string]*cachedQuery // lookup only

// maxCachedQueries bounds a session's query cache; a full cache is
// emptied.
const maxCachedQueries = 256

type cachedQuery struct {
	stmts []sqlparse.Stmt
	plans []*engine.Plan // nil until planned successfully
	one   [1]*engine.Plan
}

// cachedQuery returns the parsed (and possibly planned) query whose text
// is text. Looking it up does not copy text; a query parsed for the first
// time is keyed by the server's copy of its text.
func (b *backend) cachedQuery(text []byte) (*cachedQuery, error) {
	if cq, ok := b.queries[string(text)]; ok {
		return cq, nil
	}
	key, stmts, err := b.srv.cfg.ParseCache.parseBytes(text)
	if err != nil {
		return nil, err
	}
	if len(b.queries) >= maxCachedQueries {
		clear(b.queries)
	}
	cq := &cachedQuery{stmts: stmts}
	if cq.plans = cq.one[:]; len(stmts) != 1 {
		cq.plans = make([]*engine.Plan, len(stmts))
	}
	b.queries[key] = cq
	return cq, nil
}

// cacheable reports whether a statement's plan may be reused: data
// statements, whose analysis depends only on the catalog.
func cacheable(stmt sqlparse.Stmt) bool {
	switch stmt.(type) {
	case *sqlparse.SelectStmt, *sqlparse.InsertStmt, *sqlparse.UpdateStmt, *sqlparse.DeleteStmt:
		return true
	}
	return false
}

// failSimple reports an error in a simple query: ErrorResponse, abort,
// ReadyForQuery.
func (b *backend) failSimple(e *engine.Error) {
	b.sendError(e)
	b.sess.AbortCommand()
	b.readyForQuery()
}

// parseError converts a parser error into an ErrorResponse.
func parseError(err error) *engine.Error {
	if pe, ok := err.(*sqlparse.Error); ok {
		return &engine.Error{Severity: "ERROR", Code: pe.Code, Message: pe.Message, Position: pe.Position}
	}
	return &engine.Error{Severity: "ERROR", Code: engine.SyntaxError, Message: err.Error()}
}

// dropUnnamed drops the unnamed statement and portal, as a simple query
// does.
func (b *backend) dropUnnamed() {
	b.unnamed = nil
	delete(b.portals, "")
}
