package sqlparse

import (
	"strconv"
	"strings"
)

// parseTransaction parses BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK
// [TO SAVEPOINT] and ABORT.
func (p *parser) parseTransaction() *TransactionStmt {
	t := p.next()
	s := &TransactionStmt{}
	switch t.kw.name {
	case "begin":
		s.Kind = TxBegin
		p.optWorkOrTransaction()
		s.Modes = p.parseTransactionModes()
	case "start":
		s.Kind = TxStart
		p.expectKw("transaction")
		s.Modes = p.parseTransactionModes()
	case "commit", "end":
		s.Kind = TxCommit
		if n := p.peek(); t.isKw("commit") && n.isKw("prepared") {
			p.unsupported(n, "COMMIT PREPARED")
		}
		p.optWorkOrTransaction()
		p.optChain()
	default: // rollback, abort
		s.Kind = TxRollback
		if n := p.peek(); t.isKw("rollback") && n.isKw("prepared") {
			p.unsupported(n, "ROLLBACK PREPARED")
		}
		p.optWorkOrTransaction()
		if t.isKw("rollback") && p.acceptKw("to") {
			s.Kind = TxRollbackTo
			s.Savepoint = p.savepointName()
			return s
		}
		p.optChain()
	}
	return s
}

// optWorkOrTransaction skips the noise words WORK and TRANSACTION.
func (p *parser) optWorkOrTransaction() {
	if !p.acceptKw("work") {
		p.acceptKw("transaction")
	}
}

// optChain parses AND NO CHAIN (the default, accepted) and rejects AND
// CHAIN.
func (p *parser) optChain() {
	if !p.acceptKw("and") {
		return
	}
	t := p.peek()
	if t.isKw("chain") {
		p.unsupported(t, "AND CHAIN")
	}
	p.expectKw("no")
	p.expectKw("chain")
}

// parseTransactionModes parses transaction modes, separated by commas or
// not, each rendered lower-case and single-spaced.
func (p *parser) parseTransactionModes() []string {
	var modes []string
	for {
		t := p.peek()
		var mode string
		switch {
		case t.isKw("isolation"):
			p.next()
			p.expectKw("level")
			mode = "isolation level " + p.parseIsolationLevel()
		case t.isKw("read"):
			p.next()
			n := p.peek()
			if !n.isKw("only") && !n.isKw("write") {
				p.syntaxError(n)
			}
			p.next()
			mode = "read " + n.kw.name
		case t.isKw("deferrable"):
			p.next()
			mode = "deferrable"
		case t.isKw("not"):
			p.next()
			p.expectKw("deferrable")
			mode = "not deferrable"
		case len(modes) > 0 && t.isChar(','):
			// A comma must be followed by another mode.
			p.next()
			if n := p.peek(); !n.isKw("isolation") && !n.isKw("read") && !n.isKw("deferrable") && !n.isKw("not") {
				p.syntaxError(n)
			}
			continue
		default:
			return modes
		}
		modes = append(modes, mode)
	}
}

// parseIsolationLevel parses the level after ISOLATION LEVEL.
func (p *parser) parseIsolationLevel() string {
	t := p.next()
	switch {
	case t.isKw("serializable"):
		return "serializable"
	case t.isKw("repeatable"):
		p.expectKw("read")
		return "repeatable read"
	case t.isKw("read"):
		n := p.peek()
		if !n.isKw("committed") && !n.isKw("uncommitted") {
			p.syntaxError(n)
		}
		p.next()
		return "read " + n.kw.name
	}
	p.syntaxError(t)
	return ""
}

// setSpecialWords begin forms of SET other than SET name = value when not
// followed by TO, =, . or FROM.
var setSpecialWords = words("transaction", "session", "catalog", "schema", "names", "role", "xml", "constraints")

// isSetAssign reports whether t may follow the name in SET name ...
func isSetAssign(t *token) bool {
	return t.isKw("to") || t.isChar('=') || t.isChar('.') || t.isKw("from")
}

// parseSet parses SET [SESSION | LOCAL] name {TO | =} {value, ... |
// DEFAULT}, SET [SESSION | LOCAL] TIME ZONE value, SET TRANSACTION modes
// and SET SESSION CHARACTERISTICS AS TRANSACTION modes.
func (p *parser) parseSet() spanStmt {
	p.next() // SET
	s := &SetStmt{}
	t := p.peek()
	if t.isKw("session") && p.peekAt(1).isKw("authorization") {
		p.unsupported(t, "SET SESSION AUTHORIZATION")
	}
	if (t.isKw("local") || t.isKw("session")) && !isSetAssign(p.peekAt(1)) && !p.peekAt(1).isKw("characteristics") {
		p.next()
		s.Local = t.isKw("local")
		t = p.peek()
	}
	if st := p.parseSetTransaction(s.Local); st != nil {
		return st
	}
	switch {
	case t.isKw("time") && p.peekAt(1).isKw("zone"):
		p.next()
		p.next()
		s.Name = "timezone"
		p.parseZoneValue(s)
		return s
	case setSpecialWords.has(t) && !isSetAssign(p.peekAt(1)):
		p.unsupported(t, "SET "+upper(t.val))
	}
	s.Name = p.parseVarName()
	t = p.peek()
	switch {
	case t.isKw("to"), t.isChar('='):
		p.next()
	case t.isKw("from"):
		p.unsupported(t, "SET ... FROM CURRENT")
	default:
		p.syntaxError(t)
	}
	if p.acceptKw("default") {
		s.Default = true
		return s
	}
	for {
		s.Values = append(s.Values, p.parseVarValue())
		if !p.acceptChar(',') {
			return s
		}
	}
}

