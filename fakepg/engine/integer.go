package engine

import (
	"fmt"
	"math"
)

// The integer types smallint, integer and bigint as PostgreSQL's int.c and
// int8.c have them: every value is an int64 in the engine, checked against
// its type's range wherever PostgreSQL checks it (input, casts,
// arithmetic), with the type's 22003 error.

// intRange returns the smallest and largest value of an integer type.
func intRange(t Type) (int64, int64) {
	switch t {
	case Int2:
		return math.MinInt16, math.MaxInt16
	case Int4:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// isInteger reports whether t is smallint, integer or bigint.
func isInteger(t Type) bool { return t == Int2 || t == Int4 || t == Int8 }

// intRangeError is the error of a value outside t's range.
func intRangeError(t Type) *Error {
	return errorf(NumericValueOutOfRange, "%s out of range", t.Name)
}

// checkRange fails with 22003 when v does not fit t.
func checkRange(t Type, v int64) (Value, error) {
	if lo, hi := intRange(t); v < lo || v > hi {
		return nil, intRangeError(t)
	}
	return v, nil
}

// parseInt is pg_strtoint16/32/64: blanks, an optional sign, digits,
// blanks. Overflow is reported as soon as the digits exceed the range,
// before anything after them is looked at.
func parseInt(s string, t Type) (Value, error) {
	i := skipCSpace(s, 0)
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	if i >= len(s) || !isDigit(s[i]) {
		return nil, errorf(InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", t.Name, s)
	}
	lo, hi := intRange(t)
	// accumulate negatively, so that the most negative value fits
	var n int64
	for ; i < len(s) && isDigit(s[i]); i++ {
		d := int64(s[i] - '0')
		if n < (lo+d)/10 {
			return nil, errorf(NumericValueOutOfRange, "value \"%s\" is out of range for type %s", s, t.Name)
		}
		n = n*10 - d
	}
	if skipCSpace(s, i) != len(s) {
		return nil, errorf(InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", t.Name, s)
	}
	if !neg {
		if n < -hi {
			return nil, errorf(NumericValueOutOfRange, "value \"%s\" is out of range for type %s", s, t.Name)
		}
		n = -n
	}
	return n, nil
}

// intArith applies + - * / % to two integers of type t (both operands
// already of t), failing with t's range error on overflow and with 22012
// on division by zero. PostgreSQL's cross-type operators (int4 + int8 and
// the like) give the wider type's result and error, which is what
// widening both operands first gives.
func intArith(op string, t Type, x, y int64) (Value, error) {
	lo, hi := intRange(t)
	var r int64
	switch op {
	case "+":
		r = x + y
		if (r > x) != (y > 0) {
			return nil, intRangeError(t)
		}
	case "-":
		r = x - y
		if (r < x) != (y > 0) {
			return nil, intRangeError(t)
		}
	case "*":
		r = x * y
		if x != 0 && (r/x != y || x == -1 && y == math.MinInt64) {
			return nil, intRangeError(t)
		}
	case "/":
		if y == 0 {
			return nil, divisionByZero()
		}
		if y == -1 && x == lo {
			return nil, intRangeError(t)
		}
		r = x / y
	case "%":
		if y == 0 {
			return nil, divisionByZero()
		}
		if y == -1 {
			return int64(0), nil // INT_MIN % -1 is 0, not an overflow
		}
		r = x % y
	default:
		panic(fmt.Sprintf("engine: integer operator %s", op))
	}
	if r < lo || r > hi {
		return nil, intRangeError(t)
	}
	return r, nil
}

// negInt is integer unary minus, whose only overflow is the most negative
// value of the type.
func negInt(t Type, x int64) (Value, error) {
	if lo, _ := intRange(t); x == lo {
		return nil, intRangeError(t)
	}
	return -x, nil
}

// parseBool is boolin: blanks around a prefix of true, false, yes or no,
// or on, of(f), 1 or 0, in any case.
func parseBool(s string) (Value, error) {
	start, end := skipCSpace(s, 0), len(s)
	for end > start && isCSpace(s[end-1]) {
		end--
	}
	v := []byte(s[start:end])
	for i, c := range v {
		v[i] = asciiLower(c)
	}
	prefix := func(word string, min int) bool {
		return len(v) >= min && len(v) <= len(word) && word[:len(v)] == string(v)
	}
	switch {
	case len(v) == 0:
	case prefix("true", 1), prefix("yes", 1), prefix("on", 2), string(v) == "1":
		return true, nil
	case prefix("false", 1), prefix("no", 1), prefix("off", 2), string(v) == "0":
		return false, nil
	}
	return nil, errorf(InvalidTextRepresentation, "invalid input syntax for type boolean: \"%s\"", s)
}
