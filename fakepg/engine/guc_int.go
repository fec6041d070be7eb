package engine

import (
	"math"
	"strconv"
)

// normalizeIntGUC validates an integer parameter's value as parse_int and
// parse_and_validate_value do (decimal, octal or hex, or a number with a
// fraction or exponent, rounded; blanks around it; no unit) and renders it
// as SHOW does.
func normalizeIntGUC(name, value string, lo, hi int) (string, *Error) {
	invalid := func() *Error {
		return errorf(InvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", name, value)
	}
	n, end, ok := strtolBase0(value)
	if !ok || end < len(value) && (value[end] == '.' || value[end] == 'e' || value[end] == 'E') || math.IsInf(n, 0) {
		f, fend, status := strtod(value, skipCSpace(value, 0))
		if status != strtodOK || math.IsNaN(f) {
			return "", invalid()
		}
		n, end = f, fend
	}
	if skipCSpace(value, end) != len(value) {
		return "", invalid()
	}
	n = math.RoundToEven(n)
	if n > math.MaxInt32 || n < math.MinInt32 {
		e := invalid()
		e.Hint = "Value exceeds integer range."
		return "", e
	}
	if v := int(n); v < lo || v > hi {
		return "", errorf(InvalidParameterValue, "%d is outside the valid range for parameter \"%s\" (%d .. %d)", v, name, lo, hi)
	}
	return strconv.Itoa(int(n)), nil
}

// strtolBase0 is strtol(s, &end, 0): blanks, a sign, then 0x and hex
// digits, 0 and octal digits, or decimal digits. Overflow gives an
// infinity, so that the caller re-reads the number as a float.
func strtolBase0(s string) (float64, int, bool) {
	i := skipCSpace(s, 0)
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := 10
	switch {
	case i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && isHexDigit(s[i+2]):
		base, i = 16, i+2
	case i < len(s) && s[i] == '0':
		base = 8
	}
	start := i
	var n uint64
	overflow := false
	for ; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			break
		}
		if n > (math.MaxInt64-uint64(d))/uint64(base) {
			overflow = true
		}
		n = n*uint64(base) + uint64(d)
	}
	if i == start {
		return 0, 0, false
	}
	f := float64(n)
	if overflow {
		f = math.Inf(1)
	}
	if neg {
		f = -f
	}
	return f, i, true
}

func digitValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}
