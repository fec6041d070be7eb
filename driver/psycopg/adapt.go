package psycopg

import (
	"encoding/hex"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/driver"
)

// Tuple is a Python tuple parameter: psycopg2 adapts it as an IN list,
// "(a, b)" (psycopg2.extensions.SQL_IN).
type Tuple []any

// psycoNull is what None becomes.
const psycoNull = "NULL"

// quote is microprotocol_getquoted with psycopg2's default adapters, for
// the Go values that stand for Python ones: nil (None), bool, the integer
// types and *big.Int (int), float32 and float64 (float), string (str),
// []byte (bytes), driver.Numeric (Decimal), Tuple (tuple), any other
// slice or array (list), a pointer as the value it points to (nil as
// None), and named types by their kind, as an int subclass adapts as an
// int. Anything else cannot be adapted.
func quote(c *Conn, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return psycoNull, nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case int:
		return quoteInt(strconv.FormatInt(int64(x), 10)), nil
	case int8:
		return quoteInt(strconv.FormatInt(int64(x), 10)), nil
	case int16:
		return quoteInt(strconv.FormatInt(int64(x), 10)), nil
	case int32:
		return quoteInt(strconv.FormatInt(int64(x), 10)), nil
	case int64:
		return quoteInt(strconv.FormatInt(x, 10)), nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case *big.Int:
		if x == nil {
			return psycoNull, nil
		}
		return quoteInt(x.String()), nil
	case float64:
		return quoteFloat(x), nil
	case float32:
		return quoteFloat(float64(x)), nil
	case string:
		return quoteString(c, x)
	case []byte:
		return quoteBinary(c, x), nil
	case driver.Numeric:
		return quoteDecimal(x), nil
	case Tuple:
		return quoteIn(c, x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return psycoNull, nil
		}
		return quote(c, rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		return quoteList(c, rv)
	case reflect.Bool:
		return quote(c, rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return quote(c, rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return quote(c, rv.Uint())
	case reflect.Float32, reflect.Float64:
		return quote(c, rv.Float())
	case reflect.String:
		return quote(c, rv.String())
	}
	return "", exception(ProgrammingError, "can't adapt type '"+reflect.TypeOf(v).String()+"'")
}

// quoteInt is pint_getquoted: the number, with a space before a minus
// sign (so that "- %s" never becomes a comment).
func quoteInt(s string) string {
	if strings.HasPrefix(s, "-") {
		return " " + s
	}
	return s
}

// quoteFloat is pfloat_getquoted: repr(f), or a quoted special value.
func quoteFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "'NaN'::float"
	case math.IsInf(f, 1):
		return "'Infinity'::float"
	case math.IsInf(f, -1):
		return "'-Infinity'::float"
	}
	return quoteInt(pyFloatRepr(f))
}

// pyFloatRepr is Python's repr of a float: the shortest digits that read
// back as f, in positional notation when the decimal exponent is in
// [-4, 16), else as d.ddde±XX.
func pyFloatRepr(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	e := strings.IndexByte(s, 'e')
	digits := strings.Replace(s[:e], ".", "", 1)
	exp, _ := strconv.Atoi(s[e+1:])
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		ed := strconv.Itoa(exp)
		if len(ed) < 2 {
			ed = "0" + ed
		}
		return sign + m + "e" + es + ed
	}
	if exp < 0 {
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	}
	if len(digits) <= exp+1 {
		return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	}
	return sign + digits[:exp+1] + "." + digits[exp+1:]
}

// stdStrings is the libpq connection's standard_conforming_strings, which
// PQescapeStringConn consults; without a PGconn psycopg2 falls back on
// PQescapeString, whose setting follows the servers libpq has seen
// (standard_conforming_strings has been on by default since 9.1).
func (c *Conn) stdStrings() bool {
	if c == nil || c.pg == nil {
		return true
	}
	return c.pg.ParameterStatus("standard_conforming_strings") == "on"
}

// quoteString is qstring_quote (psyco_escape_string): the string between
// quotes, as E'...' when the server's standard_conforming_strings was off
// at connect time, escaped by PQescapeStringConn for UTF8.
func quoteString(c *Conn, s string) (string, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return "", builtin("ValueError", "A string literal cannot contain NUL (0x00) characters.")
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	if c != nil && c.equote {
		b.WriteByte('E')
	}
	b.WriteByte('\'')
	escapeString(&b, s, c.stdStrings())
	b.WriteByte('\'')
	return b.String(), nil
}

