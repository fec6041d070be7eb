package sqla

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sqla/exc"
)

// The queries of the psycopg2 dialect's first connect, as SQLAlchemy
// 1.4.46 and psycopg2 2.9.5 send them.
const (
	// HstoreQuery is psycopg2.extras.HstoreAdapter.get_oids's query (the
	// server is 8.3 or later, so typarray is selected).
	HstoreQuery = "SELECT t.oid, typarray\nFROM pg_type t JOIN pg_namespace ns\n    ON typnamespace = ns.oid\nWHERE typname = 'hstore';\n"
	// VersionQuery is PGDialect._get_server_version_info's.
	VersionQuery = "select pg_catalog.version()"
	// SchemaQuery is PGDialect._get_default_schema_name's.
	SchemaQuery = "select current_schema()"
	// IsolationQuery is PGDialect.get_isolation_level's.
	IsolationQuery = "show transaction isolation level"
	// StandardStringsQuery is PGDialect.initialize's.
	StandardStringsQuery = "show standard_conforming_strings"
	// PingQuery is the dialect's select(1), compiled.
	PingQuery = "SELECT 1"
)

// The isolation levels of psycopg2.extensions, as set_isolation_level
// takes them.
const (
	IsolationAutocommit      = 0
	IsolationReadCommitted   = 1
	IsolationRepeatableRead  = 2
	IsolationSerializable    = 3
	IsolationReadUncommitted = 4
)

// isolationLookup is PGDialect_psycopg2._isolation_lookup.
var isolationLookup = map[string]int{ // lookup only
	"AUTOCOMMIT": IsolationAutocommit, "READ COMMITTED": IsolationReadCommitted,
	"READ UNCOMMITTED": IsolationReadUncommitted, "REPEATABLE READ": IsolationRepeatableRead,
	"SERIALIZABLE": IsolationSerializable,
}

// IsolationLevelSetter is a DB-API connection with psycopg2's
// connection.set_isolation_level(level), which the dialect calls for
// create_engine's isolation_level. psycopg2 rolls back first, then 0
// means autocommit and 1 to 4 a level for BEGIN.
type IsolationLevelSetter interface {
	SetIsolationLevel(level int) error
}

// Dialect is SQLAlchemy's PGDialect_psycopg2: what the engine and its pool
// ask of the database and the driver. It stands for process memory (the
// first connect fills it in), so a fork copies it.
type Dialect struct {
	// IsolationLevel is create_engine's isolation_level ("" for none).
	IsolationLevel string
	// UseNativeHstore is use_native_hstore (default true): the first
	// connect looks up the hstore type.
	UseNativeHstore bool
	// HideParameters is create_engine's hide_parameters.
	HideParameters bool

	// Filled in by the first connect (initialize).
	ServerVersionInfo   []int
	DefaultSchemaName   string
	DefaultIsolation    string
	BackslashEscapes    bool
	HasNativeHstore     bool
	hstoreOIDs          []int64 // _hstore_oids's memo; nil with hstoreLooked: none
	hstoreLooked        bool
	initialized         bool
	supportsNativeEnum  bool
	fullReturning       bool
	supportsIdentityCol bool
}

// NewDialect returns a dialect with SQLAlchemy's defaults.
func NewDialect() *Dialect { return &Dialect{UseNativeHstore: true, fullReturning: true} }

// Name returns the dialect's class name as create_engine's error texts
// print it.
func (d *Dialect) Name() string { return "PGDialect_psycopg2" }

// ForkCopy returns the dialect's copy for a forked child.
func (d *Dialect) ForkCopy(c *procmem.Copier) any {
	return procmem.Copy(c, d, func() *Dialect {
		n := *d
		n.ServerVersionInfo = append([]int(nil), d.ServerVersionInfo...)
		n.hstoreOIDs = append([]int64(nil), d.hstoreOIDs...)
		return &n
	})
}

// DoRollback is connection.rollback(): psycopg2 sends ROLLBACK only in a
// transaction.
func (d *Dialect) DoRollback(c driver.Conn) error { return c.Rollback() }

// DoCommit is connection.commit().
func (d *Dialect) DoCommit(c driver.Conn) error { return c.Commit() }

// DoClose is connection.close(): Terminate, then the descriptor.
func (d *Dialect) DoClose(c driver.Conn) error { return c.Close() }

