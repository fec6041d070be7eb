package fakepg

import (
	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// PostgreSQL keeps protocol-level portals and SQL cursors in one table: a
// Bind cannot reuse a cursor's name, DECLARE cannot reuse a portal's,
// CLOSE closes either, and Describe, Execute and Close of a portal reach a
// cursor of that name. The backend is the engine session's view of its
// protocol-level portals (engine.ProtocolPortals).

// HasPortal reports whether a protocol-level portal named name exists.
func (b *backend) HasPortal(name string) bool {
	_, ok := b.portals[name]
	return ok
}

// DropPortal drops the protocol-level portal named name.
func (b *backend) DropPortal(name string) { delete(b.portals, name) }

// DropPortals drops every protocol-level portal but the one running, as
// CLOSE ALL does.
func (b *backend) DropPortals() {
	p, running := b.portals[b.running.name], b.running.active
	clear(b.portals)
	if running && p != nil {
		b.portals[b.running.name] = p
	}
}

// describeCursor answers a Describe of the portal of the SQL cursor named
// name; it reports false when there is no such cursor. A cursor's portal
// has text result formats, even for a BINARY cursor (only a simple-protocol
// FETCH sends binary).
func (b *backend) describeCursor(name string) (bool, *engine.Error) {
	cols, ok := b.sess.CursorColumns(name)
	if !ok {
		return false, nil
	}
	if b.sess.InFailedBlock() {
		return true, engine.FailedBlockError()
	}
	b.sendRowDescription(cols, nil)
	return true, nil
}

// executeCursor runs an Execute of the portal of the SQL cursor named
// name, as PostgreSQL runs a SELECT portal: up to maxRows rows, then
// PortalSuspended, or CommandComplete when the cursor came up short. It
// reports false when there is no such cursor.
func (b *backend) executeCursor(name string, maxRows uint32) (bool, *engine.Error) {
	if !b.sess.HasCursor(name) {
		return false, nil
	}
	res, suspended, err := b.sess.ExecuteCursor(name, int(maxRows))
	if err != nil {
		return true, err
	}
	next := 0
	b.sendRowsAndNotices(res, nil, &next, 0, len(res.Rows), true)
	if suspended {
		b.send(&pgproto3.PortalSuspended{})
	} else {
		b.sendCommandComplete(res.Tag)
	}
	return true, nil
}
