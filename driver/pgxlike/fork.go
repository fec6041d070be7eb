package pgxlike

import (
	"maps"
	"slices"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/procmem"
)

// Copy returns the connection as a forked child holds it: the statement
// cache and prepared statements, and the PgConn copied.
func (c *Conn) Copy(cp *procmem.Copier) *Conn {
	return procmem.Copy(cp, c, func() *Conn {
		sd := func(s *StatementDescription) *StatementDescription {
			return procmem.Copy(cp, s, func() *StatementDescription {
				n := *s
				n.ParamOIDs = slices.Clone(s.ParamOIDs)
				n.Fields = slices.Clone(s.Fields)
				return &n
			})
		}
		n := &Conn{pgConn: c.pgConn.Copy(cp), failedDescribe: c.failedDescribe,
			preparedStatements: map[string]*StatementDescription{}}
		for _, k := range slices.Sorted(maps.Keys(c.preparedStatements)) {
			n.preparedStatements[k] = sd(c.preparedStatements[k])
		}
		lc := &lruCache{cap: c.statementCache.cap, invalidSet: maps.Clone(c.statementCache.invalidSet)}
		for _, s := range c.statementCache.order {
			lc.order = append(lc.order, sd(s))
		}
		for _, s := range c.statementCache.invalid {
			lc.invalid = append(lc.invalid, sd(s))
		}
		n.statementCache = lc
		return n
	})
}

// Copy returns the PgConn as a forked child holds it: status (a
// connection busy in another goroutine at fork time stays busy in the
// child, where that goroutine does not exist), transaction status, key,
// parameters, unsent and unread bytes, over the child's descriptor of the
// same socket. The frontend is rebuilt over the copied read buffer: its
// only other state is a message half read, which only a busy connection
// has.
func (pc *PgConn) Copy(cp *procmem.Copier) *PgConn {
	return procmem.Copy(cp, pc, func() *PgConn {
		n := *pc
		n.sock = pc.sock.In(cp.Child)
		n.fr = pc.fr.copyFor(n.sock)
		n.frontend = pgproto3.NewFrontend(n.fr, n.sock)
		n.wbuf = slices.Clone(pc.wbuf)
		n.params = maps.Clone(pc.params)
		return &n
	})
}
