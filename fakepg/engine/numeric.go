package engine

import (
	"math/big"
	"strings"
)

// Decimal is a value of type numeric, as PostgreSQL's numeric.c keeps it:
// an exact decimal with a display scale (the digits shown after the
// point, dscale), or NaN, Infinity or -Infinity. A finite Decimal is
// coef × 10^-scale; its coef is never modified once the Decimal exists.
type Decimal struct {
	coef  *big.Int // nil unless finite
	scale int32    // display scale, 0 .. maxDisplayScale
	kind  decimalKind
}

// decimalKind tells finite numerics from the special values.
type decimalKind uint8

const (
	decimalFinite decimalKind = iota
	decimalNaN
	decimalPosInf
	decimalNegInf
)

// Limits of PostgreSQL's numeric storage format (numeric.c): the display
// scale is a 14-bit field, and the weight of the first base-10000 digit
// an int16, so a value has fewer than 131072 digits before the point.
const (
	maxDisplayScale   = 0x3FFF // NUMERIC_DSCALE_MAX
	maxDecimalWeight  = 131071 // the highest power of ten a numeric can reach
	numericMinSig     = 16     // NUMERIC_MIN_SIG_DIGITS
	numericMaxDisplay = 1000   // NUMERIC_MAX_DISPLAY_SCALE
	numericMaxResult  = 2000   // NUMERIC_MAX_RESULT_SCALE
)

var (
	decimalNaNValue = Decimal{kind: decimalNaN}
	bigOne          = big.NewInt(1)
	bigTen          = big.NewInt(10)
)

// pow10 returns 10^n for n ≥ 0, as a new big.Int.
func pow10(n int) *big.Int {
	if n < 19 {
		p := int64(1)
		for range n {
			p *= 10
		}
		return big.NewInt(p)
	}
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// DecimalFromInt returns the numeric value of an integer, with scale 0.
func DecimalFromInt(n int64) Decimal { return Decimal{coef: big.NewInt(n)} }

// ParseDecimal reads a numeric in PostgreSQL's text input format
// (numeric_in), with its errors.
func ParseDecimal(s string) (Decimal, error) {
	d, err := parseDecimal(s)
	if err != nil {
		return Decimal{}, err
	}
	return d, nil
}

// String renders d in numeric's text output format.
func (d Decimal) String() string { return string(appendDecimal(nil, d)) }

func invalidNumeric(s string) *Error {
	return errorf(InvalidTextRepresentation, "invalid input syntax for type numeric: \"%s\"", s)
}

func numericOverflow() *Error {
	return newError(NumericValueOutOfRange, "value overflows numeric format")
}

// isCSpace is C's isspace in the C locale, which PostgreSQL's input
// functions use to skip blanks.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func skipCSpace(s string, i int) int {
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	return i
}

// numericSpecials are the spellings numeric_in accepts for the special
// values, in the order it tries them.
var numericSpecials = []struct {
	word string
	kind decimalKind
}{
	{"NaN", decimalNaN}, {"Infinity", decimalPosInf}, {"+Infinity", decimalPosInf},
	{"-Infinity", decimalNegInf}, {"inf", decimalPosInf}, {"+inf", decimalPosInf}, {"-inf", decimalNegInf},
}

// parseDecimal is numeric_in: leading and trailing blanks, the special
// values, and otherwise set_var_from_str's syntax (sign, digits with at
// most one point, an exponent strtol reads).
func parseDecimal(s string) (Decimal, *Error) {
	i := skipCSpace(s, 0)
	for _, sp := range numericSpecials {
		if hasPrefixFold(s[i:], sp.word) {
			if skipCSpace(s, i+len(sp.word)) != len(s) {
				return Decimal{}, invalidNumeric(s)
			}
			return Decimal{kind: sp.kind}, nil
		}
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	haveDot := false
	if i < len(s) && s[i] == '.' {
		haveDot = true
		i++
	}
	if i >= len(s) || !isDigit(s[i]) {
		return Decimal{}, invalidNumeric(s)
	}
	var digits []byte
	intDigits, fracDigits := 0, 0
	for i < len(s) {
		c := s[i]
		if isDigit(c) {
			digits = append(digits, c)
			if haveDot {
				fracDigits++
			} else {
				intDigits++
			}
			i++
			continue
		}
		if c == '.' {
			if haveDot {
				return Decimal{}, invalidNumeric(s)
			}
			haveDot = true
			i++
			continue
		}
		break
	}
	exp := int64(0)
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		e, end, ok := strtol(s, i+1)
		if !ok {
			return Decimal{}, invalidNumeric(s)
		}
		if e >= 1<<30-1 || e <= -(1<<30-1) { // INT_MAX / 2
			return Decimal{}, numericOverflow()
		}
		exp, i = e, end
	}
	if skipCSpace(s, i) != len(s) {
		return Decimal{}, invalidNumeric(s)
	}
	return makeDecimal(digits, intDigits, fracDigits, exp, neg)
}