// DoPing is PGDialect_psycopg2.do_ping in 1.4.46: autocommit on (so no
// BEGIN precedes the ping), SELECT 1, autocommit back; false when the
// error is a disconnect as IsDisconnect decides, the error otherwise.
// (SQLAlchemy 2.0's psycopg2 dialect pings the same way; DOMAIN notes of
// a ping "inside the implicit transaction" do not match 1.4.46, whose
// SELECT 1 goes before BEGIN.)
func (d *Dialect) DoPing(c driver.Conn) (bool, error) {
	before := c.Autocommit()
	var cur driver.Cursor
	err := func() error {
		if !before {
			if err := c.SetAutocommit(true); err != nil {
				return err
			}
		}
		var err error
		if cur, err = c.Cursor(); err != nil {
			return err
		}
		err = cur.Execute(PingQuery)
		cerr := cur.Close()
		if !before && !c.Closed() {
			if aerr := c.SetAutocommit(before); aerr != nil && err == nil && cerr == nil {
				return aerr
			}
		}
		if err == nil {
			err = cerr
		}
		return err
	}()
	if err == nil {
		return true, nil
	}
	if isDBAPIError(err) && d.IsDisconnect(err, c) {
		return false, nil
	}
	return false, err
}

// disconnectTexts are PGDialect_psycopg2.is_disconnect's substrings.
var disconnectTexts = []string{
	// from libpq: interfaces/libpq/fe-misc.c and fe-secure.c
	"terminating connection",
	"closed the connection",
	"connection not open",
	"could not receive data from server",
	"could not send data to server",
	// psycopg2 client errors
	"connection already closed",
	"cursor already closed",
	// "losed", not "closed", as in SQLAlchemy
	"losed the connection unexpectedly",
	// newer SSL
	"connection has been closed unexpectedly",
	"SSL error: decryption failed or bad record mac",
	"SSL SYSCALL error: Bad file descriptor",
	"SSL SYSCALL error: EOF detected",
	"SSL SYSCALL error: Operation timed out",
	"SSL SYSCALL error: Bad address",
}

// IsDisconnect is PGDialect_psycopg2.is_disconnect: a DB-API error on a
// connection that is closed, or whose first line holds one of the
// disconnect texts outside a double-quoted part.
func (d *Dialect) IsDisconnect(err error, c driver.Conn) bool {
	e, ok := err.(*driver.Error)
	if !ok {
		return false
	}
	if c != nil && c.Closed() {
		return true
	}
	first, _, _ := strings.Cut(e.Message, "\n")
	for _, msg := range disconnectTexts {
		if i := strings.Index(first, msg); i >= 0 && !strings.Contains(first[:i], `"`) {
			return true
		}
	}
	return false
}

// isDBAPIError reports whether err is a DB-API exception (dbapi.Error).
func isDBAPIError(err error) bool {
	_, ok := err.(*driver.Error)
	return ok
}

// onConnect is PGDialect_psycopg2.on_connect's function for each new
// connection: the isolation level, then the hstore lookup.
func (d *Dialect) onConnect(c driver.Conn) error {
	if d.IsolationLevel != "" {
		if err := d.setIsolationLevel(c, d.IsolationLevel); err != nil {
			return err
		}
	}
	if d.UseNativeHstore {
		if _, err := d.hstoreOIDsFor(c); err != nil {
			return err
		}
		// With the type found psycopg2's register_hstore adds its
		// typecasters, which sends nothing.
	}
	return nil
}

// setIsolationLevel is PGDialect_psycopg2.set_isolation_level.
func (d *Dialect) setIsolationLevel(c driver.Conn, level string) error {
	lv, ok := isolationLookup[strings.ReplaceAll(level, "_", " ")]
	if !ok {
		return exc.Newf(exc.ArgumentError, "Invalid value '%s' for isolation_level. Valid isolation levels for %s are %s",
			level, "postgresql", "AUTOCOMMIT, READ COMMITTED, READ UNCOMMITTED, REPEATABLE READ, SERIALIZABLE")
	}
	s, ok := c.(IsolationLevelSetter)
	if !ok {
		return exc.Newf(exc.ArgumentError, "the driver's connections have no set_isolation_level")
	}
	return s.SetIsolationLevel(lv)
}