// escapeString is PQescapeStringInternal for UTF8: quotes doubled,
// backslashes too when standard_conforming_strings is off, multibyte
// characters copied whole by their lead byte; an incomplete one at the
// end is padded with spaces and ends the output.
func escapeString(b *strings.Builder, s string, std bool) {
	for i := 0; i < len(s); {
		ch := s[i]
		if ch < 0x80 {
			if ch == '\'' || (ch == '\\' && !std) {
				b.WriteByte(ch)
			}
			b.WriteByte(ch)
			i++
			continue
		}
		n := utf8MBLen(ch)
		if i+n > len(s) {
			b.WriteString(s[i:])
			b.WriteString(strings.Repeat(" ", n-(len(s)-i)))
			return
		}
		b.WriteString(s[i : i+n])
		i += n
	}
}

// utf8MBLen is pg_utf_mblen: a UTF-8 character's length from its lead
// byte.
func utf8MBLen(ch byte) int {
	switch {
	case ch&0x80 == 0:
		return 1
	case ch&0xe0 == 0xc0:
		return 2
	case ch&0xf0 == 0xe0:
		return 3
	case ch&0xf8 == 0xf0:
		return 4
	}
	return 1
}

// quoteBinary is binary_quote: PQescapeByteaConn's hex form as a bytea
// literal.
func quoteBinary(c *Conn, p []byte) string {
	esc := `\x`
	if !c.stdStrings() {
		esc = `\\x`
	}
	lit := "'" + esc + hex.EncodeToString(p) + "'::bytea"
	if c != nil && c.equote {
		return "E" + lit
	}
	return lit
}

// quoteDecimal is pdecimal_getquoted: str(Decimal) for a finite value,
// 'NaN'::numeric for NaN and, as psycopg2 does, for infinities.
func quoteDecimal(n driver.Numeric) string {
	s := strings.TrimSpace(string(n))
	s = strings.TrimPrefix(s, "+")
	switch strings.ToLower(strings.TrimPrefix(s, "-")) {
	case "nan", "snan", "inf", "infinity":
		return "'NaN'::numeric"
	}
	return quoteInt(s)
}

// quoteIn is SQL_IN.getquoted: each item adapted, in parentheses.
func quoteIn(c *Conn, t Tuple) (string, error) {
	parts := make([]string, len(t))
	for i, o := range t {
		q, err := quote(c, o)
		if err != nil {
			return "", err
		}
		parts[i] = q
	}
	return "(" + strings.Join(parts, ", ") + ")", nil
}

// isList reports whether v is adapted as a Python list.
func isList(v any) bool {
	switch v.(type) {
	case nil, []byte, Tuple, string:
		return false
	}
	k := reflect.ValueOf(v).Kind()
	return k == reflect.Slice || k == reflect.Array
}

// quoteList is list_quote: ARRAY[...] of the adapted items, '{}' when
// empty, and the '{NULL,...}' form when every item is NULL (or a list of
// NULLs), which ARRAY[] cannot express.
func quoteList(c *Conn, rv reflect.Value) (string, error) {
	n := rv.Len()
	if n == 0 {
		return "'{}'", nil
	}
	qs := make([]string, n)
	allNulls := true
	for i := range n {
		item := rv.Index(i).Interface()
		if item == nil {
			qs[i] = psycoNull
			continue
		}
		q, err := quote(c, item)
		if err != nil {
			return "", err
		}
		if isList(item) {
			if strings.HasPrefix(q, "A") {
				allNulls = false
			} else if q == "'{}'" {
				allNulls = false
				q = "ARRAY[]"
			}
		} else {
			allNulls = false
		}
		qs[i] = q
	}
	if !allNulls {
		return "ARRAY[" + strings.Join(qs, ",") + "]", nil
	}
	for i, q := range qs {
		if strings.HasPrefix(q, "'") {
			qs[i] = q[1 : len(q)-1]
		}
	}
	return "'{" + strings.Join(qs, ",") + "}'", nil
}
