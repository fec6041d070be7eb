package engine

import (
	"strings"
	"time"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// Transaction modes: the isolation level, READ ONLY and DEFERRABLE of the
// current transaction (the settings transaction_isolation,
// transaction_read_only and transaction_deferrable, copied from their
// default_ counterparts when a transaction starts) and the checks
// PostgreSQL's GUC check hooks make when they change.
//
// READ COMMITTED (and READ UNCOMMITTED, which PostgreSQL runs as READ
// COMMITTED) and REPEATABLE READ are implemented (see Snapshot).
// SERIALIZABLE is refused with 0A000 wherever PostgreSQL would accept it:
// at BEGIN or START TRANSACTION (before the block begins, so the session
// stays idle), at SET TRANSACTION and SET transaction_isolation (after
// PostgreSQL's own checks, so that their errors come first), and at SET
// default_transaction_isolation or SET SESSION CHARACTERISTICS, including
// from the startup packet. So no transaction ever runs as SERIALIZABLE
// with REPEATABLE READ's weaker guarantees. DEFERRABLE only matters to
// SERIALIZABLE READ ONLY transactions, so it is accepted and has no
// effect, as in PostgreSQL under the other levels.

// SQLSTATEs of transaction modes.
const (
	ReadOnlySQLTransaction = "25006"
	SerializationFailure   = "40001"
	LockNotAvailable       = "55P03"
)

// isolationLevels are the values of the isolation settings, as SHOW
// prints them.
var isolationLevels = []string{"serializable", "repeatable read", "read committed", "read uncommitted"}

// modeCache holds the transaction modes, and the other settings every
// statement reads, as of a generation of the settings, so that a statement
// reads them without map lookups.
type modeCache struct {
	started        uint64 // gen after the last startTransaction that copied
	gen            uint64 // the gen the fields below are of
	readOnly       bool
	repeatableRead bool
	// searchPath is search_path, which plans are made along;
	// statementTimeout is statement_timeout.
	searchPath       string
	statementTimeout time.Duration
}

// startTransaction gives a new transaction the default modes. Unless a
// setting changed since the last time, they are still in place.
func (g *gucState) startTransaction() {
	if g.modes.started == g.gen {
		return
	}
	for _, n := range [...][2]string{
		{"transaction_isolation", "default_transaction_isolation"},
		{"transaction_read_only", "default_transaction_read_only"},
		{"transaction_deferrable", "default_transaction_deferrable"},
	} {
		g.vals[n[0]] = g.vals[n[1]]
	}
	g.gen++
	g.modes.started = g.gen
}

// current returns the transaction modes now in effect.
func (g *gucState) current() *modeCache {
	if m := &g.modes; m.gen != g.gen {
		m.gen = g.gen
		m.readOnly = g.vals["transaction_read_only"] == "on"
		m.repeatableRead = g.vals["transaction_isolation"] == "repeatable read"
		m.searchPath = g.vals["search_path"]
		ms, _ := parseMillis(g.vals["statement_timeout"])
		m.statementTimeout = time.Duration(ms) * time.Millisecond
	}
	return &g.modes
}

// errSerializable refuses the SERIALIZABLE isolation level.
func errSerializable() *Error {
	e := newError(FeatureNotSupported, "poolsim does not support the SERIALIZABLE isolation level")
	e.Hint = "REPEATABLE READ is supported."
	return e
}

// checkSetting is the session's check of a new setting value (after it
// was validated), PostgreSQL's check_XactIsoLevel,
// check_transaction_read_only and check_transaction_deferrable, then the
// refusal of SERIALIZABLE.
func (s *Session) checkSetting(d *gucDef, v string) *Error {
	tx, sub := s.tx, len(s.subs) > 0
	if tx != nil {
		switch d.name {
		case "transaction_isolation":
			if v != s.gucs.vals[d.name] {
				if tx.snapshotSet {
					return newError(ActiveTransaction, "SET TRANSACTION ISOLATION LEVEL must be called before any query")
				}
				if sub {
					return newError(ActiveTransaction, "SET TRANSACTION ISOLATION LEVEL must not be called in a subtransaction")
				}
			}
		case "transaction_read_only":
			if v == "off" && s.gucs.vals[d.name] == "on" {
				if sub {
					return newError(ActiveTransaction, "cannot set transaction read-write mode inside a read-only transaction")
				}
				if tx.snapshotSet {
					return newError(ActiveTransaction, "transaction read-write mode must be set before any query")
				}
			}
		case "transaction_deferrable":
			if sub {
				return newError(ActiveTransaction, "SET TRANSACTION [NOT] DEFERRABLE cannot be called within a subtransaction")
			}
			if tx.snapshotSet {
				return newError(ActiveTransaction, "SET TRANSACTION [NOT] DEFERRABLE must be called before any query")
			}
		}
	}
	if v == "serializable" && (d.name == "transaction_isolation" || d.name == "default_transaction_isolation") {
		return errSerializable()
	}
	return nil
}

// modeSetting returns the setting and value a transaction mode sets; for
// SET SESSION CHARACTERISTICS the default_ setting.
func modeSetting(mode string, characteristics bool) (name, value string) {
	switch {
	case strings.HasPrefix(mode, "isolation level "):
		name, value = "transaction_isolation", strings.TrimPrefix(mode, "isolation level ")
	case mode == "read only", mode == "read write":
		name, value = "transaction_read_only", "on"
		if mode == "read write" {
			value = "off"
		}
	default: // deferrable, not deferrable
		name, value = "transaction_deferrable", "on"
		if mode == "not deferrable" {
			value = "off"
		}
	}
	if characteristics {
		name = "default_" + name
	}
	return name, value
}

// setModes applies transaction modes, in order, as SET does.
func (s *Session) setModes(modes []string, characteristics, local bool) *Error {
	for _, m := range modes {
		name, value := modeSetting(m, characteristics)
		if e := s.gucs.set(name, value, local); e != nil {
			return e
		}
	}
	return nil
}

// execSetTransaction runs SET TRANSACTION and SET SESSION CHARACTERISTICS
// AS TRANSACTION.
func (s *Session) execSetTransaction(st *sqlparse.SetTransactionStmt, res *Result) *Error {
	res.Tag = plainTag("SET")
	if !st.Characteristics && s.block == blockStarted {
		res.Notices = append(res.Notices, warning(NoActiveTransaction, "SET TRANSACTION can only be used in transaction blocks"))
	}
	return s.setModes(st.Modes, st.Characteristics, st.Local)
}

// refuseSerializableBegin refuses a BEGIN or START TRANSACTION that would
// start a SERIALIZABLE block, before the block begins.
func refuseSerializableBegin(modes []string) *Error {
	for _, m := range modes {
		if m == "isolation level serializable" {
			return errSerializable()
		}
	}
	return nil
}

// resetWarning is PostgreSQL's warning for RESET transaction_isolation
// (and SET transaction_isolation TO DEFAULT) outside a transaction block.
func (s *Session) resetWarning(name string, res *Result) {
	if s.block == blockStarted && strings.EqualFold(name, "transaction_isolation") {
		res.Notices = append(res.Notices, warning(NoActiveTransaction, "RESET TRANSACTION can only be used in transaction blocks"))
	}
}

// checkReadOnly fails a statement that writes, locks rows or changes the
// catalog in a READ ONLY transaction (PreventCommandIfReadOnly).
func (s *Session) checkReadOnly(p *Plan) *Error {
	if !s.gucs.current().readOnly {
		return nil
	}
	var what string
	switch st := p.Stmt.(type) {
	case *sqlparse.InsertStmt:
		what = "INSERT"
	case *sqlparse.UpdateStmt:
		what = "UPDATE"
	case *sqlparse.DeleteStmt:
		what = "DELETE"
	case *sqlparse.CreateTableStmt:
		what = "CREATE TABLE"
	case *sqlparse.DropTableStmt:
		what = "DROP TABLE"
	case *sqlparse.SelectStmt:
		if st.Locking == nil || p.sc.table == nil {
			return nil
		}
		what = "SELECT " + st.Locking.Strength.String()
	default:
		return nil
	}
	return errorf(ReadOnlySQLTransaction, "cannot execute %s in a read-only transaction", what)
}

// serializationFailure is REPEATABLE READ's error for a row that a
// transaction which committed after the snapshot changed.
func serializationFailure(deleted bool) *Error {
	if deleted {
		return newError(SerializationFailure, "could not serialize access due to concurrent delete")
	}
	return newError(SerializationFailure, "could not serialize access due to concurrent update")
}
