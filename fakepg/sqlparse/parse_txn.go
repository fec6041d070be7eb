package sqlparse

// spanStmt is a statement whose span the parser sets.
type spanStmt interface {
	Stmt
	setSpan(start, end int)
}

// parseSavepoint parses SAVEPOINT name.
func (p *parser) parseSavepoint() *TransactionStmt {
	p.next() // SAVEPOINT
	return &TransactionStmt{Kind: TxSavepoint, Savepoint: p.savepointName()}
}

// parseRelease parses RELEASE [SAVEPOINT] name.
func (p *parser) parseRelease() *TransactionStmt {
	p.next() // RELEASE
	p.optSavepointWord()
	return &TransactionStmt{Kind: TxRelease, Savepoint: p.savepointName()}
}

// savepointName parses the name after SAVEPOINT, RELEASE [SAVEPOINT] or
// ROLLBACK TO [SAVEPOINT] (for the last two the optional word has been
// consumed, except after ROLLBACK TO, where this consumes it).
func (p *parser) savepointName() string {
	p.optSavepointWord()
	t := p.peek()
	if !t.isColID() {
		p.syntaxError(t)
	}
	return p.ident().Name
}

// optSavepointWord consumes the noise word SAVEPOINT when a name follows
// it: "RELEASE savepoint" releases the savepoint named savepoint, as in
// PostgreSQL's grammar.
func (p *parser) optSavepointWord() {
	if p.peek().isKw("savepoint") && p.peekAt(1).isColID() {
		p.next()
	}
}

// parseSetTransaction parses, after SET [LOCAL | SESSION], TRANSACTION
// modes or SESSION CHARACTERISTICS AS TRANSACTION modes; it returns nil,
// consuming nothing, when the statement is another form of SET. SET
// TRANSACTION SNAPSHOT is not supported.
func (p *parser) parseSetTransaction(local bool) *SetTransactionStmt {
	t := p.peek()
	s := &SetTransactionStmt{Local: local}
	switch {
	case t.isKw("transaction") && !isSetAssign(p.peekAt(1)):
		p.next()
		if n := p.peek(); n.isKw("snapshot") {
			p.unsupported(n, "SET TRANSACTION SNAPSHOT")
		}
	case t.isKw("session") && p.peekAt(1).isKw("characteristics"):
		p.next()
		p.next()
		p.expectKw("as")
		p.expectKw("transaction")
		s.Characteristics = true
	default:
		return nil
	}
	if s.Modes = p.parseTransactionModes(); len(s.Modes) == 0 {
		p.syntaxError(p.peek())
	}
	return s
}
