package engine

import (
	"slices"
	"strconv"
)

// stateCache keeps the parameter part of SessionState for the generation
// of the parameter values it was computed at.
type stateCache struct {
	gen  uint64
	gucs []string
}

// SessionState describes the state the session keeps beyond a statement
// that a later client of the same server session finds in effect, one
// item each: a parameter whose value differs from what RESET restores
// ("SET search_path = x", in gucDefs order, then extension placeholders
// by name; inside a transaction its uncommitted changes count too), a
// prepared statement SQL PREPARE made ("PREPARE p", by name), a
// session-level advisory lock ("advisory lock 7", in the order first
// taken) and a WITH HOLD cursor that outlived its transaction ("WITH HOLD
// cursor c", in declaration order). Statements the protocol's Parse
// named are the client driver's own and not listed. It returns nil when
// there is none; the parameters' part is computed again only when a value
// changed.
//
// It reads the database's advisory locks without its mutex: call it
// where one session runs at a time, as the server's ground truth does
// under the simulator.
func (s *Session) SessionState() []string {
	g := s.gucs
	if s.state.gen != g.gen {
		s.state.gen, s.state.gucs = g.gen, changedGUCs(g)
	}
	out := s.state.gucs
	if len(s.statements) == 0 && len(s.advisoryHeld) == 0 && len(s.cursors) == 0 {
		return out
	}
	out = slices.Clip(out)
	var names []string
	for name, ps := range s.statements { //poolsim:allow maprange -- the names are sorted below
		if ps.ByPrepare {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		out = append(out, "PREPARE "+n)
	}
	for _, l := range s.advisoryHeld {
		for _, h := range l.holders {
			if h.sess == s && h.counts[sessionHold][0]+h.counts[sessionHold][1] > 0 {
				out = append(out, "advisory lock "+l.key.String())
			}
		}
	}
	for _, c := range s.cursors {
		if c.hold && c.txn == nil {
			out = append(out, "WITH HOLD cursor "+c.name)
		}
	}
	return out
}

// changedGUCs lists the parameters whose values differ from what RESET
// restores, as "SET name = value".
func changedGUCs(g *gucState) []string {
	var out []string
	for i := range gucDefs {
		d := &gucDefs[i]
		if d.readOnly || d.noResetAll || d.name == "session_authorization" {
			continue
		}
		if v := g.vals[d.name]; v != g.resetValue(d) {
			out = append(out, "SET "+d.name+" = "+v)
		}
	}
	if len(g.vals) > len(gucDefs) {
		var placeholders []string
		for name, v := range g.vals { //poolsim:allow maprange -- the items are sorted below
			if findGUC(name) == nil {
				placeholders = append(placeholders, "SET "+name+" = "+v)
			}
		}
		slices.Sort(placeholders)
		out = append(out, placeholders...)
	}
	return out
}

// String renders the key as pg_locks shows it: a bigint key, or a pair
// of integer keys.
func (k advisoryKey) String() string {
	if k.space == 2 {
		return "(" + strconv.FormatInt(int64(int32(k.hi)), 10) + ", " + strconv.FormatInt(int64(int32(k.lo)), 10) + ")"
	}
	return strconv.FormatInt(int64(k.hi)<<32|int64(k.lo), 10)
}
