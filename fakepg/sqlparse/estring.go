package sqlparse

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escape strings, E'...': backslash escapes decoded as PostgreSQL's scanner
// does (the <xe> state of scan.l), with its errors.

// eString scans the rest of an E'...' literal; the current offset is just
// after the opening quote and start is the offset of the E.
func (lx *lexer) eString(start int) token {
	var b []byte
	sawNonASCII := false // an escape produced a NUL or non-ASCII byte
	for {
		if lx.off >= len(lx.src) {
			return lx.lexError("unterminated quoted string", start, len(lx.src))
		}
		c := lx.src[lx.off]
		switch {
		case c == '\'' && lx.peekByte(lx.off+1) == '\'':
			b = append(b, '\'')
			lx.off += 2
		case c == '\'':
			lx.off++
			if next, ok := lx.continuation(); ok {
				lx.off = next + 1
				continue
			}
			if sawNonASCII {
				if err := checkUTF8(b); err != nil {
					return token{kind: tError, start: start, end: lx.off, pos: lx.charPos(start), err: err}
				}
			}
			return lx.make(tEString, start, string(b))
		case c == '\\':
			var errTok *token
			b, sawNonASCII, errTok = lx.escape(b, sawNonASCII)
			if errTok != nil {
				return *errTok
			}
		default:
			b = append(b, c)
			lx.off++
		}
	}
}

// escape decodes the backslash escape at the current offset, appending its
// value to b.
func (lx *lexer) escape(b []byte, sawNonASCII bool) ([]byte, bool, *token) {
	esc := lx.off
	c := lx.peekByte(esc + 1)
	switch {
	case esc+1 >= len(lx.src):
		// A backslash just before the end: kept, and the string is
		// unterminated.
		lx.off++
		return append(b, '\\'), sawNonASCII, nil
	case '0' <= c && c <= '7':
		n, i := 0, esc+1
		for ; i < esc+4 && '0' <= lx.peekByte(i) && lx.peekByte(i) <= '7'; i++ {
			n = n*8 + int(lx.peekByte(i)-'0')
		}
		lx.off = i
		v := byte(n)
		return append(b, v), sawNonASCII || v == 0 || v >= 0x80, nil
	case c == 'x' && isHexDigit(lx.peekByte(esc+2)):
		i := esc + 2
		for ; i < esc+4 && isHexDigit(lx.peekByte(i)); i++ {
		}
		v, _ := strconv.ParseUint(lx.src[esc+2:i], 16, 8)
		lx.off = i
		return append(b, byte(v)), sawNonASCII || v == 0 || v >= 0x80, nil
	case c == 'u' || c == 'U':
		r, errTok := lx.unicodeEscape()
		if errTok != nil {
			return b, sawNonASCII, errTok
		}
		return utf8.AppendRune(b, r), sawNonASCII, nil
	}
	lx.off += 2
	switch c {
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	}
	return append(b, c), sawNonASCII || c >= 0x80, nil
}

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hexEscape reads \uXXXX or \UXXXXXXXX at off, returning the code point and
// the escape's length, or ok=false if the digits are missing.
func (lx *lexer) hexEscape(off int) (r rune, n int, ok bool) {
	digits := 4
	if lx.peekByte(off+1) == 'U' {
		digits = 8
	}
	for i := 0; i < digits; i++ {
		if !isHexDigit(lx.peekByte(off + 2 + i)) {
			return 0, 0, false
		}
	}
	v, _ := strconv.ParseUint(lx.src[off+2:off+2+digits], 16, 32)
	return rune(v), 2 + digits, true
}

// unicodeEscape decodes a Unicode escape, and the second half of a UTF-16
// surrogate pair after a first half.
func (lx *lexer) unicodeEscape() (rune, *token) {
	esc := lx.off
	r, n, ok := lx.hexEscape(esc)
	if !ok {
		return 0, lx.invalidUnicodeEscape(esc)
	}
	lx.off += n
	switch {
	case 0xDC00 <= r && r <= 0xDFFF:
		t := lx.lexError("invalid Unicode surrogate pair", esc, lx.off)
		return 0, &t
	case 0xD800 <= r && r <= 0xDBFF:
		second := lx.off
		if lx.peekByte(second) != '\\' || (lx.peekByte(second+1) != 'u' && lx.peekByte(second+1) != 'U') {
			return 0, lx.badSurrogate(second)
		}
		r2, n2, ok := lx.hexEscape(second)
		if !ok {
			return 0, lx.invalidUnicodeEscape(second)
		}
		lx.off += n2
		if r2 < 0xDC00 || r2 > 0xDFFF {
			t := lx.lexError("invalid Unicode surrogate pair", second, lx.off)
			return 0, &t
		}
		r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
	}
	if r <= 0 || r > 0x10FFFF {
		t := lx.lexError("invalid Unicode escape value", esc, lx.off)
		return 0, &t
	}
	return r, nil
}

// badSurrogate reports a first surrogate half followed by something other
// than a Unicode escape at off.
func (lx *lexer) badSurrogate(off int) *token {
	if off >= len(lx.src) {
		pos := lx.charPos(off)
		return &token{kind: tError, start: off, end: off, pos: pos, err: &Error{
			Code: CodeSyntaxError, Message: "invalid Unicode surrogate pair at end of input", Position: pos,
		}}
	}
	_, size := utf8.DecodeRuneInString(lx.src[off:])
	if lx.src[off] >= 0x80 {
		size = 1 // PostgreSQL's scanner reports the single byte
	}
	t := lx.lexError("invalid Unicode surrogate pair", off, off+size)
	return &t
}

// invalidUnicodeEscape reports a \u or \U escape without enough digits.
func (lx *lexer) invalidUnicodeEscape(off int) *token {
	pos := lx.charPos(off)
	return &token{kind: tError, start: off, end: off, pos: pos, err: &Error{
		Code: CodeInvalidEscapeSequence, Message: "invalid Unicode escape", Position: pos,
	}}
}

// checkUTF8 reports the first invalid UTF-8 sequence in b as PostgreSQL's
// pg_verifymbstr does (without a position).
func checkUTF8(b []byte) *Error {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if b[i] != 0 && (r != utf8.RuneError || size > 1) {
			i += size
			continue
		}
		n := utf8Len(b[i])
		if n > len(b)-i {
			n = len(b) - i
		}
		var hex []string
		for _, c := range b[i : i+n] {
			hex = append(hex, fmt.Sprintf("0x%02x", c))
		}
		return &Error{
			Code:    CodeCharacterNotInRepertoire,
			Message: `invalid byte sequence for encoding "UTF8": ` + strings.Join(hex, " "),
		}
	}
	return nil
}

// utf8Len is the length of the UTF-8 sequence a byte starts, as
// PostgreSQL's pg_utf_mblen computes it.
func utf8Len(c byte) int {
	switch {
	case c&0x80 == 0:
		return 1
	case c&0xe0 == 0xc0:
		return 2
	case c&0xf0 == 0xe0:
		return 3
	case c&0xf8 == 0xf0:
		return 4
	}
	return 1
}
