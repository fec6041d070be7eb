package sqla

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/poolsim/poolsim/driver"
)

// pyRepr is Python's repr() of a parameter or column value as psycopg2
// hands them over: str, int, float, bool, None, Decimal, bytes.
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return pyStrRepr(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return pyFloatRepr(x)
	case driver.Numeric:
		return "Decimal(" + pyStrRepr(string(x)) + ")"
	case []byte:
		return "b" + pyStrRepr(string(x))
	}
	return fmt.Sprint(v)
}

// pyStr is Python's str() of a value.
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

// pyStrRepr is repr(str): single quotes unless the text holds a single
// quote and no double quote; backslash escapes for the quote, backslash,
// \t \n \r and unprintable characters.
func pyStrRepr(s string) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&b, `\udc%02x`, s[i]) // surrogateescape
			i++
			continue
		}
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f || unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += n
	}
	b.WriteByte(q)
	return b.String()
}

// pyFloatRepr is repr(float): the shortest text that reads back, with a
// ".0" for integral values and Python's exponent form.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	exp := 0
	if f != 0 {
		exp = int(math.Floor(math.Log10(math.Abs(f))))
	}
	if exp < -4 || exp >= 16 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, e, _ := strings.Cut(s, "e")
		sign := e[0]
		digits := strings.TrimLeft(e[1:], "0")
		for len(digits) < 2 {
			digits = "0" + digits
		}
		return mant + "e" + string(sign) + digits
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// truncRepr is _repr_base.trunc with max_chars 300.
func truncRepr(v any) string {
	const maxChars = 300
	rep := pyRepr(v)
	n := utf8.RuneCountInString(rep)
	if n <= maxChars {
		return rep
	}
	runes := []rune(rep)
	seg := maxChars / 2
	return string(runes[:seg]) + fmt.Sprintf(" ... (%d characters truncated) ... ", n-maxChars) + string(runes[n-seg:])
}
