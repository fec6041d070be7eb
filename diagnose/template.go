package diagnose

import (
	"regexp"
	"strings"
)

// Template is one error text poolsim's components print, as its component
// formats it: libpq's printf format, psycopg2's, SQLAlchemy's, a pool's,
// pgx's, PostgreSQL's or Gunicorn's. A text matches a template when it
// contains the template's text with each verb replaced by a value (libpq's
// %c of a NUL byte ends the text there, as a C string does), or when it
// quotes only part of it: a key, a fixed fragment that names it alone.
type Template struct {
	// Format is the text with printf verbs (%c, %d, %s, %x, %f), like
	// `lost synchronization with server: got message type "%c", length %d`.
	// It names the template in an Evidence and in Design.Produces.
	Format string `json:"format"`
	// Source is the component that prints it ("libpq", "psycopg2",
	// "SQLAlchemy", "pgx", "PostgreSQL", "Gunicorn").
	Source string `json:"source"`
	// Keys are fragments of Format without verbs that identify the text
	// when only part of it is quoted (a log line cut short, a message
	// without its start).
	Keys []string `json:"keys"`
	// Meaning says what the text tells about the connection.
	Meaning string `json:"meaning"`

	// explain decodes a match's values ("" for verbs the match did not
	// reach) into detail lines; sql are the statements the evidence
	// shows.
	explain func(h hit, sql []string) []string
	full    *regexp.Regexp
	tails   []tail
}

// tail matches the part of the format from one verb on: a text quoting
// the end of the message gives the values from that verb on.
type tail struct {
	first int // index of the first verb it captures
	re    *regexp.Regexp
}

// token is a piece of a format: a literal or a verb.
type token struct {
	lit  string
	verb byte // 0 for a literal
	last bool // a %s with nothing after it
}

// tokens splits a printf format into literals and verbs; "%%" is a
// literal percent sign, flags and widths are dropped.
func tokens(format string) []token {
	var out []token
	var lit strings.Builder
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if ch != '%' || i+1 >= len(format) {
			lit.WriteByte(ch)
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("0123456789.-+# ", format[j]) >= 0 {
			j++
		}
		if j >= len(format) || format[j] == '%' {
			lit.WriteByte('%')
			i = j
			continue
		}
		if lit.Len() > 0 {
			out = append(out, token{lit: lit.String()})
			lit.Reset()
		}
		out = append(out, token{verb: format[j]})
		i = j
	}
	if lit.Len() > 0 {
		out = append(out, token{lit: lit.String()})
	}
	if n := len(out); n > 0 && out[n-1].verb == 's' {
		out[n-1].last = true
	}
	return out
}

// verbPattern is the capture group a verb's value matches.
func verbPattern(t token) string {
	switch t.verb {
	case 'c':
		return `(?s:(.))`
	case 'd':
		return `(-?\d+)`
	case 'x', 'X':
		return `([0-9a-fA-F]+)`
	case 'f':
		return `(-?\d+(?:\.\d+)?)`
	}
	if t.last {
		return `(.+)`
	}
	return `(.+?)`
}

// pattern is the regular expression of ts: after a %c the rest is
// optional, since a NUL character ends a C string where it stands. A
// tail's leading %s takes a value without spaces (nothing before it
// bounds it).
func pattern(ts []token, tail bool) string {
	var b strings.Builder
	open := 0
	for i, t := range ts {
		if t.verb == 0 {
			b.WriteString(regexp.QuoteMeta(t.lit))
			continue
		}
		if tail && i == 0 && t.verb == 's' {
			b.WriteString(`(\S+)`)
			continue
		}
		if t.verb == 'c' {
			b.WriteString(`(?:`)
			open++
		}
		b.WriteString(verbPattern(t))
	}
	for range open {
		b.WriteString(`)?`)
	}
	return b.String()
}

// compile builds the template's regular expressions.
func (t *Template) compile() {
	ts := tokens(t.Format)
	t.full = regexp.MustCompile(pattern(ts, false))
	verb := 0
	for i, tk := range ts {
		if tk.verb == 0 {
			continue
		}
		// A tail needs a literal after its first verb to anchor it, and a
		// first verb that is not optional.
		if tk.verb != 'c' && i+1 < len(ts) && len(strings.TrimSpace(ts[i+1].lit)) >= 8 {
			t.tails = append(t.tails, tail{first: verb, re: regexp.MustCompile(pattern(ts[i:], true))})
		}
		verb++
	}
}

// verbs is the number of verbs in the format.
func (t *Template) verbs() int {
	n := 0
	for _, tk := range tokens(t.Format) {
		if tk.verb != 0 {
			n++
		}
	}
	return n
}

// hit is one template found in one text.
type hit struct {
	template *Template
	// partial says the text quotes only part of the template.
	partial bool
	// args are the verbs' values, "" where the text did not give one.
	args []string
	// text is the matched part of the text.
	text string
}

// match looks for t in s: the whole template, else the end of it from a
// verb on, else one of its keys.
func (t *Template) match(s string) (hit, bool) {
	h := hit{template: t, args: make([]string, t.verbs())}
	if m := t.full.FindStringSubmatch(s); m != nil {
		copy(h.args, m[1:])
		h.text = m[0]
		return h, true
	}
	h.partial = true
	for _, tl := range t.tails {
		if m := tl.re.FindStringSubmatch(s); m != nil {
			copy(h.args[tl.first:], m[1:])
			h.text = m[0]
			return h, true
		}
	}
	for _, k := range t.Keys {
		if strings.Contains(s, k) {
			h.text = k
			return h, true
		}
	}
	return hit{}, false
}

// Match reports whether s contains the template's text, in full or in
// part (a key, or its end from a verb on).
func (t *Template) Match(s string) bool {
	_, ok := t.match(s)
	return ok
}