// makeDecimal builds the value digits × 10^(exp - fracDigits) with the
// display scale fracDigits - exp (at least 0), failing as make_result
// does when it does not fit numeric's storage format.
func makeDecimal(digits []byte, intDigits, fracDigits int, exp int64, neg bool) (Decimal, *Error) {
	dscale := int64(fracDigits) - exp
	if dscale < 0 {
		dscale = 0
	}
	if dscale > maxDisplayScale {
		return Decimal{}, numericOverflow()
	}
	first := -1
	for k, c := range digits {
		if c != '0' {
			first = k
			break
		}
	}
	if first < 0 {
		return Decimal{coef: new(big.Int), scale: int32(dscale)}, nil
	}
	if int64(intDigits-1-first)+exp > maxDecimalWeight {
		return Decimal{}, numericOverflow()
	}
	coef, _ := new(big.Int).SetString(string(digits[first:]), 10)
	if shift := exp - int64(fracDigits); shift > 0 {
		coef.Mul(coef, pow10(int(shift))) // an integer: dscale is 0
	}
	if neg {
		coef.Neg(coef)
	}
	return Decimal{coef: coef, scale: int32(dscale)}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// strtol reads a decimal long at s[i:] as C's strtol does (blanks, a sign,
// digits), saturating on overflow; ok is false when no digits follow.
func strtol(s string, i int) (n int64, end int, ok bool) {
	j := skipCSpace(s, i)
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	start := j
	for j < len(s) && isDigit(s[j]) {
		if n < 1<<62 {
			n = n*10 + int64(s[j]-'0')
		}
		j++
	}
	if j == start {
		return 0, i, false
	}
	if neg {
		n = -n
	}
	return n, j, true
}

// appendDecimal appends d in numeric_out's format: all digits before the
// point and exactly scale digits after it; NaN, Infinity, -Infinity.
func appendDecimal(dst []byte, d Decimal) []byte {
	switch d.kind {
	case decimalNaN:
		return append(dst, "NaN"...)
	case decimalPosInf:
		return append(dst, "Infinity"...)
	case decimalNegInf:
		return append(dst, "-Infinity"...)
	}
	if d.coef.Sign() < 0 {
		dst = append(dst, '-')
	}
	digits := new(big.Int).Abs(d.coef).Append(nil, 10)
	scale := int(d.scale)
	if len(digits) <= scale {
		// a value below 1: "0." and zeros before the digits
		digits = append([]byte(strings.Repeat("0", scale+1-len(digits))), digits...)
	}
	intLen := len(digits) - scale
	dst = append(dst, digits[:intLen]...)
	if scale > 0 {
		dst = append(dst, '.')
		dst = append(dst, digits[intLen:]...)
	}
	return dst
}

// sign returns -1, 0 or 1; infinities have their sign. It must not be
// called on NaN.
func (d Decimal) sign() int {
	switch d.kind {
	case decimalPosInf:
		return 1
	case decimalNegInf:
		return -1
	}
	return d.coef.Sign()
}

// aligned returns the coefficients of a and b at the scale of the one with
// more fractional digits, and that scale.
func aligned(a, b Decimal) (*big.Int, *big.Int, int32) {
	switch {
	case a.scale == b.scale:
		return a.coef, b.coef, a.scale
	case a.scale < b.scale:
		return new(big.Int).Mul(a.coef, pow10(int(b.scale-a.scale))), b.coef, b.scale
	}
	return a.coef, new(big.Int).Mul(b.coef, pow10(int(a.scale-b.scale))), a.scale
}

// compareDecimal orders numerics as cmp_numerics does: by value, -Infinity
// below every number, Infinity above them, NaN above Infinity and equal to
// itself. The display scale does not matter (1.0 = 1.00).
func compareDecimal(a, b Decimal) int {
	rank := func(d Decimal) int {
		switch d.kind {
		case decimalNegInf:
			return 0
		case decimalFinite:
			return 1
		case decimalPosInf:
			return 2
		}
		return 3
	}
	ra, rb := rank(a), rank(b)
	switch {
	case ra < rb:
		return -1
	case ra > rb:
		return 1
	case ra != 1:
		return 0
	}
	x, y, _ := aligned(a, b)
	return x.Cmp(y)
}

// decimalWeight returns the base-10000 weight of the first digit of a
// nonzero finite d and that digit (numeric.c's weight and digits[0]), or 0
// and 0 for zero.
func decimalWeight(d Decimal) (weight, first int) {
	if d.coef.Sign() == 0 {
		return 0, 0
	}
	digits := new(big.Int).Abs(d.coef).Append(nil, 10)
	dweight := len(digits) - 1 - int(d.scale) // the power of ten of the first digit
	weight = floorDiv(dweight, 4)
	n := dweight - 4*weight + 1 // decimal digits in the first base-10000 digit
	for _, c := range digits[:n] {
		first = first*10 + int(c-'0')
	}
	return weight, first
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// checkDecimal fails as make_result does when a finite result does not fit
// numeric's storage format.
func checkDecimal(d Decimal) (Decimal, error) {
	if d.kind != decimalFinite {
		return d, nil
	}
	if d.scale > maxDisplayScale {
		return Decimal{}, numericOverflow()
	}
	if d.coef.Sign() != 0 {
		digits := len(new(big.Int).Abs(d.coef).Text(10))
		if digits-1-int(d.scale) > maxDecimalWeight {
			return Decimal{}, numericOverflow()
		}
	}
	return d, nil
}

// roundDecimal rounds d to scale digits after the point, halves away from
// zero (round_var), and gives it that display scale (0 for a negative
// scale, which rounds before the point).
func roundDecimal(d Decimal, scale int) Decimal {
	if d.kind != decimalFinite {
		return d
	}
	cur := int(d.scale)
	var coef *big.Int
	switch {
	case scale >= cur:
		coef = new(big.Int).Mul(d.coef, pow10(scale-cur))
	default:
		coef = divRound(d.coef, pow10(cur-scale))
	}
	if scale < 0 {
		coef.Mul(coef, pow10(-scale))
		scale = 0
	}
	return Decimal{coef: coef, scale: int32(scale)}
}

// truncDecimal drops the digits of d after scale digits past the point
// (trunc_var) and gives it that display scale; scale is not negative.
func truncDecimal(d Decimal, scale int) Decimal {
	if d.kind != decimalFinite {
		return d
	}
	cur := int(d.scale)
	if scale >= cur {
		return Decimal{coef: new(big.Int).Mul(d.coef, pow10(scale-cur)), scale: int32(scale)}
	}
	return Decimal{coef: new(big.Int).Quo(d.coef, pow10(cur-scale)), scale: int32(scale)}
}

// divRound returns a / b rounded to the nearest integer, halves away from
// zero; b is positive.
func divRound(a, b *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(b) >= 0 {
		if a.Sign() < 0 {
			q.Sub(q, bigOne)
		} else {
			q.Add(q, bigOne)
		}
	}
	return q
}

// decimalToInt converts d to an integer of the given type, rounding halves
// away from zero (numericvar_to_int64), with PostgreSQL's errors.
func decimalToInt(d Decimal, to Type) (int64, error) {
	switch d.kind {
	case decimalNaN:
		return 0, errorf(FeatureNotSupported, "cannot convert NaN to %s", to.Name)
	case decimalPosInf, decimalNegInf:
		return 0, errorf(FeatureNotSupported, "cannot convert infinity to %s", to.Name)
	}
	r := roundDecimal(d, 0).coef
	if !r.IsInt64() {
		return 0, intRangeError(to)
	}
	v, err := checkRange(to, r.Int64())
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}

// decimalFromFloat converts a float8 to numeric as float8_numeric does:
// through its 15 significant digits in %g format.
func decimalFromFloat(f float64) Decimal {
	switch {
	case f != f:
		return decimalNaNValue
	case f > maxFloat8:
		return Decimal{kind: decimalPosInf}
	case f < -maxFloat8:
		return Decimal{kind: decimalNegInf}
	}
	d, err := parseDecimal(formatFloatG(f, 15))
	if err != nil {
		panic("engine: float8 text is not a numeric: " + err.Message)
	}
	return d
}

// decimalToFloat converts a numeric to float8 as numeric_float8 does:
// through its text, read by float8in (whose range error quotes the text).
func decimalToFloat(d Decimal) (float64, error) {
	switch d.kind {
	case decimalNaN:
		return nan, nil
	case decimalPosInf:
		return posInf, nil
	case decimalNegInf:
		return negInf, nil
	}
	return parseFloat8(d.String())
}

// negDecimal is numeric_uminus.
func negDecimal(d Decimal) Decimal {
	switch d.kind {
	case decimalPosInf:
		return Decimal{kind: decimalNegInf}
	case decimalNegInf:
		return Decimal{kind: decimalPosInf}
	case decimalNaN:
		return d
	}
	return Decimal{coef: new(big.Int).Neg(d.coef), scale: d.scale}
}

// absDecimal is numeric_abs.
func absDecimal(d Decimal) Decimal {
	switch d.kind {
	case decimalNegInf:
		return Decimal{kind: decimalPosInf}
	case decimalFinite:
		if d.coef.Sign() < 0 {
			return Decimal{coef: new(big.Int).Neg(d.coef), scale: d.scale}
		}
	}
	return d
}

// hasPrefixFold reports whether s starts with word, ignoring ASCII case
// only (pg_strncasecmp).
func hasPrefixFold(s, word string) bool {
	if len(s) < len(word) {
		return false
	}
	for i := 0; i < len(word); i++ {
		if asciiLower(s[i]) != asciiLower(word[i]) {
			return false
		}
	}
	return true
}

func asciiLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// normalizedDecimal renders d without insignificant trailing zeros
// (numeric_normalize): equal numerics give equal text.
func normalizedDecimal(d Decimal) string {
	s := d.String()
	if d.kind != decimalFinite || !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
