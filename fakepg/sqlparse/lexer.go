package sqlparse

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxIdentLen is the longest identifier PostgreSQL keeps (NAMEDATALEN-1
// bytes); longer ones are truncated.
const maxIdentLen = 63

// lexer splits a query into tokens the way PostgreSQL's scanner does
// (src/backend/parser/scan.l), with standard_conforming_strings on.
type lexer struct {
	src string
	off int // byte offset of the next character

	// Character positions are computed incrementally: posOff is a byte
	// offset whose 1-based character position is posChar.
	posOff, posChar int
}

// tokenize returns the tokens of src. The last token is tEOF, or tError
// if the scanner would fail there; nothing after an error is scanned.
func tokenize(src string) []token {
	lx := &lexer{src: src, posChar: 1}
	toks := make([]token, 0, len(src)/4+4)
	for {
		t := lx.next()
		toks = append(toks, t)
		if t.kind == tEOF || t.kind == tError {
			return toks
		}
	}
}

// charPos returns the 1-based character position of byte offset off. Offsets
// must not decrease between calls.
func (lx *lexer) charPos(off int) int {
	lx.posChar += utf8.RuneCountInString(lx.src[lx.posOff:off])
	lx.posOff = off
	return lx.posChar
}

// peekByte returns the byte at offset off, or 0 past the end.
func (lx *lexer) peekByte(off int) byte {
	if off < len(lx.src) {
		return lx.src[off]
	}
	return 0
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentCont(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

// isDolqCont reports whether c may continue a dollar-quote tag (like an
// identifier, but without $).
func isDolqCont(c byte) bool { return isIdentStart(c) || isDigit(c) }

// isOpChar reports whether c may be part of a multi-character operator.
func isOpChar(c byte) bool { return strings.IndexByte("~!@#^&|`?+-*/%<>=", c) >= 0 }

// isSelfChar reports whether c is returned as a single-character token.
func isSelfChar(c byte) bool { return strings.IndexByte(",()[].;:+-*/%^<>=", c) >= 0 }

// lexError returns a tError token for message at the token starting at
// start and ending at end (the text PostgreSQL quotes after "at or near").
func (lx *lexer) lexError(message string, start, end int) token {
	pos := lx.charPos(start)
	return token{kind: tError, start: start, end: end, pos: pos, err: &Error{
		Code:     CodeSyntaxError,
		Message:  message + ` at or near "` + lx.src[start:end] + `"`,
		Position: pos,
	}}
}

// make returns a token of kind k spanning start to the current offset.
func (lx *lexer) make(k tokKind, start int, val string) token {
	return token{kind: k, start: start, end: lx.off, pos: lx.charPos(start), val: val}
}

// skipSpace skips whitespace and comments. It returns a tError token for an
// unterminated /* comment, and ok=false then.
func (lx *lexer) skipSpace() (token, bool) {
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case isSpace(c):
			lx.off++
		case c == '-' && lx.peekByte(lx.off+1) == '-':
			lx.skipLineComment()
		case c == '/' && lx.peekByte(lx.off+1) == '*':
			if !lx.skipBlockComment() {
				return lx.lexError("unterminated /* comment", lx.off, len(lx.src)), false
			}
		default:
			return token{}, true
		}
	}
	return token{}, true
}

// skipLineComment skips a -- comment up to (not including) the newline.
func (lx *lexer) skipLineComment() {
	for lx.off < len(lx.src) && lx.src[lx.off] != '\n' && lx.src[lx.off] != '\r' {
		lx.off++
	}
}

// skipBlockComment skips a /* comment, which may nest. On failure it leaves
// the offset at the comment's start and returns false.
func (lx *lexer) skipBlockComment() bool {
	i, depth := lx.off+2, 1
	for i < len(lx.src) {
		switch {
		case lx.src[i] == '/' && lx.peekByte(i+1) == '*':
			depth++
			i += 2
		case lx.src[i] == '*' && lx.peekByte(i+1) == '/':
			depth--
			i += 2
			if depth == 0 {
				lx.off = i
				return true
			}
		default:
			i++
		}
	}
	return false
}

// next scans the next token.
func (lx *lexer) next() token {
	if t, ok := lx.skipSpace(); !ok {
		return t
	}
	start := lx.off
	if start >= len(lx.src) {
		return token{kind: tEOF, start: start, end: start, pos: lx.charPos(start)}
	}
	c := lx.src[start]
	c1 := lx.peekByte(start + 1)
	switch {
	case c == '\'':
		lx.off++
		return lx.quotedString(tString, start)
	case c == '"':
		return lx.quotedIdent(tQIdent, start, start+1)
	case c == '$':
		return lx.dollar(start)
	case isDigit(c) || c == '.' && isDigit(c1):
		return lx.number(start)
	case isIdentStart(c):
		return lx.word(start)
	case c == ':' && c1 == ':':
		lx.off += 2
		return lx.make(tTypecast, start, "::")
	case c == '.' && c1 == '.':
		lx.off += 2
		return lx.make(tDotDot, start, "..")
	case c == ':' && c1 == '=':
		lx.off += 2
		return lx.make(tColonEquals, start, ":=")
	case isOpChar(c):
		return lx.operator(start)
	default:
		// A "self" character (, ( ) [ ] . ; :) or any other single byte.
		lx.off++
		t := lx.make(tChar, start, lx.src[start:lx.off])
		t.ch = c
		return t
	}
}

// word scans an identifier or key word, or one of the prefixed literals
// B'..', X'..', E'..', N'..', U&'..' and U&"..".
func (lx *lexer) word(start int) token {
	c := lx.src[start] | 0x20 // ASCII lower case
	c1 := lx.peekByte(start + 1)
	if c1 == '\'' {
		switch c {
		case 'b':
			lx.off += 2
			return lx.bitString(tBitString, start, "unterminated bit string literal")
		case 'x':
			lx.off += 2
			return lx.bitString(tHexString, start, "unterminated hexadecimal string literal")
		case 'e':
			lx.off += 2
			return lx.eString(start)
		case 'n':
			// N'...' is the key word NCHAR followed by a string.
			lx.off++
			t := lx.make(tIdent, start, "nchar")
			t.kw = keywords["nchar"]
			return t
		}
	}
	if c == 'u' && c1 == '&' {
		switch lx.peekByte(start + 2) {
		case '\'':
			lx.off += 3
			return lx.quotedString(tUString, start)
		case '"':
			return lx.quotedIdent(tUIdent, start, start+3)
		}
	}
	lx.off++
	for lx.off < len(lx.src) && isIdentCont(lx.src[lx.off]) {
		lx.off++
	}
	text := lx.src[start:lx.off]
	if kw := lookupKeyword(text); kw != nil {
		t := lx.make(tIdent, start, kw.name)
		t.kw = kw
		return t
	}
	return lx.make(tIdent, start, truncateIdent(foldIdent(text)))
}

// foldIdent lower-cases the ASCII letters of an unquoted identifier, as
// PostgreSQL does for a UTF-8 database.
func foldIdent(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// truncateIdent cuts an identifier to maxIdentLen bytes without splitting
// a character, as PostgreSQL does (with a NOTICE we do not send).
func truncateIdent(s string) string {
	if len(s) <= maxIdentLen {
		return s
	}
	n := maxIdentLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// quotedString scans the rest of a '...' (or U&'...') string whose opening
// quote ends just before the current offset. Adjacent literals separated by
// whitespace containing a newline are joined, as the SQL standard says.
func (lx *lexer) quotedString(k tokKind, start int) token {
	var b strings.Builder
	for {
		if lx.off >= len(lx.src) {
			return lx.lexError("unterminated quoted string", start, len(lx.src))
		}
		c := lx.src[lx.off]
		switch {
		case c == '\'' && lx.peekByte(lx.off+1) == '\'':
			b.WriteByte('\'')
			lx.off += 2
		case c == '\'':
			lx.off++
			if next, ok := lx.continuation(); ok {
				lx.off = next + 1
				continue
			}
			return lx.make(k, start, b.String())
		default:
			b.WriteByte(c)
			lx.off++
		}
	}
}

// bitString scans the rest of a B'...' or X'...' literal.
func (lx *lexer) bitString(k tokKind, start int, unterminated string) token {
	var b strings.Builder
	for {
		i := strings.IndexByte(lx.src[lx.off:], '\'')
		if i < 0 {
			return lx.lexError(unterminated, start, len(lx.src))
		}
		b.WriteString(lx.src[lx.off : lx.off+i])
		lx.off += i + 1
		if next, ok := lx.continuation(); ok {
			lx.off = next + 1
			continue
		}
		return lx.make(k, start, b.String())
	}
}

// continuation reports whether a quoted literal that closed just before the
// current offset continues: whitespace (and -- comments) including at least
// one newline, then another quote. It returns the quote's offset.
func (lx *lexer) continuation() (int, bool) {
	i, newline := lx.off, false
	for i < len(lx.src) {
		c := lx.src[i]
		switch {
		case c == '\n' || c == '\r':
			newline = true
			i++
		case isSpace(c):
			i++
		case c == '-' && lx.peekByte(i+1) == '-':
			for i < len(lx.src) && lx.src[i] != '\n' && lx.src[i] != '\r' {
				i++
			}
		case c == '\'' && newline:
			return i, true
		default:
			return 0, false
		}
	}
	return 0, false
}

// quotedIdent scans a "quoted identifier" (or U&"..." one) starting at
// start, whose body starts at body.
func (lx *lexer) quotedIdent(k tokKind, start, body int) token {
	var b strings.Builder
	lx.off = body
	for {
		i := strings.IndexByte(lx.src[lx.off:], '"')
		if i < 0 {
			return lx.lexError("unterminated quoted identifier", start, len(lx.src))
		}
		b.WriteString(lx.src[lx.off : lx.off+i])
		lx.off += i + 1
		if lx.peekByte(lx.off) == '"' {
			b.WriteByte('"')
			lx.off++
			continue
		}
		if b.Len() == 0 {
			return lx.lexError("zero-length delimited identifier", start, lx.off)
		}
		return lx.make(k, start, truncateIdent(b.String()))
	}
}

// dollar scans what starts with $: a parameter $n, a dollar-quoted string
// $tag$...$tag$, or a lone $ character.
func (lx *lexer) dollar(start int) token {
	i := start + 1
	if isDigit(lx.peekByte(i)) {
		for isDigit(lx.peekByte(i)) {
			i++
		}
		if isIdentStart(lx.peekByte(i)) {
			for isIdentCont(lx.peekByte(i)) {
				i++
			}
			return lx.lexError("trailing junk after parameter", start, i)
		}
		lx.off = i
		t := lx.make(tParam, start, lx.src[start:i])
		if n, err := strconv.Atoi(lx.src[start+1 : i]); err == nil && n <= 1<<31-1 {
			t.param = n
		}
		return t
	}
	if isIdentStart(lx.peekByte(i)) {
		for isDolqCont(lx.peekByte(i)) {
			i++
		}
	}
	if lx.peekByte(i) != '$' {
		// Not a delimiter: the $ stands alone and the rest is rescanned.
		lx.off = start + 1
		t := lx.make(tChar, start, "$")
		t.ch = '$'
		return t
	}
	delim := lx.src[start : i+1]
	body := i + 1
	end := strings.Index(lx.src[body:], delim)
	if end < 0 {
		return lx.lexError("unterminated dollar-quoted string", start, len(lx.src))
	}
	lx.off = body + end + len(delim)
	return lx.make(tString, start, lx.src[body:body+end])
}

// number scans a numeric literal, rejecting trailing identifier characters
// as PostgreSQL 15 does.
func (lx *lexer) number(start int) token {
	i := start
	for isDigit(lx.peekByte(i)) {
		i++
	}
	kind := tInteger
	if lx.peekByte(i) == '.' {
		if i > start && lx.peekByte(i+1) == '.' {
			// 1..10 is 1 followed by "..".
			lx.off = i
			return lx.make(tInteger, start, lx.src[start:i])
		}
		kind = tFloat
		i++
		for isDigit(lx.peekByte(i)) {
			i++
		}
	}
	if c := lx.peekByte(i); c == 'e' || c == 'E' {
		j := i + 1
		if s := lx.peekByte(j); s == '+' || s == '-' {
			j++
			if !isDigit(lx.peekByte(j)) {
				return lx.lexError("trailing junk after numeric literal", start, j)
			}
		}
		if isDigit(lx.peekByte(j)) {
			kind = tFloat
			for isDigit(lx.peekByte(j)) {
				j++
			}
			i = j
		}
	}
	if isIdentStart(lx.peekByte(i)) {
		for isIdentCont(lx.peekByte(i)) {
			i++
		}
		return lx.lexError("trailing junk after numeric literal", start, i)
	}
	lx.off = i
	return lx.make(kind, start, lx.src[start:i])
}

// operator scans an operator by PostgreSQL's rules: the longest run of
// operator characters, cut before any comment start, and without trailing
// + and - unless the operator has a character that SQL operators lack.
func (lx *lexer) operator(start int) token {
	end := start
	for end < len(lx.src) && isOpChar(lx.src[end]) {
		end++
	}
	text := lx.src[start:end]
	if i := commentStart(text); i >= 0 {
		text = text[:i]
	}
	if len(text) > 1 && (text[len(text)-1] == '+' || text[len(text)-1] == '-') &&
		!strings.ContainsAny(text[:len(text)-1], "~!@#^&|`?%") {
		for len(text) > 1 && (text[len(text)-1] == '+' || text[len(text)-1] == '-') {
			text = text[:len(text)-1]
		}
	}
	lx.off = start + len(text)
	if len(text) == 1 && isSelfChar(text[0]) {
		t := lx.make(tChar, start, text)
		t.ch = text[0]
		return t
	}
	switch text {
	case "=>":
		return lx.make(tEqualsGreater, start, text)
	case ">=":
		return lx.make(tGreaterEquals, start, text)
	case "<=":
		return lx.make(tLessEquals, start, text)
	case "<>", "!=":
		return lx.make(tNotEquals, start, text)
	}
	if len(text) > maxIdentLen {
		return lx.lexError("operator too long", start, lx.off)
	}
	return lx.make(tOp, start, text)
}

// commentStart returns the offset of the first "/*" or "--" in an operator
// run, or -1.
func commentStart(s string) int {
	a, b := strings.Index(s, "/*"), strings.Index(s, "--")
	switch {
	case a < 0:
		return b
	case b < 0 || a < b:
		return a
	default:
		return b
	}
}
