package engine

import (
	"math"
	"strconv"
	"strings"
)

// float8 (double precision) as PostgreSQL 15's float.c has it: input
// through strtod with float8in's special words and range errors, output
// as the shortest exact decimal (extra_float_digits > 0, the default) or
// with 15 + extra_float_digits significant digits, and arithmetic that
// fails on overflow, underflow and division by zero.

var (
	nan       = math.NaN()
	posInf    = math.Inf(1)
	negInf    = math.Inf(-1)
	maxFloat8 = math.MaxFloat64
)

func invalidFloat8(s string) *Error {
	return errorf(InvalidTextRepresentation, "invalid input syntax for type double precision: \"%s\"", s)
}

// parseFloat8 is float8in: blanks around a number strtod accepts, or one
// of the special words.
func parseFloat8(s string) (float64, error) {
	i := skipCSpace(s, 0)
	if i == len(s) {
		return 0, invalidFloat8(s)
	}
	f, end, status := strtod(s, i)
	switch status {
	case strtodNone:
		for _, sp := range float8Specials {
			if hasPrefixFold(s[i:], sp.word) {
				f, end, status = sp.val, i+len(sp.word), strtodOK
				break
			}
		}
		if status == strtodNone {
			return 0, invalidFloat8(s)
		}
	case strtodRange:
		return 0, errorf(NumericValueOutOfRange, "\"%s\" is out of range for type double precision", s[i:end])
	}
	if skipCSpace(s, end) != len(s) {
		return 0, invalidFloat8(s)
	}
	return f, nil
}

var float8Specials = []struct {
	word string
	val  float64
}{
	{"NaN", nan}, {"Infinity", posInf}, {"+Infinity", posInf}, {"-Infinity", negInf},
	{"inf", posInf}, {"+inf", posInf}, {"-inf", negInf},
}

type strtodStatus int

const (
	strtodOK    strtodStatus = iota
	strtodNone               // no number at s[i:]
	strtodRange              // a number that overflows or underflows to zero
)

// strtod reads the longest prefix of s[i:] that glibc's strtod reads as a
// number: a sign, then a decimal number with an optional exponent, a
// hexadecimal one with an optional binary exponent, inf, infinity, or nan
// with an optional (chars) suffix. Denormal results are accepted; results
// that overflow, or underflow to zero from nonzero digits, are strtodRange.
func strtod(s string, i int) (float64, int, strtodStatus) {
	j := i
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	rest := s[j:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		return signed(posInf, neg), j + 8, strtodOK
	case hasPrefixFold(rest, "inf"):
		return signed(posInf, neg), j + 3, strtodOK
	case hasPrefixFold(rest, "nan"):
		end := j + 3
		if end < len(s) && s[end] == '(' {
			k := end + 1
			for k < len(s) && (isDigit(s[k]) || s[k] == '_' || isASCIILetter(s[k])) {
				k++
			}
			if k < len(s) && s[k] == ')' {
				end = k + 1
			}
		}
		return nan, end, strtodOK
	case len(rest) > 2 && rest[0] == '0' && asciiLower(rest[1]) == 'x' && (isHexDigit(rest[2]) || rest[2] == '.' && len(rest) > 3 && isHexDigit(rest[3])):
		return strtodHex(s, i, j+2)
	}
	k := j
	digits, nonzero := 0, false
	for k < len(s) && isDigit(s[k]) {
		nonzero = nonzero || s[k] != '0'
		k++
		digits++
	}
	if k < len(s) && s[k] == '.' {
		k++
		for k < len(s) && isDigit(s[k]) {
			nonzero = nonzero || s[k] != '0'
			k++
			digits++
		}
	}
	if digits == 0 {
		return 0, i, strtodNone
	}
	if k < len(s) && (s[k] == 'e' || s[k] == 'E') {
		e := k + 1
		if e < len(s) && (s[e] == '+' || s[e] == '-') {
			e++
		}
		if e < len(s) && isDigit(s[e]) {
			for e < len(s) && isDigit(s[e]) {
				e++
			}
			k = e
		}
	}
	return parsedFloat(s[i:k], i, k, nonzero)
}

