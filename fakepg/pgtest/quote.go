package pgtest

import (
	"strconv"
	"strings"
)

// maxQuoted caps how many bytes of raw data a line shows.
const maxQuoted = 200

// quoteBytes quotes b as a Go string, cut to maxQuoted bytes.
func quoteBytes(b []byte) string {
	if len(b) > maxQuoted {
		return strconv.Quote(string(b[:maxQuoted])) + "..." + strconv.Itoa(len(b)) + " bytes"
	}
	return strconv.Quote(string(b))
}

// quoteIfNeeded returns s as it is if it is non-empty and has no spaces,
// quotes, brackets, colons, equals signs, or unprintable characters, and
// quoted otherwise.
func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \"[]:=|") || printable(s) != s {
		return strconv.Quote(s)
	}
	return s
}

// printable escapes control characters and invalid UTF-8 in s as in a Go
// string literal (a newline becomes \n), leaving everything else,
// including quotes, as it is.
func printable(s string) string {
	q := strconv.Quote(s)
	q = q[1 : len(q)-1]
	if !strings.Contains(q, `\`) {
		return q
	}
	// Undo the escaping of quotes and backslashes; keep the rest.
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] == '\\' && i+1 < len(q) && (q[i+1] == '"' || q[i+1] == '\\') {
			if q[i+1] == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte('"')
			}
			i++
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
