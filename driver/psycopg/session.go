package psycopg

// The isolation levels (psycopg2.extensions.ISOLATION_LEVEL_*).
const (
	IsolationLevelAutocommit      = 0
	IsolationLevelReadCommitted   = 1
	IsolationLevelRepeatableRead  = 2
	IsolationLevelSerializable    = 3
	IsolationLevelReadUncommitted = 4
	IsolationLevelDefault         = 5

	isolationLevelDefault = IsolationLevelDefault
)

// The states of readonly and deferrable (STATE_*), and Unchanged for a
// Session field that set_session leaves as it is.
const (
	StateOff     = 0
	StateOn      = 1
	StateDefault = 2
	Unchanged    = -1

	stateDefault = StateDefault
)

// srvIsolevels, srvReadonly and srvDeferrable are what BEGIN and SET say
// for each level and state.
var (
	srvIsolevels  = [...]string{"", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE", "READ UNCOMMITTED", "default"}
	srvReadonly   = [...]string{" READ WRITE", " READ ONLY", ""}
	srvDeferrable = [...]string{" NOT DEFERRABLE", " DEFERRABLE", ""}
	srvStateGUC   = [...]string{"off", "on", "default"}
)

// Session is connection.set_session's arguments; each field is Unchanged
// or a value: Autocommit 0 or 1, IsolationLevel 1 to 5, ReadOnly and
// Deferrable StateOff, StateOn or StateDefault.
type Session struct {
	Autocommit, IsolationLevel, ReadOnly, Deferrable int
}

// Autocommit is connection.autocommit.
func (c *Conn) Autocommit() bool { return c.autocommit }

// SetAutocommit is the connection.autocommit setter: outside a
// transaction only ("set_session cannot be used inside a transaction").
func (c *Conn) SetAutocommit(on bool) error {
	v := 0
	if on {
		v = 1
	}
	return c.SetSession(Session{Autocommit: v, IsolationLevel: Unchanged, ReadOnly: Unchanged, Deferrable: Unchanged})
}

// IsolationLevel is the connection's isolation level (5, the default,
// when connection.isolation_level is None).
func (c *Conn) IsolationLevel() int { return c.isolevel }

// SetSession is connection.set_session (conn_set_session). In autocommit
// the characteristics become the session's defaults (SET
// default_transaction_isolation ...); leaving autocommit resets those
// defaults so that BEGIN carries them instead.
func (c *Conn) SetSession(s Session) error {
	if err := c.setSessionChecks(); err != nil {
		return err
	}
	if s.IsolationLevel != Unchanged && (s.IsolationLevel < 1 || s.IsolationLevel > 5) {
		return builtin("ValueError", "isolation_level must be between 1 and 4")
	}
	return c.setSession(s.Autocommit, s.IsolationLevel, s.ReadOnly, s.Deferrable)
}

// SetIsolationLevel is the legacy connection.set_isolation_level(level):
// it rolls back, then level 0 means autocommit and 1 to 5 a level outside
// autocommit.
func (c *Conn) SetIsolationLevel(level int) error {
	if c.closed > 0 {
		return exception(InterfaceError, textConnClosed)
	}
	if level < 0 || level > 5 {
		return builtin("ValueError", "isolation level must be between 0 and 4")
	}
	if err := c.Rollback(); err != nil {
		return err
	}
	if level == 0 {
		return c.setSession(1, Unchanged, Unchanged, Unchanged)
	}
	return c.setSession(0, level, Unchanged, Unchanged)
}

// setSessionChecks is _set_session_checks.
func (c *Conn) setSessionChecks() error {
	if c.closed > 0 {
		return exception(InterfaceError, textConnClosed)
	}
	if c.status != statusReady {
		return exception(ProgrammingError, textInTx)
	}
	return nil
}

// setSession is conn_set_session.
func (c *Conn) setSession(autocommit, isolevel, readonly, deferrable int) error {
	want := autocommit == 1
	if autocommit == Unchanged {
		want = c.autocommit
	}
	c.lock()
	ok := true
	if want {
		if isolevel != Unchanged {
			ok = c.setGUCLocked("default_transaction_isolation", srvIsolevels[isolevel])
		}
		if ok && readonly != Unchanged {
			ok = c.setGUCLocked("default_transaction_read_only", srvStateGUC[readonly])
		}
		if ok && deferrable != Unchanged {
			ok = c.setGUCLocked("default_transaction_deferrable", srvStateGUC[deferrable])
		}
	} else if c.autocommit {
		if c.isolevel != isolationLevelDefault {
			ok = c.setGUCLocked("default_transaction_isolation", "default")
		}
		if ok && c.readonly != stateDefault {
			ok = c.setGUCLocked("default_transaction_read_only", "default")
		}
		if ok && c.deferrable != stateDefault {
			ok = c.setGUCLocked("default_transaction_deferrable", "default")
		}
	}
	if ok {
		if autocommit != Unchanged {
			c.autocommit = autocommit == 1
		}
		if isolevel != Unchanged {
			c.isolevel = isolevel
		}
		if readonly != Unchanged {
			c.readonly = readonly
		}
		if deferrable != Unchanged {
			c.deferrable = deferrable
		}
	}
	c.unlock()
	if !ok {
		return c.completeError()
	}
	return nil
}
