package fakepg

import (
	"fmt"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// prepared is a prepared statement; plan is nil for an empty query.
type prepared struct {
	plan *engine.Plan
}

// portal is a bound statement, possibly partly fetched.
type portal struct {
	stmt    *prepared
	params  []engine.Value
	formats []int16 // result format codes
	ran     bool
	done    bool // a statement without rows ran; running it again fails
	res     *engine.Result
	next    int // rows already sent
}

// extended handles one extended-query message. After an error the
// backend skips everything up to Sync.
func (b *backend) extended(m frontendMessage) {
	if m.typ == 'S' {
		b.sync(m.body)
		return
	}
	if b.ignoreTillSync {
		return
	}
	var err *engine.Error
	switch m.typ {
	case 'P':
		err = b.parse(m.body)
	case 'B':
		err = b.bind(m.body)
	case 'D':
		err = b.describe(m.body)
	case 'E':
		err = b.execute(m.body)
	case 'C':
		err = b.closeMessage(m.body)
	case 'H':
		if len(m.body) != 0 {
			err = protocolError("invalid message format")
		} else {
			b.out.flush()
		}
	}
	if err != nil {
		b.sendError(err)
		b.sess.AbortCommand()
		b.ignoreTillSync = true
	}
}

// sync ends an extended-query batch: the implicit transaction commits and
// ReadyForQuery follows.
func (b *backend) sync(body []byte) {
	b.ignoreTillSync = false
	if len(body) != 0 {
		b.sendError(protocolError("invalid message format"))
		b.sess.AbortCommand()
	}
	b.sess.FinishCommand()
	b.readyForQuery()
}

// dropPortals drops every portal: portals live until their transaction
// ends.
func (b *backend) dropPortals() {
	clear(b.portals)
}

func (b *backend) parse(body []byte) *engine.Error {
	msg, derr := decodeParse(body)
	if derr != nil {
		return derr
	}
	if msg.name == "" {
		delete(b.stmts, "") // replaced even when the new one fails
	}
	cq, err := b.cachedQuery(msg.query)
	if err != nil {
		return parseError(err)
	}
	stmts := cq.stmts
	if len(stmts) > 1 {
		return &engine.Error{Severity: "ERROR", Code: engine.SyntaxError, Message: "cannot insert multiple commands into a prepared statement"}
	}
	ps := &prepared{}
	if len(stmts) == 1 {
		if b.sess.InFailedBlock() && !engine.IsTransactionExit(stmts[0]) {
			return engine.FailedBlockError()
		}
		b.sess.StartCommand()
		// plans for unspecified parameter types are shared with the simple
		// protocol's cache; declared types make a plan of its own
		plan := cq.plans[0]
		if plan == nil || len(msg.parameterOIDs) > 0 {
			var perr *engine.Error
			if plan, perr = b.sess.Prepare(stmts[0], msg.parameterOIDs); perr != nil {
				return perr
			}
			if len(msg.parameterOIDs) == 0 && cacheable(stmts[0]) {
				cq.plans[0] = plan
			}
		}
		ps.plan = plan
	}
	if msg.name != "" {
		if _, exists := b.stmts[msg.name]; exists {
			return &engine.Error{Severity: "ERROR", Code: engine.DuplicatePreparedStatement,
				Message: fmt.Sprintf("prepared statement \"%s\" already exists", msg.name)}
		}
	}
	b.stmts[msg.name] = ps
	b.send(&pgproto3.ParseComplete{})
	return nil
}

// lookupStatement finds a prepared statement with PostgreSQL's errors.
func (b *backend) lookupStatement(name string) (*prepared, *engine.Error) {
	ps, ok := b.stmts[name]
	if ok {
		return ps, nil
	}
	msg := fmt.Sprintf("prepared statement \"%s\" does not exist", name)
	if name == "" {
		msg = "unnamed prepared statement does not exist"
	}
	return nil, &engine.Error{Severity: "ERROR", Code: engine.InvalidSQLStatementName, Message: msg}
}

func (b *backend) bind(body []byte) *engine.Error {
	msg, derr := decodeBind(body)
	if derr != nil {
		return derr
	}
	ps, err := b.lookupStatement(msg.PreparedStatement)
	if err != nil {
		return err
	}
	nParams := len(msg.Parameters)
	if n := len(msg.ParameterFormatCodes); n > 1 && n != nParams {
		return protocolError(fmt.Sprintf("bind message has %d parameter formats but %d parameters", n, nParams))
	}
	var want []engine.Type
	var cols int
	if ps.plan != nil {
		want, cols = ps.plan.ParamTypes, len(ps.plan.Columns)
	}
	if nParams != len(want) {
		return protocolError(fmt.Sprintf("bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
			nParams, msg.PreparedStatement, len(want)))
	}
	if b.sess.InFailedBlock() && (ps.plan == nil || !ps.plan.Exit()) {
		return engine.FailedBlockError()
	}
	if msg.DestinationPortal != "" {
		if _, exists := b.portals[msg.DestinationPortal]; exists {
			return &engine.Error{Severity: "ERROR", Code: engine.DuplicateCursor,
				Message: fmt.Sprintf("cursor \"%s\" already exists", msg.DestinationPortal)}
		}
	}
	b.sess.StartCommand()
	if ps.plan != nil {
		plan, err := b.sess.Revalidate(ps.plan)
		if err != nil {
			return err
		}
		ps.plan = plan
	}
	params := make([]engine.Value, nParams)
	for i, raw := range msg.Parameters {
		if raw == nil {
			continue
		}
		var v engine.Value
		var perr error
		if formatOf(msg.ParameterFormatCodes, i) == 1 {
			v, perr = engine.ParseBinary(want[i], raw)
		} else {
			v, perr = engine.ParseText(want[i], string(raw))
		}
		if perr != nil {
			e := perr.(*engine.Error)
			e.Where = fmt.Sprintf("%s parameter $%d = '...'", portalName(msg.DestinationPortal), i+1)
			return e
		}
		params[i] = v
	}
	if n := len(msg.ResultFormatCodes); n > 1 && cols > 0 && n != cols {
		return protocolError(fmt.Sprintf("bind message has %d result formats but query has %d columns", n, cols))
	}
	for _, f := range msg.ResultFormatCodes {
		if f != 0 && f != 1 {
			return &engine.Error{Severity: "ERROR", Code: engine.InvalidParameterValue, Message: fmt.Sprintf("unsupported format code: %d", f)}
		}
	}
	if ps.plan != nil {
		if err := ps.plan.PlanError(); err != nil {
			return err
		}
	}
	b.portals[msg.DestinationPortal] = &portal{stmt: ps, params: params, formats: msg.ResultFormatCodes}
	b.send(&pgproto3.BindComplete{})
	return nil
}

// portalName renders a portal for error contexts.
func portalName(name string) string {
	if name == "" {
		return "unnamed portal"
	}
	return fmt.Sprintf("portal \"%s\"", name)
}

func (b *backend) describe(body []byte) *engine.Error {
	kind, name, derr := decodeTarget(body)
	if derr != nil {
		return derr
	}
	msg := pgproto3.Describe{ObjectType: kind, Name: name}
	switch msg.ObjectType {
	case 'S':
		ps, err := b.lookupStatement(msg.Name)
		if err != nil {
			return err
		}
		var oids []uint32
		plan := ps.plan
		if b.sess.InFailedBlock() && plan != nil && plan.Columns != nil {
			return engine.FailedBlockError()
		}
		if plan != nil {
			for _, t := range plan.ParamTypes {
				oids = append(oids, t.OID)
			}
		}
		b.send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		if plan != nil && plan.Columns != nil {
			b.sendRowDescription(plan.Columns, nil)
		} else {
			b.send(&pgproto3.NoData{})
		}
	case 'P':
		p, ok := b.portals[msg.Name]
		if !ok {
			return &engine.Error{Severity: "ERROR", Code: engine.InvalidCursorName,
				Message: fmt.Sprintf("portal \"%s\" does not exist", msg.Name)}
		}
		if b.sess.InFailedBlock() && p.stmt.plan != nil && p.stmt.plan.Columns != nil {
			return engine.FailedBlockError()
		}
		if p.stmt.plan != nil && p.stmt.plan.Columns != nil {
			b.sendRowDescription(p.stmt.plan.Columns, p.formats)
		} else {
			b.send(&pgproto3.NoData{})
		}
	default:
		return protocolError(fmt.Sprintf("invalid DESCRIBE message subtype %d", msg.ObjectType))
	}
	return nil
}

func (b *backend) execute(body []byte) *engine.Error {
	msg, derr := decodeExecute(body)
	if derr != nil {
		return derr
	}
	p, ok := b.portals[msg.Portal]
	if !ok {
		return &engine.Error{Severity: "ERROR", Code: engine.InvalidCursorName,
			Message: fmt.Sprintf("portal \"%s\" does not exist", msg.Portal)}
	}
	plan := p.stmt.plan
	if plan == nil {
		b.send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if b.sess.InFailedBlock() && !plan.Exit() {
		return engine.FailedBlockError()
	}
	if p.done {
		return &engine.Error{Severity: "ERROR", Code: "55000", Message: fmt.Sprintf("portal \"%s\" cannot be run", msg.Portal)}
	}
	if !p.ran {
		res, err := b.sess.Execute(plan, p.params)
		if err != nil {
			if res != nil {
				b.sendRows(res, p.formats, res.Rows)
			}
			return err
		}
		p.ran, p.res = true, res
		b.sendNotices(res)
	}
	rows := p.res.Rows[p.next:]
	if max := int32(msg.MaxRows); max > 0 && int(max) <= len(rows) {
		rows = rows[:max]
		b.sendRows(p.res, p.formats, rows)
		p.next += len(rows)
		b.send(&pgproto3.PortalSuspended{})
		return nil
	}
	b.sendRows(p.res, p.formats, rows)
	p.next += len(rows)
	tag := p.res.Tag
	if plan.Columns != nil {
		tag.Rows = len(rows) // the rows this Execute returned
	} else {
		p.done = true // a statement without rows runs once
	}
	b.sendCommandComplete(tag)
	return nil
}

func (b *backend) closeMessage(body []byte) *engine.Error {
	kind, name, derr := decodeTarget(body)
	if derr != nil {
		return derr
	}
	msg := pgproto3.Close{ObjectType: kind, Name: name}
	switch msg.ObjectType {
	case 'S':
		delete(b.stmts, msg.Name)
	case 'P':
		delete(b.portals, msg.Name)
	default:
		return protocolError(fmt.Sprintf("invalid CLOSE message subtype %d", msg.ObjectType))
	}
	b.send(&pgproto3.CloseComplete{})
	return nil
}
