package scenario

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// Answer is one request as the server received and answered it, decoded
// from the session's wire log: the statements it carried and the result
// of each. It is the server's side of the ground truth, against which
// what the application got is compared.
type Answer struct {
	Request *fakepg.Request
	// Sender is the one task that wrote the request's bytes; nil when
	// several did (then the request is nobody's).
	Sender *sim.Task
	// ReadStep is the step at which the server read the request's first
	// byte.
	ReadStep int
	// SQL is the text of each statement the request ran (a Query's string,
	// a Parse's query, or the query of the named statement a Bind used).
	SQL []string
	// Results are the statement results in the reply, in order.
	Results []StatementResult
}

// StatementResult is one statement's part of a reply.
type StatementResult struct {
	// Columns are the RowDescription's column names; nil when the
	// statement returned no rows.
	Columns []string
	// Rows are the DataRows' values in text form ("NULL" for NULL).
	Rows [][]string
	// Tag is the CommandComplete tag ("SELECT 3", "UPDATE 1").
	Tag string
	// Err is the ErrorResponse's message and Code its SQLSTATE, if the
	// statement failed.
	Err, Code string
}

// RowCount is the tag's row count, -1 without one.
func (r StatementResult) RowCount() int {
	i := strings.LastIndexByte(r.Tag, ' ')
	if i < 0 {
		return -1
	}
	n, err := strconv.Atoi(r.Tag[i+1:])
	if err != nil {
		return -1
	}
	return n
}

// rowDesc is a RowDescription's columns: what an extended-query
// execution of a described statement returns without a RowDescription of
// its own.
type rowDesc struct {
	names []string
	oids  []uint32
}

// sessionState is what the decoding of a session's requests carries from
// one request to the next: named statements' queries and descriptions,
// and the last Bind's result formats.
type sessionState struct {
	query   map[string]string   // lookup only
	desc    map[string]*rowDesc // lookup only; nil: no data
	formats []int16
}

// answers decodes every request of the server's truth.
func answers(db *app.Database) []*Answer {
	var out []*Answer
	sessions := map[*fakepg.SessionTruth]*sessionState{} // lookup only
	for _, req := range db.Server.Truth().Requests {
		wire := db.Wire(req.Session.Inbound)
		if wire == nil || len(req.Messages) == 0 {
			continue
		}
		a := &Answer{Request: req, ReadStep: wire.ReadStep(req.Messages[0].Off)}
		if s := req.Senders(); len(s) == 1 {
			a.Sender = s[0]
		}
		ss := sessions[req.Session]
		if ss == nil {
			ss = &sessionState{query: map[string]string{}, desc: map[string]*rowDesc{}}
			sessions[req.Session] = ss
		}
		described, bound := "", ""
		hasDescribe, hasBind := false, false
		for _, m := range req.Messages {
			if m.Fail != "" || m.Off+int64(m.Len) > int64(len(wire.In)) || m.Len < 5 {
				continue
			}
			body := wire.In[m.Off+5 : m.Off+int64(m.Len)]
			switch m.Type {
			case 'Q':
				a.SQL = append(a.SQL, cstring(body))
			case 'P':
				name, rest := cut(body)
				q, _ := cut(rest)
				ss.query[name] = q
				if name == "" {
					a.SQL = append(a.SQL, q)
				}
			case 'D':
				if len(body) > 0 && body[0] == 'S' {
					described, hasDescribe = cstring(body[1:]), true
				}
			case 'B':
				_, rest := cut(body)
				stmt, rest := cut(rest)
				if stmt != "" {
					a.SQL = append(a.SQL, ss.query[stmt])
				}
				bound, hasBind = stmt, true
				ss.formats = resultFormats(rest)
			}
		}
		if req.ReplyEnd <= int64(len(wire.Out)) && req.ReplyOff <= req.ReplyEnd {
			var initial *rowDesc
			if hasBind {
				initial = ss.desc[bound]
			}
			var last *rowDesc
			a.Results, last = decodeReply(wire.Out[req.ReplyOff:req.ReplyEnd], ss.formats, initial)
			if hasDescribe {
				ss.desc[described] = last
			}
		}
		out = append(out, a)
	}
	return out
}

// cstring returns b up to its first NUL.
func cstring(b []byte) string {
	s, _ := cut(b)
	return s
}

// cut splits b at its first NUL.
func cut(b []byte) (string, []byte) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return string(b), nil
	}
	return string(b[:i]), b[i+1:]
}

// resultFormats reads the result-format codes at the end of a Bind body
// that starts after the statement name.
func resultFormats(b []byte) []int16 {
	rd := reader{b: b}
	n := rd.int16()
	for range n {
		rd.int16()
	}
	for range rd.int16() {
		if l := rd.int32(); l > 0 {
			rd.bytes(int(l))
		}
	}
	var out []int16
	for range rd.int16() {
		out = append(out, rd.int16())
	}
	if rd.bad {
		return nil
	}
	return out
}

