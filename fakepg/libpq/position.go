package libpq

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// encoding is the client encoding as far as error cursor display cares:
// libpq measures characters and screen columns in the client encoding.
type encoding int

const (
	encSQLASCII encoding = iota // SQL_ASCII and every single-byte encoding
	encUTF8                     // UTF8
)

// encodingByName is pg_char_to_encoding for the names that matter here:
// the name is compared ignoring case and non-alphanumerics, "utf8" and
// "unicode" are UTF8, anything else is treated as single-byte (libpq falls
// back to SQL_ASCII for unknown names). Multibyte Asian encodings (EUC_*,
// SJIS, BIG5, GBK, UHC, GB18030, JOHAB) are not modelled and count as
// single-byte.
func encodingByName(name string) encoding {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		ch := name[i]
		switch {
		case ch >= 'A' && ch <= 'Z':
			b.WriteByte(ch - 'A' + 'a')
		case (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'):
			b.WriteByte(ch)
		}
	}
	switch b.String() {
	case "utf8", "unicode":
		return encUTF8
	}
	return encSQLASCII
}

// utf8Len is pg_utf_mblen: the sequence length from the first byte.
func utf8Len(b byte) int {
	switch {
	case b&0x80 == 0:
		return 1
	case b&0xe0 == 0xc0:
		return 2
	case b&0xf0 == 0xe0:
		return 3
	case b&0xf8 == 0xf0:
		return 4
	}
	return 1
}

// mblenBounded is PQmblenBounded: the character length, not past the end
// of the string.
func mblenBounded(s []byte, enc encoding) int {
	if len(s) == 0 {
		return 1
	}
	if enc != encUTF8 {
		return 1
	}
	n := utf8Len(s[0])
	if n > len(s) {
		n = len(s)
	}
	return n
}

// dsplen is pg_encoding_dsplen: the display width of the character at s.
func dsplen(s []byte, enc encoding) int {
	if len(s) == 0 {
		return 0
	}
	if enc != encUTF8 {
		switch {
		case s[0] == 0:
			return 0
		case s[0] < 0x20 || s[0] == 0x7f:
			return -1
		}
		return 1
	}
	at := func(i int) uint32 {
		if i < len(s) {
			return uint32(s[i])
		}
		return 0
	}
	var ucs uint32
	c := s[0]
	switch {
	case c&0x80 == 0:
		ucs = uint32(c)
	case c&0xe0 == 0xc0:
		ucs = (uint32(c)&0x1f)<<6 | at(1)&0x3f
	case c&0xf0 == 0xe0:
		ucs = (uint32(c)&0x0f)<<12 | (at(1)&0x3f)<<6 | at(2)&0x3f
	case c&0xf8 == 0xf0:
		ucs = (uint32(c)&0x07)<<18 | (at(1)&0x3f)<<12 | (at(2)&0x3f)<<6 | at(3)&0x3f
	default:
		ucs = 0xffffffff
	}
	return ucsWidth(ucs)
}

// ucsWidth is ucs_wcwidth: 0 for NUL and non-spacing marks (general
// categories Mn and Me), -1 for control characters, 2 for East Asian Wide
// and Fullwidth characters, 1 otherwise. The Unicode tables are Go's rather
// than PostgreSQL 15's (Unicode 14), so very recent characters may differ.
func ucsWidth(ucs uint32) int {
	if ucs == 0 {
		return 0
	}
	if ucs < 0x20 || (ucs >= 0x7f && ucs < 0xa0) || ucs > 0x10ffff {
		return -1
	}
	r := rune(ucs)
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Error cursor display limits of reportErrorPosition.
const (
	displaySize = 60 // screen width limit, in columns
	minRightCut = 10 // try to keep this far from the end of the line
)

// reportErrorPosition is libpq's reportErrorPosition: append the "LINE n:"
// line holding the 1-based character position loc of query, cut to about
// 60 columns around the position, and a line with a caret under it.
func reportErrorPosition(b *strings.Builder, query string, loc int, enc encoding) {
	loc-- // to 0-based
	if loc < 0 {
		return
	}
	wquery := []byte(query)
	n := len(wquery)
	qidx := make([]int, n+1)
	scridx := make([]int, n+1)
	mb := enc == encUTF8

	// Record the byte offset and screen column of each character up to
	// the end of the line holding loc; count lines before it.
	qoffset, scroffset := 0, 0
	locLine, ibeg, iend := 1, 0, -1
	cno := 0
	for ; qoffset < n; cno++ {
		ch := wquery[qoffset]
		qidx[cno] = qoffset
		scridx[cno] = scroffset
		if ch == '\t' {
			wquery[qoffset] = ' '
		} else if ch == '\r' || ch == '\n' {
			if cno < loc {
				// \r\n counts as one line break.
				if ch == '\r' || cno == 0 || wquery[qidx[cno-1]] != '\r' {
					locLine++
				}
				ibeg = cno + 1
			} else {
				iend = cno
				break
			}
		}
		if mb {
			w := dsplen(wquery[qoffset:], enc)
			if w <= 0 {
				w = 1
			}
			scroffset += w
			qoffset += mblenBounded(wquery[qoffset:], enc)
		} else {
			scroffset++
			qoffset++
		}
	}
	if iend < 0 {
		iend = cno
		qidx[iend] = qoffset
		scridx[iend] = scroffset
	}
	if loc > cno {
		return // position past the end of the query
	}

	begTrunc, endTrunc := false, false
	if scridx[iend]-scridx[ibeg] > displaySize {
		if scridx[ibeg]+displaySize >= scridx[loc]+minRightCut {
			// Cutting the right side is enough.
			for scridx[iend]-scridx[ibeg] > displaySize {
				iend--
			}
			endTrunc = true
		} else {
			// Cut the right side if not too close to loc.
			for scridx[loc]+minRightCut < scridx[iend] {
				iend--
				endTrunc = true
			}
			// Cut the left side if still too long.
			for scridx[iend]-scridx[ibeg] > displaySize {
				ibeg++
				begTrunc = true
			}
		}
	}
	line := wquery[:qidx[iend]]

	prefix := fmt.Sprintf("LINE %d: ", locLine)
	if begTrunc {
		prefix += "..."
	}
	b.WriteString(prefix)
	// The prefix's screen width.
	scroffset = 0
	for i := 0; i < len(prefix); i += mblenBounded([]byte(prefix[i:]), enc) {
		w := dsplen([]byte(prefix[i:]), enc)
		if w <= 0 {
			w = 1
		}
		scroffset += w
	}
	b.Write(line[qidx[ibeg]:])
	if endTrunc {
		b.WriteString("...")
	}
	b.WriteByte('\n')

	scroffset += scridx[loc] - scridx[ibeg]
	b.WriteString(strings.Repeat(" ", max(scroffset, 0)))
	b.WriteString("^\n")
}
