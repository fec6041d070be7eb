package psycopg

import (
	"slices"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/procmem"
)

// CopyInto returns the connection as the forked child holds it (a
// connectionObject is plain process memory): every field as it was at
// fork time, libpq's PGconn copied by libpq's Fork over the child's
// descriptor of the same socket, conn->lock the child's copy of the mutex
// (held for ever if a thread other than the forking one held it), and the
// notice processor pointing at the copy, as the C callback's argument is
// the same address in the child.
func (c *Conn) CopyInto(cp *procmem.Copier) driver.Conn { return c.Copy(cp) }

// Copy is CopyInto returning the concrete connection.
func (c *Conn) Copy(cp *procmem.Copier) *Conn {
	return procmem.Copy(cp, c, func() *Conn {
		n := *c
		n.sock = c.sock.In(cp.Child)
		if c.pg != nil {
			n.pg = c.pg.Fork(n.sock)
			n.pg.SetNoticeProcessor(n.noticeCallback)
		}
		if c.mu != nil {
			n.mu = c.mu.In(cp.Child)
		}
		n.pgres = nil // a result on its way to an exception belongs to a thread the child lacks
		n.noticePending = slices.Clone(c.noticePending)
		n.notices = slices.Clone(c.notices)
		return &n
	})
}

// Copy returns the cursor as the forked child holds it: its state and its
// rows copied, its connection the child's copy of the connection.
func (cur *Cursor) Copy(cp *procmem.Copier) *Cursor {
	return procmem.Copy(cp, cur, func() *Cursor {
		n := *cur
		n.conn = cur.conn.Copy(cp)
		n.description = slices.Clone(cur.description)
		if cur.tuples != nil {
			t := &tuples{oids: slices.Clone(cur.tuples.oids), rows: make([][][]byte, len(cur.tuples.rows))}
			for i, row := range cur.tuples.rows {
				r := make([][]byte, len(row))
				for j, v := range row {
					if v != nil {
						r[j] = append(make([]byte, 0, len(v)), v...)
					}
				}
				t.rows[i] = r
			}
			n.tuples = t
		}
		return &n
	})
}
