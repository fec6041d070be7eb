package fakepg

import "github.com/poolsim/poolsim/fakepg/engine"

// binaryFormats makes every column binary.
var binaryFormats = []int16{1}

// sendSimpleResult sends a statement's result in the simple protocol: the
// notices raised before its rows were produced, the RowDescription (if it
// returns rows), then the rows with the notices raised among them, in
// binary for a FETCH from a BINARY cursor.
func (b *backend) sendSimpleResult(res *engine.Result) {
	var formats []int16
	if res.Binary {
		formats = binaryFormats
	}
	next := 0
	for next < len(res.Notices) && noticeRow(res, next) < 0 {
		b.sendError(res.Notices[next])
		next++
	}
	if res.Columns != nil {
		b.sendRowDescription(res.Columns, formats)
	}
	b.sendRowsAndNotices(res, formats, &next, 0, len(res.Rows), true)
}

// noticeRow returns how many rows had been produced when notice i was
// raised; notices without a position follow every row.
func noticeRow(res *engine.Result, i int) int {
	if res.NoticeRows == nil {
		return len(res.Rows)
	}
	return res.NoticeRows[i]
}

// sendRowsAndNotices sends rows [from, to) of res, each preceded by the
// notices raised before it was produced, starting at notice *next. The
// last batch of a result (final) also sends the notices left.
func (b *backend) sendRowsAndNotices(res *engine.Result, formats []int16, next *int, from, to int, final bool) {
	if *next >= len(res.Notices) {
		b.sendRows(res, formats, res.Rows[from:to])
		return
	}
	for r := from; r < to; r++ {
		for *next < len(res.Notices) && noticeRow(res, *next) <= r {
			b.sendError(res.Notices[*next])
			*next++
		}
		b.sendRows(res, formats, res.Rows[r:r+1])
	}
	for final && *next < len(res.Notices) {
		b.sendError(res.Notices[*next])
		*next++
	}
}
