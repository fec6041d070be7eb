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
	cq, err := b.cachedQuery(q.String)
	if err != nil {
		b.failSimple(parseError(err))
		return
	}
	stmts := cq.stmts
	if len(stmts) == 0 {
		b.out.put(encode(nil, &pgproto3.EmptyQueryResponse{}))
		b.sess.FinishCommand()
		b.readyForQuery()
		return
	}
	implicit := len(stmts) > 1
	for i, stmt := range stmts {
		if b.sess.InFailedBlock() && !engine.IsTransactionExit(stmt) {
			b.failSimple(engine.FailedBlockError())
			return
		}
		b.sess.StartCommand()
		if implicit {
			b.sess.BeginImplicitBlock()
		}
		plan, perr := cq.plans[i], (*engine.Error)(nil)
		if plan == nil || len(plan.ParamTypes) > 0 {
			if plan, perr = b.sess.PrepareSimple(stmt); perr == nil && cacheable(stmt) {
				cq.plans[i] = plan
			}
		}
		if perr == nil {
			perr = plan.PlanError()
		}
		if perr != nil {
			b.failSimple(perr)
			return
		}
		res, xerr := b.sess.Execute(plan, nil)
		if xerr != nil {
			if res != nil {
				b.out.put(rowDescription(res.Columns, nil))
				b.sendRows(res, nil, res.Rows)
			}
			b.failSimple(xerr)
			return
		}
		if res.Columns != nil {
			b.out.put(rowDescription(res.Columns, nil))
		}
		b.sendRows(res, nil, res.Rows)
		b.sendNotices(res)
		b.out.put(encode(nil, &pgproto3.CommandComplete{CommandTag: []byte(res.Tag)}))
		switch {
		case i == len(stmts)-1:
			if implicit {
				b.sess.EndImplicitBlock()
			}
			b.sess.FinishCommand()
		case plan.TransactionControl:
			b.sess.FinishCommand()
		}
	}
	b.readyForQuery()
}

// queryCache remembers the parse trees and plans of a session's simple
// queries by query string. It changes no behaviour: parsing and the
// planning of data statements depend only on the text and the (fixed)
// catalog, and plans are read-only. It saves their cost when a workload
// repeats its queries, as pools' workloads do.
type queryCache map[string]*cachedQuery // lookup only

// maxCachedQueries bounds a session's query cache; a full cache is
// emptied.
const maxCachedQueries = 256

type cachedQuery struct {
	stmts []sqlparse.Stmt
	plans []*engine.Plan // nil until planned successfully
}

// cachedQuery returns the parsed (and possibly planned) query.
func (b *backend) cachedQuery(text string) (*cachedQuery, error) {
	if cq, ok := b.queries[text]; ok {
		return cq, nil
	}
	stmts, err := sqlparse.Parse(text)
	if err != nil {
		return nil, err
	}
	if len(b.queries) >= maxCachedQueries {
		clear(b.queries)
	}
	cq := &cachedQuery{stmts: stmts, plans: make([]*engine.Plan, len(stmts))}
	b.queries[text] = cq
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

// sendNotices sends the warnings a statement raised.
func (b *backend) sendNotices(res *engine.Result) {
	for _, n := range res.Notices {
		b.sendError(n)
	}
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
	delete(b.stmts, "")
	delete(b.portals, "")
}

// rowDescription encodes a RowDescription; formats holds the result
// format codes (nil: all text).
func rowDescription(cols []engine.ResultColumn, formats []int16) []byte {
	rd := pgproto3.RowDescription{Fields: make([]pgproto3.FieldDescription, len(cols))}
	for i, c := range cols {
		rd.Fields[i] = pgproto3.FieldDescription{
			Name: []byte(c.Name), TableOID: c.TableOID, TableAttributeNumber: uint16(c.AttNum),
			DataTypeOID: c.Type.OID, DataTypeSize: c.Type.Len, TypeModifier: -1, Format: formatOf(formats, i),
		}
	}
	return encode(nil, &rd)
}

// formatOf returns the format code of column i: one code applies to all
// columns, otherwise one per column.
func formatOf(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return 0
	case 1:
		return formats[0]
	}
	return formats[i]
}

// sendRows sends DataRows in the result formats.
func (b *backend) sendRows(res *engine.Result, formats []int16, rows [][]engine.Value) {
	var buf []byte
	for _, row := range rows {
		dr := pgproto3.DataRow{Values: make([][]byte, len(row))}
		for i, v := range row {
			t := res.Columns[i].Type
			if formatOf(formats, i) == 1 {
				dr.Values[i] = engine.EncodeBinary(t, v)
				continue
			}
			if s, ok := engine.FormatText(t, v); ok {
				dr.Values[i] = append([]byte{}, s...) // non-nil: empty is not NULL
			}
		}
		buf = encode(buf[:0], &dr)
		b.out.put(buf)
	}
}
