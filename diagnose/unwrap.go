package diagnose

import (
	"regexp"
	"strconv"
	"strings"
)

// Raised is one exception as an error text shows it (a traceback's last
// line, a Celery task failure, a line of its own), with SQLAlchemy's
// wrapping taken apart:
//
//	sqlalchemy.exc.DatabaseError: (psycopg2.DatabaseError) error with status PGRES_TUPLES_OK and no message from the libpq
//	[SQL: SELECT kv.k AS kv_k, kv.v AS kv_v FROM kv WHERE kv.k = 'k1']
//	(Background on this error at: https://sqlalche.me/e/14/4xp6)
//
// is Class "sqlalchemy.exc.DatabaseError", DBAPI "psycopg2.DatabaseError",
// the message alone, the statement and the code "4xp6".
type Raised struct {
	// Class is the exception's class as printed ("IndexError",
	// "sqlalchemy.exc.ResourceClosedError"); "" when the text names none.
	Class string `json:"class,omitempty"`
	// DBAPI is the driver exception SQLAlchemy wrapped, from its
	// "(psycopg2.OperationalError) " prefix.
	DBAPI string `json:"dbapi,omitempty"`
	// Message is the message without the wrappers.
	Message string `json:"message"`
	// SQL and Params are the statement and its parameters from "[SQL:
	// ...]" and "[parameters: ...]".
	SQL    string `json:"sql,omitempty"`
	Params string `json:"params,omitempty"`
	// Code is the error code of SQLAlchemy's "(Background on this error
	// at: https://sqlalche.me/e/14/CODE)".
	Code string `json:"code,omitempty"`
}

// String renders the exception on one line: the class, the driver class
// and the message's first line.
func (r Raised) String() string {
	msg, _, _ := strings.Cut(r.Message, "\n")
	if r.DBAPI != "" {
		msg = "(" + r.DBAPI + ") " + msg
	}
	if r.Class != "" {
		return r.Class + ": " + msg
	}
	return msg
}

var (
	// exceptionLine is a traceback's last line: a qualified class name,
	// then ": " and the message (or nothing).
	exceptionLine = regexp.MustCompile(`^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)(?:: (.*)|:?\s*)$`)
	// dbapiPrefix is SQLAlchemy's "(psycopg2.DatabaseError) " before a
	// driver's message.
	dbapiPrefix = regexp.MustCompile(`^\(((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\) `)
	// background is SQLAlchemy's link to the error's documentation.
	background = regexp.MustCompile(`\(Background on this error at: https?://sqlalche\.me/e/[\w.]+/(\w+)\)`)
	// celeryFailure is Celery's "raised unexpected: Class('message')".
	celeryFailure = regexp.MustCompile(`raised unexpected: ((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\(`)
)

// isClass reports whether name reads as an exception class outside a
// traceback: a name ending in Error, Exception or Warning, or a dotted
// name whose last part is capitalised (psycopg2.errors.UniqueViolation).
func isClass(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	for _, s := range []string{"Error", "Exception", "Warning"} {
		if strings.HasSuffix(last, s) {
			return true
		}
	}
	return strings.Contains(name, ".") && last != "" && last[0] >= 'A' && last[0] <= 'Z'
}

// Unwrap finds the exceptions in an error text: the last line of each
// traceback (a chained traceback has several), each Celery task failure
// (its repr unescaped), or lines that begin with an exception class. A
// text with none of them is one Raised with the text as its message.
// Traceback frames (the "File" lines and their source) are left out, so
// that a source line quoting a message is not taken for the message.
func Unwrap(text string) []Raised {
	var out []Raised
	var cur *Raised
	var body []string
	var rest []string // lines outside any exception
	flush := func() {
		if cur != nil {
			finish(cur, body)
			out = append(out, *cur)
		}
		cur, body = nil, nil
	}
	inTraceback := false
	lines := strings.Split(text, "\n")
	for _, line := range lines {
		switch {
		case strings.HasPrefix(line, "Traceback (most recent call last):"):
			flush()
			inTraceback = true
			continue
		case strings.HasPrefix(line, "During handling of the above exception"),
			strings.HasPrefix(line, "The above exception was the direct cause"):
			flush()
			continue
		case inTraceback && (strings.HasPrefix(line, " ") || line == ""):
			continue // a frame, its source line or a caret line
		}
		if m := celeryFailure.FindStringSubmatchIndex(line); m != nil {
			flush()
			if s, ok := pyString(line[m[1]:]); ok {
				r := Raised{Class: line[m[2]:m[3]]}
				finish(&r, strings.Split(s, "\n"))
				out = append(out, r)
				inTraceback = false
				continue
			}
		}
		if m := exceptionLine.FindStringSubmatch(line); m != nil && (inTraceback || isClass(m[1])) {
			flush()
			inTraceback = false
			cur = &Raised{Class: m[1]}
			body = []string{m[2]}
			continue
		}
		inTraceback = false
		if cur != nil {
			body = append(body, line)
		} else {
			rest = append(rest, line)
		}
	}
	flush()
	if len(out) == 0 {
		r := Raised{}
		finish(&r, rest)
		if r.Message != "" {
			out = append(out, r)
		}
	}
	return out
}

// finish takes a message's lines apart: the driver class prefix, the
// statement, its parameters and the documentation code.
func finish(r *Raised, lines []string) {
	var msg []string
	inSQL := false
	var sql []string
	for _, l := range lines {
		switch {
		case inSQL:
			sql = append(sql, l)
			if strings.HasSuffix(l, "]") {
				inSQL = false
			}
		case strings.HasPrefix(l, "[SQL: "):
			sql = append(sql, strings.TrimPrefix(l, "[SQL: "))
			inSQL = !strings.HasSuffix(l, "]")
		case strings.HasPrefix(l, "[parameters: "):
			r.Params = strings.TrimSuffix(strings.TrimPrefix(l, "[parameters: "), "]")
		case background.MatchString(l):
			r.Code = background.FindStringSubmatch(l)[1]
		default:
			msg = append(msg, l)
		}
	}
	if len(sql) > 0 {
		r.SQL = strings.TrimSuffix(strings.Join(sql, "\n"), "]")
	}
	m := strings.TrimRight(strings.Join(msg, "\n"), "\n ")
	if p := dbapiPrefix.FindStringSubmatch(m); p != nil {
		r.DBAPI = p[1]
		m = m[len(p[0]):]
	}
	r.Message = m
}

// pyString reads a Python string literal as repr prints it (quoted with
// ' or ", escapes \n \t \r \\ \' \" \xNN \uNNNN \UNNNNNNNN) at the start
// of s.
func pyString(s string) (string, bool) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", false
	}
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return b.String(), true
		case c != '\\' || i+1 >= len(s):
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+n >= len(s) {
				return "", false
			}
			v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", false
			}
			if e == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += n
		default:
			b.WriteByte(e)
		}
	}
	return "", false
}