// strtodHex reads a hexadecimal float whose digits start at s[d:].
func strtodHex(s string, i, d int) (float64, int, strtodStatus) {
	k := d
	nonzero := false
	for k < len(s) && isHexDigit(s[k]) {
		nonzero = nonzero || s[k] != '0'
		k++
	}
	if k < len(s) && s[k] == '.' {
		k++
		for k < len(s) && isHexDigit(s[k]) {
			nonzero = nonzero || s[k] != '0'
			k++
		}
	}
	mantissa := s[i:k]
	if k < len(s) && (s[k] == 'p' || s[k] == 'P') {
		e := k + 1
		if e < len(s) && (s[e] == '+' || s[e] == '-') {
			e++
		}
		if e < len(s) && isDigit(s[e]) {
			for e < len(s) && isDigit(s[e]) {
				e++
			}
			f, _, st := parsedFloat(s[i:e], i, e, nonzero)
			return f, e, st
		}
	}
	f, _, st := parsedFloat(mantissa+"p0", i, k, nonzero)
	return f, k, st
}

// parsedFloat converts the text of a number strtod accepted.
func parsedFloat(text string, i, end int, nonzero bool) (float64, int, strtodStatus) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, end, strtodRange
		}
		return 0, i, strtodNone
	}
	if f == 0 && nonzero {
		return f, end, strtodRange // underflow
	}
	return f, end, strtodOK
}

func signed(f float64, neg bool) float64 {
	if neg {
		return -f
	}
	return f
}

func isHexDigit(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// appendFloat8 appends f as float8out does with extra_float_digits
// extra: the shortest decimal that reads back exactly when extra > 0,
// else %g with 15 + extra significant digits (at least 1).
func appendFloat8(dst []byte, f float64, extra int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if extra > 0 {
		return appendShortestFloat(dst, f)
	}
	return append(dst, formatFloatG(f, max(15+extra, 1))...)
}

// formatFloatG is C's printf %.*g.
func formatFloatG(f float64, digits int) string {
	return strconv.FormatFloat(f, 'g', digits, 64)
}

// appendShortestFloat is PostgreSQL's double_to_shortest_decimal: the
// shortest digits that read back as f, in fixed notation when the decimal
// exponent is at least -4 and below 15, else as d.ddde+XX.
func appendShortestFloat(dst []byte, f float64) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	sci := strconv.AppendFloat(nil, f, 'e', -1, 64)
	ePos := strings.IndexByte(string(sci), 'e')
	exp, _ := strconv.Atoi(string(sci[ePos+1:]))
	if exp < -4 || exp >= 15 {
		return append(dst, sci...)
	}
	mant := sci[:ePos]
	if mant[0] == '-' {
		dst = append(dst, '-')
		mant = mant[1:]
	}
	digits := make([]byte, 0, len(mant))
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	if exp < 0 {
		dst = append(dst, "0."...)
		dst = append(dst, strings.Repeat("0", -exp-1)...)
		return append(dst, digits...)
	}
	if len(digits) <= exp+1 {
		dst = append(dst, digits...)
		return append(dst, strings.Repeat("0", exp+1-len(digits))...)
	}
	dst = append(dst, digits[:exp+1]...)
	dst = append(dst, '.')
	return append(dst, digits[exp+1:]...)
}

// floatArith applies + - * / to two float8 values with float.c's checks:
// an infinite result from finite operands overflows, a zero product or
// quotient of nonzero operands underflows, and dividing by zero fails.
func floatArith(op string, x, y float64) (Value, error) {
	var r float64
	switch op {
	case "+":
		r = x + y
	case "-":
		r = x - y
	case "*":
		r = x * y
		if r == 0 && x != 0 && y != 0 {
			return nil, newError(NumericValueOutOfRange, "value out of range: underflow")
		}
	case "/":
		if y == 0 && !math.IsNaN(x) {
			return nil, divisionByZero()
		}
		r = x / y
		if r == 0 && x != 0 && !math.IsInf(y, 0) {
			return nil, newError(NumericValueOutOfRange, "value out of range: underflow")
		}
	}
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return nil, newError(NumericValueOutOfRange, "value out of range: overflow")
	}
	return r, nil
}

// floatToInt converts a float8 to an integer type as dtoi4 and dtoi8 do:
// rounded to the nearest integer, halves to even, with the type's range
// error for NaN and values out of range.
func floatToInt(f float64, to Type) (int64, error) {
	r := math.RoundToEven(f)
	// the limits below are exact float8 values: -2^63 fits, 2^63 does not
	if math.IsNaN(r) || r < -9223372036854775808.0 || r >= 9223372036854775808.0 {
		return 0, intRangeError(to)
	}
	v, err := checkRange(to, int64(r))
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}
