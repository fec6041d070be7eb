package fakepg

import (
	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// replies is what a session reuses to encode its replies: the buffer one
// message is encoded into before the send buffer copies it, and the
// messages sent for every statement and row, so that a round trip
// allocates none of them.
type replies struct {
	enc   []byte // the message being sent
	data  []byte // the bytes the message's fields point into
	ends  []int  // where each DataRow value ends in data; -1 for NULL
	row   pgproto3.DataRow
	desc  pgproto3.RowDescription
	done  pgproto3.CommandComplete
	ready pgproto3.ReadyForQuery
}

// maxKeptReply is the largest encoding buffer a session keeps between
// messages; a larger one, grown for a huge row, is dropped.
const maxKeptReply = 64 << 10

// send encodes msg and queues it in the send buffer.
func (b *backend) send(msg pgproto3.BackendMessage) {
	r := &b.replies
	r.enc = encode(r.enc[:0], msg)
	b.out.put(r.enc)
	if cap(r.enc) > maxKeptReply {
		r.enc = nil
	}
}

// scratch returns the reusable field buffer, emptied; it is never nil, so
// that an empty value sliced from it is not NULL.
func (r *replies) scratch() []byte {
	if cap(r.data) > maxKeptReply {
		r.data = nil
	}
	if r.data == nil {
		r.data = make([]byte, 0, 256)
	}
	return r.data[:0]
}

// sendReady queues ReadyForQuery with the transaction status.
func (b *backend) sendReady(status byte) {
	b.replies.ready.TxStatus = status
	b.send(&b.replies.ready)
}

// sendCommandComplete queues CommandComplete with tag.
func (b *backend) sendCommandComplete(tag engine.Tag) {
	r := &b.replies
	r.data = tag.Append(r.scratch())
	r.done.CommandTag = r.data
	b.send(&r.done)
}

// sendRowDescription queues a RowDescription; formats holds the result
// format codes (nil: all text).
func (b *backend) sendRowDescription(cols []engine.ResultColumn, formats []int16) {
	r := &b.replies
	r.data = r.scratch()
	for _, c := range cols {
		r.data = append(r.data, c.Name...)
	}
	r.desc.Fields = r.desc.Fields[:0]
	start := 0
	for i, c := range cols {
		end := start + len(c.Name)
		r.desc.Fields = append(r.desc.Fields, pgproto3.FieldDescription{
			Name: r.data[start:end:end], TableOID: c.TableOID, TableAttributeNumber: uint16(c.AttNum),
			DataTypeOID: c.Type.OID, DataTypeSize: c.Type.Len, TypeModifier: c.Modifier(), Format: formatOf(formats, i),
		})
		start = end
	}
	b.send(&r.desc)
}

// formatOf returns the format code of column i: one code applies to all
// columns, otherwise one per column.
func formatOf(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return 0
	case 1:
		return formats[0]
	}
	return formats[i]
}

// sendRows queues a DataRow per row, in the result formats.
func (b *backend) sendRows(res *engine.Result, formats []int16, rows [][]engine.Value) {
	r := &b.replies
	for _, row := range rows {
		r.data, r.ends = r.scratch(), r.ends[:0]
		for i, v := range row {
			t := res.Columns[i].Type
			var ok bool
			if formatOf(formats, i) == 1 {
				r.data, ok = engine.AppendBinary(r.data, t, v)
			} else {
				r.data, ok = engine.AppendText(r.data, t, v)
			}
			end := len(r.data)
			if !ok {
				end = -1
			}
			r.ends = append(r.ends, end)
		}
		r.row.Values = r.row.Values[:0]
		start := 0
		for _, end := range r.ends {
			if end < 0 {
				r.row.Values = append(r.row.Values, nil)
				continue
			}
			r.row.Values = append(r.row.Values, r.data[start:end:end])
			start = end
		}
		b.send(&r.row)
	}
}
