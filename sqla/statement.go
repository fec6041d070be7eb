package sqla

import (
	"regexp"
	"strings"

	"github.com/poolsim/poolsim/sqla/exc"
)

// Param is one bound parameter value.
type Param struct {
	Name  string
	Value any
}

// P builds parameters from name, value pairs: P("k", "a", "v", 1).
func P(nameValues ...any) []Param {
	var out []Param
	for i := 0; i+1 < len(nameValues); i += 2 {
		name, _ := nameValues[i].(string)
		out = append(out, Param{Name: name, Value: nameValues[i+1]})
	}
	return out
}

// Executable is a statement Connection.Execute and Session.Execute run: a
// text() construct or a compiled select().
type Executable interface {
	// cacheKey identifies the statement's compiled form in the engine's
	// compiled cache.
	cacheKey() cacheKey
	compile() *compiled
}

// cacheKey is a statement's key in the compiled cache: its kind, its SQL
// and, for a select, its result columns joined by NULs.
type cacheKey struct {
	kind, sql, columns string
}

// TextClause is text(): SQL with :name bind parameters, whose result
// columns are whatever the cursor describes.
type TextClause struct {
	SQL string
}

// Text returns text(sql).
func Text(sql string) *TextClause { return &TextClause{SQL: sql} }

func (t *TextClause) cacheKey() cacheKey { return cacheKey{kind: "text", sql: t.SQL} }

func (t *TextClause) compile() *compiled {
	c := compileBinds(t.SQL)
	c.parseAutocommit = true
	return c
}

// SelectStatement is a select() construct as SQLAlchemy's compiler renders
// it for the psycopg2 dialect, with the labels of its result columns: what
// an ORM query or a Core select() executes. Its SQL is given rendered
// (labels like kv_k, aliases like activity_1_id), with :name binds.
//
// Its result metadata is what makes the result layer trust positions: the
// first execution whose cursor describes as many columns as the statement
// has maps them one to one and caches that on the compiled statement, and
// every later execution reuses it whatever the cursor says (SQLAlchemy
// 1.4's CursorResult._init_metadata). A reply that belongs to another
// query then hands that query's values to the caller under these labels,
// without any error when the widths agree.
type SelectStatement struct {
	SQL     string
	Columns []string
}

// Select returns a compiled select() of the given SQL and result labels.
func Select(sql string, columns ...string) *SelectStatement {
	return &SelectStatement{SQL: sql, Columns: columns}
}

func (s *SelectStatement) cacheKey() cacheKey {
	return cacheKey{kind: "select", sql: s.SQL, columns: strings.Join(s.Columns, "\x00")}
}

func (s *SelectStatement) compile() *compiled {
	c := compileBinds(s.SQL)
	c.columns = append([]string(nil), s.Columns...)
	return c
}

// compiled is a statement compiled for the psycopg2 dialect (pyformat).
//
// Invariant: cachedMeta, once set, is the metadata of every execution of
// the statement (it is set only for positional, cache-safe metadata).
type compiled struct {
	pyformat        string   // the statement as SQLAlchemy prints it: %(name)s binds
	format          string   // the same with %s binds, for the driver's positional args
	binds           []string // bind names in order of appearance (repeats included)
	columns         []string // result labels; nil for text()
	parseAutocommit bool     // legacy autocommit is decided from the SQL text
	cachedMeta      *metadata
}

// compileBinds renders :name binds as text() does, with the regular
// expression (?<![:\w\\]):(\w+)(?!:) and \: for a literal colon; percent
// signs are doubled when the statement has binds (pyformat).
func compileBinds(sql string) *compiled {
	if strings.IndexByte(sql, ':') < 0 {
		// no bind and no escaped colon: both renderings are the text
		return &compiled{pyformat: sql, format: sql}
	}
	return renderBinds(sql)
}

