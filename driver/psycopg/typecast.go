package psycopg

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/poolsim/poolsim/driver"
)

// The type OIDs with casts of their own (typecast_builtins.c); every
// other type is read as a string.
const (
	oidBool    = 16
	oidInt8    = 20
	oidInt2    = 21
	oidInt4    = 23
	oidOID     = 26
	oidFloat4  = 700
	oidFloat8  = 701
	oidNumeric = 1700
)

// typecast converts one value as psycopg2's cast for its column type
// does: int2, int4, int8 and oid become int64 (*big.Int beyond int64, as
// Python's int has no limit), float4 and float8 float64, numeric
// driver.Numeric, bool bool, NULL nil, everything else a string decoded
// from UTF-8. A value the cast cannot read raises what the cast raises
// (ValueError, decimal.InvalidOperation, InterfaceError, or
// UnicodeDecodeError for bytes that are not UTF-8).
func typecast(oid uint32, v []byte) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch oid {
	case oidInt8, oidInt4, oidInt2, oidOID:
		return castInt(v)
	case oidFloat4, oidFloat8:
		return castFloat(v)
	case oidNumeric:
		return castDecimal(v)
	case oidBool:
		return castBool(v)
	}
	return castUnicode(v)
}

// cString is the value as a C string: up to its first NUL.
func cString(v []byte) string {
	s := string(v)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

// castInt is typecast_LONGINTEGER_cast: PyLong_FromString(s, NULL, 0).
func castInt(v []byte) (any, error) {
	s := cString(v)
	bad := func() (any, error) {
		r := s
		if len(r) > 200 {
			r = r[:200]
		}
		return nil, builtin("ValueError", "invalid literal for int() with base 0: "+pyRepr(r))
	}
	t := strings.TrimFunc(s, unicode.IsSpace)
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	base := 10
	if len(t) >= 2 && t[0] == '0' {
		switch t[1] {
		case 'x', 'X':
			base, t = 16, t[2:]
		case 'o', 'O':
			base, t = 8, t[2:]
		case 'b', 'B':
			base, t = 2, t[2:]
		}
		if base != 10 && strings.HasPrefix(t, "_") {
			t = t[1:]
		}
	}
	digits, ok := pyDigits(t, base)
	if !ok {
		return bad()
	}
	if base == 10 && len(digits) > 1 && digits[0] == '0' && strings.Trim(digits, "0") != "" {
		return bad() // base 0 refuses leading zeros
	}
	if neg {
		digits = "-" + digits
	}
	if n, err := strconv.ParseInt(digits, base, 64); err == nil {
		return n, nil
	}
	z, _ := new(big.Int).SetString(digits, base)
	return z, nil
}

// pyDigits checks digits of base with Python's single underscores between
// them and returns them without the underscores.
func pyDigits(t string, base int) (string, bool) {
	if t == "" {
		return "", false
	}
	var b strings.Builder
	prevUnderscore := true
	for i := 0; i < len(t); i++ {
		ch := t[i]
		if ch == '_' {
			if prevUnderscore {
				return "", false
			}
			prevUnderscore = true
			continue
		}
		d := digitValue(ch)
		if d < 0 || d >= base {
			return "", false
		}
		b.WriteByte(ch)
		prevUnderscore = false
	}
	if prevUnderscore {
		return "", false
	}
	return b.String(), true
}

func digitValue(ch byte) int {
	switch {
	case ch >= '0' && ch <= '9':
		return int(ch - '0')
	case ch >= 'a' && ch <= 'z':
		return int(ch-'a') + 10
	case ch >= 'A' && ch <= 'Z':
		return int(ch-'A') + 10
	}
	return -1
}

// castFloat is typecast_FLOAT_cast: float(str).
func castFloat(v []byte) (any, error) {
	s, err := decodeUTF8(v)
	if err != nil {
		return nil, err
	}
	t := strings.TrimFunc(s, unicode.IsSpace)
	if f, ok := pyFloat(t); ok {
		return f, nil
	}
	return nil, builtin("ValueError", "could not convert string to float: "+pyRepr(s))
}

// pyFloat parses Python's float literal syntax: decimal digits with
// optional single underscores, a fraction and an exponent, or inf,
// infinity and nan in any case, with a sign.
func pyFloat(t string) (float64, bool) {
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 {
		return 0, false
	}
	switch strings.ToLower(body) {
	case "inf", "infinity", "nan":
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	mant, exp := body, ""
	if i := strings.IndexAny(body, "eE"); i >= 0 {
		mant, exp = body[:i], body[i+1:]
		if exp == "" {
			return 0, false
		}
		if exp[0] == '+' || exp[0] == '-' {
			exp = exp[1:]
		}
		if _, ok := pyDigits(exp, 10); !ok {
			return 0, false
		}
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if intPart == "" && frac == "" {
		return 0, false
	}
	if intPart != "" {
		if _, ok := pyDigits(intPart, 10); !ok {
			return 0, false
		}
	}
	if hasDot && frac != "" {
		if _, ok := pyDigits(frac, 10); !ok {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64)
	if err != nil && !isRangeError(err) {
		return 0, false
	}
	return f, true
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// castDecimal is typecast_DECIMAL_cast: Decimal(str).
func castDecimal(v []byte) (any, error) {
	s := cString(v)
	t := strings.ReplaceAll(strings.TrimFunc(s, unicode.IsSpace), "_", "")
	if !decimalSyntax(t) {
		return nil, builtin("decimal.InvalidOperation", "[<class 'decimal.ConversionSyntax'>]")
	}
	return driver.Numeric(t), nil
}

// decimalSyntax checks the syntax decimal.Decimal accepts.
func decimalSyntax(t string) bool {
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	lower := strings.ToLower(t)
	switch lower {
	case "inf", "infinity":
		return true
	}
	for _, nan := range []string{"snan", "nan"} {
		if rest, ok := strings.CutPrefix(lower, nan); ok {
			return strings.Trim(rest, "0123456789") == ""
		}
	}
	mant, exp, hasExp := strings.Cut(lower, "e")
	if hasExp {
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			exp = exp[1:]
		}
		if exp == "" || strings.Trim(exp, "0123456789") != "" {
			return false
		}
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" {
		return false
	}
	return strings.Trim(intPart, "0123456789") == "" && strings.Trim(frac, "0123456789") == ""
}

// castBool is typecast_BOOLEAN_cast: t or T is True, f or F False.
func castBool(v []byte) (any, error) {
	s := cString(v)
	if s != "" {
		switch s[0] {
		case 't', 'T':
			return true, nil
		case 'f', 'F':
			return false, nil
		}
	}
	return nil, exception(InterfaceError, fmt.Sprintf("can't parse boolean: '%s'", s))
}

// castUnicode is typecast_UNICODE_cast: the bytes decoded with the
// connection's codec (UTF-8, strict).
func castUnicode(v []byte) (any, error) {
	s, err := decodeUTF8(v)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// decodeUTF8 is Python's strict UTF-8 decoder, with its error texts.
func decodeUTF8(v []byte) (string, error) {
	if utf8.Valid(v) {
		return string(v), nil
	}
	for i := 0; i < len(v); {
		n, ok, reason := utf8Sequence(v[i:])
		if !ok {
			end := i + n - 1
			if n <= 1 {
				return "", builtin("UnicodeDecodeError",
					fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", v[i], i, reason))
			}
			return "", builtin("UnicodeDecodeError",
				fmt.Sprintf("'utf-8' codec can't decode bytes in position %d-%d: %s", i, end, reason))
		}
		i += n
	}
	return string(v), nil
}

// utf8Sequence reads one UTF-8 sequence at the start of b as CPython's
// decoder does: on success it returns its length; on failure the number of
// bytes the error covers and CPython's reason.
func utf8Sequence(b []byte) (int, bool, string) {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xbf)
	switch {
	case c < 0x80:
		return 1, true, ""
	case c >= 0xc2 && c <= 0xdf:
		need = 1
	case c >= 0xe0 && c <= 0xef:
		need = 2
		if c == 0xe0 {
			lo = 0xa0
		} else if c == 0xed {
			hi = 0x9f
		}
	case c >= 0xf0 && c <= 0xf4:
		need = 3
		if c == 0xf0 {
			lo = 0x90
		} else if c == 0xf4 {
			hi = 0x8f
		}
	default:
		return 1, false, "invalid start byte"
	}
	for k := 1; k <= need; k++ {
		if k >= len(b) {
			return k, false, "unexpected end of data"
		}
		x := b[k]
		l, h := byte(0x80), byte(0xbf)
		if k == 1 {
			l, h = lo, hi
		}
		if x < l || x > h {
			return k, false, "invalid continuation byte"
		}
	}
	return need + 1, true, ""
}

// pyRepr is Python's repr of a str.
func pyRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == utf8.RuneError || !unicode.IsPrint(r):
			if r <= 0xff {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else if r <= 0xffff {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}
