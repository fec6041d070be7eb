package libpq

import (
	"io"
	"maps"
	"slices"
)

// Fork returns the connection a child process holds after the process
// holding c calls fork(2). A PGconn is plain memory, so the child's copy is
// the parent's state at fork time: server parameters, BackendKeyData,
// client encoding, standard_conforming_strings, server version, status and
// transaction status, the buffered input not yet parsed with its cursor
// positions, the queue of commands awaiting results, the result being
// built, the error message and pending error state, a read error not yet
// reported, the write-failure state, queued notifications and collected
// notices. Afterwards parent and child change their copies independently
// (no slice or map is shared) while both use the same socket, which is why
// libpq's documentation warns that forking with open connections gives
// unpredictable results.
//
// The copy does its I/O through rw, the child's view of the inherited
// socket, and closes rw when libpq would close its socket if rw is an
// io.Closer; its stream offsets come from rw (see StreamOffsetter). A
// pending read error is the same error value.
//
// If c uses its default notice processor, the copy uses its own default
// processor, which appends to the copy's notices; a processor installed
// with SetNoticeProcessor is kept as the same function value, like the
// function pointer a forked PGconn keeps. The result being built keeps its
// processor the same way: one made with c's default processor reports to
// the copy. The consume hook, if any, is kept as the same function value;
// install another on the copy to tell the two apart.
func (c *Conn) Fork(rw io.ReadWriter) *Conn {
	cp := *c
	cp.attach(rw)
	cp.inBuf = cloneBytes(c.inBuf)
	cp.segs = slices.Clone(c.segs)
	cp.ranges = nil // the ranges reported so far stay the parent's
	cp.errorMessage = cloneBytes(c.errorMessage)
	cp.cmdQueue = slices.Clone(c.cmdQueue)
	cp.notices = slices.Clone(c.notices)
	cp.params = maps.Clone(c.params)
	cp.notifies = slices.Clone(c.notifies)
	if c.noticeDefault {
		cp.notice = cp.defaultNoticeProcessor
	}
	cp.result = c.result.forkFor(&cp)
	return &cp
}

// forkFor returns a copy of r, owned by the forked connection c, sharing
// no memory with r. A nil r gives nil.
func (r *Result) forkFor(c *Conn) *Result {
	if r == nil {
		return nil
	}
	cp := *r
	cp.fields = slices.Clone(r.fields)
	for i := range cp.fields { // Name is a FieldDescription's only reference
		cp.fields[i].Name = cloneBytes(r.fields[i].Name)
	}
	cp.rows = cloneRows(r.rows)
	cp.paramTypes = slices.Clone(r.paramTypes)
	cp.errFields = slices.Clone(r.errFields)
	if r.noticeDefault {
		cp.notice = c.defaultNoticeProcessor
	}
	return &cp
}

// cloneBytes copies b with the same length and capacity, keeping nil and
// empty apart (an empty value is the empty string, nil is SQL NULL).
func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	nb := make([]byte, len(b), cap(b))
	copy(nb, b)
	return nb
}

func cloneRows(rows [][][]byte) [][][]byte {
	if rows == nil {
		return nil
	}
	out := make([][][]byte, len(rows))
	for i, row := range rows {
		if row != nil {
			out[i] = make([][]byte, len(row))
			for j, v := range row {
				out[i][j] = cloneBytes(v)
			}
		}
	}
	return out
}