// decodeReply decodes the backend messages of a reply into statement
// results; formats are the result-format codes the request's Bind asked
// for (none: text), initial the description of the statement it
// executes (rows of an extended-query execution come without a
// RowDescription). It also returns the last RowDescription in the reply
// (nil when none, or after a NoData).
func decodeReply(b []byte, formats []int16, initial *rowDesc) ([]StatementResult, *rowDesc) {
	var out []StatementResult
	var cur *StatementResult
	var oids []uint32
	var last *rowDesc
	open := func() *StatementResult {
		if cur == nil {
			out = append(out, StatementResult{})
			cur = &out[len(out)-1]
			if initial != nil {
				cur.Columns = slices.Clone(initial.names)
				oids = slices.Clone(initial.oids)
			}
		}
		return cur
	}
	for len(b) >= 5 {
		typ := b[0]
		n := int(binary.BigEndian.Uint32(b[1:5]))
		if n < 4 || 1+n > len(b) {
			break
		}
		body := b[5 : 1+n]
		b = b[1+n:]
		rd := reader{b: body}
		switch typ {
		case 'T':
			desc := &rowDesc{names: []string{}}
			for range rd.int16() {
				desc.names = append(desc.names, rd.cstring())
				rd.int32() // table oid
				rd.int16() // attribute number
				desc.oids = append(desc.oids, uint32(rd.int32()))
				rd.int16() // type size
				rd.int32() // type modifier
				rd.int16() // format
			}
			last = desc
			if initial == nil || cur != nil {
				r := open()
				r.Columns, oids = desc.names, desc.oids
			} else {
				// a Describe of the portal: this execution's own description
				initial = desc
			}
		case 'n':
			last = nil
		case 'D':
			r := open()
			var row []string
			for i := range int(rd.int16()) {
				l := rd.int32()
				if l < 0 {
					row = append(row, "NULL")
					continue
				}
				v := rd.bytes(int(l))
				row = append(row, valueText(v, column(oids, i), format(formats, i)))
			}
			r.Rows = append(r.Rows, row)
		case 'C':
			open().Tag = rd.cstring()
			cur = nil
		case 'I':
			open()
			cur = nil
		case 'E':
			r := open()
			for {
				code := rd.byte()
				if code == 0 || rd.bad {
					break
				}
				v := rd.cstring()
				switch code {
				case 'M':
					r.Err = v
				case 'C':
					r.Code = v
				}
			}
			cur = nil
		}
	}
	return out, last
}

func column(oids []uint32, i int) uint32 {
	if i < len(oids) {
		return oids[i]
	}
	return 0
}

// format is the result format of column i as Bind's rules give it: none
// means text, one applies to all, else one per column.
func format(formats []int16, i int) int16 {
	switch {
	case len(formats) == 0:
		return 0
	case len(formats) == 1:
		return formats[0]
	case i < len(formats):
		return formats[i]
	}
	return 0
}

// valueText renders a DataRow value in text form.
func valueText(v []byte, oid uint32, format int16) string {
	if format != 1 {
		return string(v)
	}
	switch {
	case oid == 20 && len(v) == 8: // int8
		return strconv.FormatInt(int64(binary.BigEndian.Uint64(v)), 10)
	case oid == 23 && len(v) == 4: // int4
		return strconv.FormatInt(int64(int32(binary.BigEndian.Uint32(v))), 10)
	case oid == 21 && len(v) == 2: // int2
		return strconv.FormatInt(int64(int16(binary.BigEndian.Uint16(v))), 10)
	case oid == 16 && len(v) == 1: // bool
		if v[0] != 0 {
			return "t"
		}
		return "f"
	}
	return string(v)
}

// reader reads a message body; past its end it returns zeros and sets
// bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) take(n int) []byte {
	if n < 0 || len(r.b) < n {
		r.bad = true
		r.b = nil
		return make([]byte, max(n, 0))
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) byte() byte   { return r.take(1)[0] }
func (r *reader) int16() int16 { return int16(binary.BigEndian.Uint16(r.take(2))) }
func (r *reader) int32() int32 { return int32(binary.BigEndian.Uint32(r.take(4))) }
func (r *reader) bytes(n int) []byte {
	return r.take(n)
}
func (r *reader) cstring() string {
	i := bytes.IndexByte(r.b, 0)
	if i < 0 {
		r.bad = true
		r.b = nil
		return ""
	}
	s := string(r.b[:i])
	r.b = r.b[i+1:]
	return s
}
