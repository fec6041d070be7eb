package pgxlike

import (
	"fmt"

	"github.com/poolsim/poolsim/driver"
)

// Conn is pgx.Conn over a PgConn, in the default
// QueryExecModeCacheStatement: statements with arguments (and every
// Query) are prepared once under StatementName and kept in an LRU cache.
// Like a pgx.Conn it is not safe for concurrent use: a second goroutine
// gets "conn busy" from the PgConn.
type Conn struct {
	pgConn             *PgConn
	statementCache     *lruCache
	preparedStatements map[string]*StatementDescription // lookup only
	failedDescribe     string
}

func newConn(pc *PgConn) *Conn {
	return &Conn{pgConn: pc, statementCache: newLRUCache(DefaultStatementCacheCapacity),
		preparedStatements: map[string]*StatementDescription{}}
}

// PgConn returns the underlying connection.
func (c *Conn) PgConn() *PgConn { return c.pgConn }

// StatementCacheLen is the number of statements in the cache.
func (c *Conn) StatementCacheLen() int { return c.statementCache.Len() }

// Rows is a query's result read whole: its columns, rows (as driver.Row's
// Go types) and command tag.
type Rows struct {
	Fields     []FieldDescription
	Values     []driver.Row
	CommandTag string
}

// deallocateInvalidated is deallocateInvalidatedCachedStatements: outside
// a failed transaction, the statements invalidated since the last call
// are deallocated before the connection is used again.
func (c *Conn) deallocateInvalidated() error {
	if ts := c.pgConn.TxStatus(); ts != 'I' && ts != 'T' {
		return nil
	}
	invalid := c.statementCache.GetInvalidated()
	if len(invalid) == 0 {
		return nil
	}
	names := make([]string, len(invalid))
	for i, sd := range invalid {
		names[i] = sd.Name
	}
	if err := c.pgConn.deallocateAll(names); err != nil {
		return fmt.Errorf("failed to deallocate cached statement(s): %w", err)
	}
	c.statementCache.RemoveInvalidated()
	for _, name := range names {
		delete(c.preparedStatements, name)
	}
	return nil
}

// Prepare is pgx's Conn.Prepare: idempotent for a name already prepared
// with the same SQL.
func (c *Conn) Prepare(name, sql string) (*StatementDescription, error) {
	if c.failedDescribe != "" {
		if err := c.pgConn.Deallocate(c.failedDescribe); err != nil {
			return nil, fmt.Errorf("failed to deallocate previously failed statement %q: %w", c.failedDescribe, err)
		}
		c.failedDescribe = ""
	}
	if sd, ok := c.preparedStatements[name]; ok && sd.SQL == sql {
		return sd, nil
	}
	sd, err := c.pgConn.Prepare(name, sql)
	if err != nil {
		if pe, ok := err.(*PrepareError); ok && pe.ParseComplete {
			c.failedDescribe = name
		}
		return nil, err
	}
	c.preparedStatements[name] = sd
	return sd, nil
}

// statement returns sql's cached statement, preparing it on a miss.
func (c *Conn) statement(sql string) (*StatementDescription, error) {
	if sd := c.statementCache.Get(sql); sd != nil {
		return sd, nil
	}
	sd, err := c.Prepare(StatementName(sql), sql)
	if err != nil {
		return nil, err
	}
	c.statementCache.Put(sd)
	return sd, nil
}

// encodeArgs is the extended query builder: each argument in the format
// its parameter type prefers, and the result formats of the columns.
func encodeArgs(sd *StatementDescription, args []any) ([][]byte, []int16, error) {
	if len(sd.ParamOIDs) != len(args) {
		return nil, nil, fmt.Errorf("expected %d arguments, got %d", len(sd.ParamOIDs), len(args))
	}
	values := make([][]byte, len(args))
	formats := make([]int16, len(args))
	for i, a := range args {
		v, f, err := encodeParam(sd.ParamOIDs[i], a)
		if err != nil {
			return nil, nil, fmt.Errorf("failed to encode args[%d]: %w", i, err)
		}
		values[i], formats[i] = v, f
	}
	return values, formats, nil
}

// Exec is pgx's Conn.Exec: the simple protocol without arguments, the
// cached prepared statement with them. A failed statement is invalidated.
func (c *Conn) Exec(sql string, args ...any) (string, error) {
	if err := c.deallocateInvalidated(); err != nil {
		return "", err
	}
	if len(args) == 0 {
		results, err := c.pgConn.Exec(sql)
		tag := ""
		for _, r := range results {
			tag = r.CommandTag
		}
		return tag, err
	}
	tag, err := c.execPrepared(sql, args)
	if err != nil {
		c.statementCache.Invalidate(sql)
	}
	return tag, err
}

func (c *Conn) execPrepared(sql string, args []any) (string, error) {
	sd, err := c.statement(sql)
	if err != nil {
		return "", err
	}
	values, formats, err := encodeArgs(sd, args)
	if err != nil {
		return "", err
	}
	res := c.pgConn.ExecStatement(sd, values, formats, resultFormats(sd.Fields))
	return res.CommandTag, res.Err
}

// Query is pgx's Conn.Query read whole (rows collected and closed): every
// statement goes through the statement cache. A failed query is
// invalidated, as Rows.Close does.
func (c *Conn) Query(sql string, args ...any) (*Rows, error) {
	if err := c.deallocateInvalidated(); err != nil {
		return nil, err
	}
	rows, err := c.query(sql, args)
	if err != nil {
		c.statementCache.Invalidate(sql)
	}
	return rows, err
}

func (c *Conn) query(sql string, args []any) (*Rows, error) {
	sd, err := c.statement(sql)
	if err != nil {
		return nil, err
	}
	values, formats, err := encodeArgs(sd, args)
	if err != nil {
		return nil, err
	}
	res := c.pgConn.ExecStatement(sd, values, formats, resultFormats(sd.Fields))
	rows := &Rows{Fields: res.FieldDescriptions, CommandTag: res.CommandTag}
	for _, raw := range res.Rows {
		row := make(driver.Row, len(res.FieldDescriptions))
		for i, fd := range res.FieldDescriptions {
			var v []byte
			if i < len(raw) {
				v = raw[i]
			}
			x, err := decodeValue(fd, v)
			if err != nil {
				return rows, err
			}
			row[i] = x
		}
		rows.Values = append(rows.Values, row)
	}
	return rows, res.Err
}

// Close is pgx's Conn.Close.
func (c *Conn) Close() error { return c.pgConn.Close() }