// renderBinds is compileBinds for any text.
func renderBinds(sql string) *compiled {
	var py, fm strings.Builder
	py.Grow(len(sql))
	fm.Grow(len(sql))
	var binds []string
	hasBinds := false
	for i := 0; i < len(sql) && !hasBinds; i++ {
		hasBinds = sql[i] == ':' && bindLen(sql, i) > 0
	}
	for i := 0; i < len(sql); i++ {
		ch := sql[i]
		switch {
		case ch == '\\' && i+1 < len(sql) && sql[i+1] == ':':
			py.WriteByte(':')
			fm.WriteByte(':')
			i++
			continue
		case ch == '%' && hasBinds:
			py.WriteString("%%")
			fm.WriteString("%%")
			continue
		case ch == ':' && bindLen(sql, i) > 0:
			j := i + 1 + bindLen(sql, i)
			name := sql[i+1 : j]
			binds = append(binds, name)
			py.WriteString("%(" + name + ")s")
			fm.WriteString("%s")
			i = j - 1
			continue
		}
		py.WriteByte(ch)
		fm.WriteByte(ch)
	}
	return &compiled{pyformat: py.String(), format: fm.String(), binds: binds}
}

// bindLen is the length of the bind name the colon at i starts, 0 for
// none: the colon must not follow a colon, word character or backslash,
// and the name is the longest run of word characters not followed by a
// colon, as the regular expression's backtracking finds it (so :a::int is
// no bind, and :ab::int binds a).
func bindLen(s string, i int) int {
	if i > 0 && (s[i-1] == ':' || isWordByte(s[i-1]) || s[i-1] == '\\') {
		return 0
	}
	j := i + 1
	for j < len(s) && isWordByte(s[j]) {
		j++
	}
	n := j - (i + 1)
	if j < len(s) && s[j] == ':' {
		n--
	}
	return max(n, 0)
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// bindValues returns the driver's positional arguments and the parameter
// dictionary SQLAlchemy would show, in the order of the binds; a bind
// without a value is InvalidRequestError "A value is required for bind
// parameter".
func (c *compiled) bindValues(params []Param) ([]any, []Param, error) {
	var args []any
	var shown []Param
	for _, name := range c.binds {
		v, ok := lookupParam(params, name)
		if !ok {
			return nil, nil, exc.WithCode(exc.InvalidRequestError,
				"A value is required for bind parameter '"+name+"'", "cd3x")
		}
		args = append(args, v)
		if _, dup := lookupParam(shown, name); !dup {
			shown = append(shown, Param{Name: name, Value: v})
		}
	}
	return args, shown, nil
}

func lookupParam(params []Param, name string) (any, bool) {
	for _, p := range params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return nil, false
}

// driverSQL is exec_driver_sql's statement: %(name)s placeholders are
// turned into positional %s for the driver (the same text reaches the
// server: psycopg2 interpolates both alike).
func driverSQL(sql string, params []Param) (string, []any) {
	if len(params) == 0 {
		return sql, nil
	}
	var b strings.Builder
	var args []any
	for i := 0; i < len(sql); i++ {
		if sql[i] == '%' && i+1 < len(sql) && sql[i+1] == '(' {
			if end := strings.Index(sql[i:], ")s"); end > 0 {
				name := sql[i+2 : i+end]
				v, _ := lookupParam(params, name)
				args = append(args, v)
				b.WriteString("%s")
				i += end + 1
				continue
			}
		}
		if sql[i] == '%' && i+1 < len(sql) && sql[i+1] == '%' {
			b.WriteString("%%")
			i++
			continue
		}
		b.WriteByte(sql[i])
	}
	return b.String(), args
}

// paramsRepr is _repr_params of a single parameter dictionary, "" when
// there are none.
func paramsRepr(params []Param) string {
	if len(params) == 0 {
		return ""
	}
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = pyStrRepr(p.Name) + ": " + truncRepr(p.Value)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// pgAutocommitRE is PGExecutionContext's AUTOCOMMIT_REGEXP, matched at the
// start of the statement.
var pgAutocommitRE = regexp.MustCompile(`(?i)^\s*(?:UPDATE|INSERT|CREATE|DELETE|DROP|ALTER|GRANT|REVOKE|IMPORT FOREIGN SCHEMA|REFRESH MATERIALIZED VIEW|TRUNCATE)`)