// hstoreOIDsFor is the memoized _hstore_oids: the first call runs
// HstoreAdapter.get_oids (the query, then a rollback if it began the
// transaction), later calls return its result.
func (d *Dialect) hstoreOIDsFor(c driver.Conn) ([]int64, error) {
	if d.hstoreLooked {
		return d.hstoreOIDs, nil
	}
	wasInTx := c.InTransaction()
	cur, err := c.Cursor()
	if err != nil {
		return nil, err
	}
	if err := cur.Execute(HstoreQuery); err != nil {
		return nil, err
	}
	rows, err := cur.FetchAll()
	if err != nil {
		return nil, err
	}
	var oids []int64
	for _, r := range rows {
		if len(r) > 0 {
			if v, ok := r[0].(int64); ok {
				oids = append(oids, v)
			}
		}
	}
	if !wasInTx && !c.Autocommit() {
		if err := c.Rollback(); err != nil {
			return nil, err
		}
	}
	d.hstoreLooked = true
	if len(oids) > 0 && oids[0] != 0 {
		d.hstoreOIDs = oids
	}
	return d.hstoreOIDs, nil
}

// versionRE is PGDialect._get_server_version_info's pattern.
var versionRE = regexp.MustCompile(`^.*(?:PostgreSQL|EnterpriseDB) (\d+)\.?(\d+)?(?:\.(\d+))?(?:\.\d+)?(?:devel|beta)?`)

// initialize is PGDialect_psycopg2.initialize, through PGDialect's and
// DefaultDialect's, on the first connect's Connection.
func (d *Dialect) initialize(conn *Connection) error {
	v, err := conn.scalarDriverSQL(VersionQuery)
	if err != nil {
		return err
	}
	vs, _ := v.(string)
	m := versionRE.FindStringSubmatch(vs)
	if m == nil {
		return exc.Newf(exc.AssertionError, "Could not determine version from string '%s'", pyStr(v))
	}
	var info []int
	for _, g := range m[1:] {
		if g != "" {
			n, _ := strconv.Atoi(g)
			info = append(info, n)
		}
	}
	d.ServerVersionInfo = info
	s, err := conn.scalarDriverSQL(SchemaQuery)
	if err != nil {
		return err
	}
	d.DefaultSchemaName, _ = s.(string)
	iso, err := d.getIsolationLevel(conn)
	if err != nil {
		return err
	}
	d.DefaultIsolation = iso
	// PGDialect.initialize
	if versionAtMost(info, 8, 2) {
		d.fullReturning = false
	}
	d.supportsNativeEnum = !versionBefore(info, 8, 3)
	if versionBefore(info, 8, 2) {
		d.BackslashEscapes = false
	} else {
		std, err := conn.scalarDriverSQL(StandardStringsQuery)
		if err != nil {
			return err
		}
		d.BackslashEscapes = std == "off"
	}
	d.supportsIdentityCol = !versionBefore(info, 10)
	// PGDialect_psycopg2.initialize: the memoized lookup sends nothing.
	if d.UseNativeHstore {
		oids, err := d.hstoreOIDsFor(conn.dbapi())
		if err != nil {
			return err
		}
		d.HasNativeHstore = oids != nil
	}
	return nil
}

// getIsolationLevel is PGDialect.get_isolation_level on the DB-API
// connection.
func (d *Dialect) getIsolationLevel(conn *Connection) (string, error) {
	c := conn.dbapi()
	cur, err := c.Cursor()
	if err != nil {
		return "", err
	}
	if err := cur.Execute(IsolationQuery); err != nil {
		return "", err
	}
	row, err := cur.FetchOne()
	if err != nil {
		return "", err
	}
	if len(row) == 0 {
		return "", exc.New(exc.IndexError, "tuple index out of range")
	}
	if err := cur.Close(); err != nil {
		return "", err
	}
	s, _ := row[0].(string)
	return strings.ToUpper(s), nil
}

// versionBefore reports whether info < parts, as Python compares tuples.
func versionBefore(info []int, parts ...int) bool { return cmpTuple(info, parts) < 0 }

// versionAtMost reports whether info <= parts.
func versionAtMost(info []int, parts ...int) bool { return cmpTuple(info, parts) <= 0 }

// cmpTuple compares int tuples as Python does: element by element, a
// proper prefix first.
func cmpTuple(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}