// parseVarName parses a configuration parameter name: name or a.b.c.
func (p *parser) parseVarName() string {
	var parts []string
	for {
		t := p.peek()
		if !t.isColID() {
			p.syntaxError(t)
		}
		parts = append(parts, p.ident().Name)
		if !p.acceptChar('.') {
			return strings.Join(parts, ".")
		}
	}
}

// parseVarValue parses one value of SET: a word, a string or a number.
func (p *parser) parseVarValue() string {
	t := p.peek()
	switch {
	case t.kind == tString || t.kind == tEString:
		p.next()
		return t.val
	case t.kind == tUString:
		p.unsupported(t, "U&'' strings in SET")
	case t.kind == tUIdent:
		p.unsupported(t, `U&"" identifiers`)
	case t.isKw("true"), t.isKw("false"), t.isKw("on"):
		p.next()
		return t.kw.name
	case t.isPlainIdent(), t.kind == tIdent && t.kw.cat <= kwTypeFuncName:
		p.next()
		return t.name()
	}
	if v, ok := p.parseNumericOnly(); ok {
		return v
	}
	p.syntaxError(t)
	return ""
}

// parseNumericOnly parses an optionally signed number and renders it as
// PostgreSQL does for SET: an integer that fits in 32 bits as its value
// (007 is 7), any other number as written, with the sign.
func (p *parser) parseNumericOnly() (string, bool) {
	t := p.peek()
	sign := ""
	if t.isChar('-') || t.isChar('+') {
		n := p.peekAt(1)
		if n.kind != tInteger && n.kind != tFloat {
			p.next()
			p.syntaxError(p.peek())
		}
		if t.isChar('-') {
			sign = "-"
		}
		p.next()
		t = p.peek()
	}
	switch t.kind {
	case tInteger:
		p.next()
		if v, err := strconv.ParseInt(t.val, 10, 32); err == nil {
			if sign == "-" {
				v = -v
			}
			return strconv.FormatInt(v, 10), true
		}
		return sign + t.val, true
	case tFloat:
		p.next()
		return sign + t.val, true
	}
	return "", false
}

// parseZoneValue parses the value of SET TIME ZONE: a string, a plain
// identifier, a number, DEFAULT or LOCAL.
func (p *parser) parseZoneValue(s *SetStmt) {
	t := p.peek()
	switch {
	case t.isKw("default"), t.isKw("local"):
		p.next()
		s.Default = true
		return
	case t.kind == tString || t.kind == tEString:
		p.next()
		s.Values = []string{t.val}
		return
	case t.kind == tUString:
		p.unsupported(t, "U&'' strings in SET")
	case t.kind == tUIdent:
		p.unsupported(t, `U&"" identifiers`)
	case t.isPlainIdent():
		p.next()
		s.Values = []string{t.val}
		return
	case t.isKw("interval"):
		p.unsupported(t, "SET TIME ZONE INTERVAL")
	}
	if v, ok := p.parseNumericOnly(); ok {
		s.Values = []string{v}
		return
	}
	p.syntaxError(t)
}

// parseShow parses SHOW name, SHOW ALL, SHOW TIME ZONE, SHOW TRANSACTION
// ISOLATION LEVEL and SHOW SESSION AUTHORIZATION.
func (p *parser) parseShow() *ShowStmt {
	p.next() // SHOW
	s := &ShowStmt{}
	if p.acceptKw("all") {
		s.Name = "all"
		return s
	}
	s.Name = p.parseSpecialVarName()
	return s
}

// parseReset parses RESET name, RESET ALL, RESET TIME ZONE, RESET
// TRANSACTION ISOLATION LEVEL and RESET SESSION AUTHORIZATION.
func (p *parser) parseReset() *ResetStmt {
	p.next() // RESET
	s := &ResetStmt{}
	if p.acceptKw("all") {
		s.Name = "all"
		return s
	}
	s.Name = p.parseSpecialVarName()
	return s
}

// parseSpecialVarName parses the name of SHOW and RESET, mapping the SQL
// standard's spellings to the parameter names PostgreSQL uses for them.
func (p *parser) parseSpecialVarName() string {
	t, n := p.peek(), p.peekAt(1)
	switch {
	case t.isKw("time") && n.isKw("zone"):
		p.next()
		p.next()
		return "timezone"
	case t.isKw("transaction") && n.isKw("isolation"):
		p.next()
		p.next()
		p.expectKw("level")
		return "transaction_isolation"
	case t.isKw("session") && n.isKw("authorization"):
		p.next()
		p.next()
		return "session_authorization"
	}
	return p.parseVarName()
}
