package engine

import "math/big"

// Numeric arithmetic with the result scales of PostgreSQL's numeric.c:
// addition and subtraction keep the larger display scale, multiplication
// the sum of the scales, division select_div_scale's, modulo the larger
// scale. Results that do not fit numeric's format fail with 22003 "value
// overflows numeric format"; NaN and the infinities follow numeric.c's
// tables.

// decimalArith applies one of + - * / % to two numerics.
func decimalArith(op string, a, b Decimal) (Value, error) {
	var d Decimal
	var err error
	switch op {
	case "+":
		d = addDecimal(a, b)
	case "-":
		d = addDecimal(a, negDecimal(b))
	case "*":
		d = mulDecimal(a, b)
	case "/":
		d, err = divDecimal(a, b)
	default:
		d, err = modDecimal(a, b)
	}
	if err != nil {
		return nil, err
	}
	return checkDecimal(d)
}

// addDecimal is numeric_add (subtraction adds the negation: the special
// cases of numeric_sub are those of adding -b).
func addDecimal(a, b Decimal) Decimal {
	if a.kind != decimalFinite || b.kind != decimalFinite {
		switch {
		case a.kind == decimalNaN || b.kind == decimalNaN:
			return decimalNaNValue
		case a.kind != decimalFinite && b.kind != decimalFinite && a.kind != b.kind:
			return decimalNaNValue // Inf + -Inf
		case a.kind != decimalFinite:
			return a
		}
		return b
	}
	x, y, scale := aligned(a, b)
	return Decimal{coef: new(big.Int).Add(x, y), scale: scale}
}

// mulDecimal is numeric_mul: the exact product, rounded only when it has
// more digits after the point than numeric can keep.
func mulDecimal(a, b Decimal) Decimal {
	if a.kind != decimalFinite || b.kind != decimalFinite {
		if a.kind == decimalNaN || b.kind == decimalNaN {
			return decimalNaNValue
		}
		s := a.sign() * b.sign()
		switch {
		case s == 0:
			return decimalNaNValue // Inf * 0
		case s > 0:
			return Decimal{kind: decimalPosInf}
		}
		return Decimal{kind: decimalNegInf}
	}
	d := Decimal{coef: new(big.Int).Mul(a.coef, b.coef), scale: a.scale + b.scale}
	if d.scale > maxDisplayScale {
		d = roundDecimal(d, maxDisplayScale)
	}
	return d
}

func divisionByZero() *Error { return newError(DivisionByZero, "division by zero") }

// divDecimal is numeric_div: the quotient rounded, halves away from zero,
// at select_div_scale's scale.
func divDecimal(a, b Decimal) (Decimal, error) {
	if a.kind != decimalFinite || b.kind != decimalFinite {
		switch {
		case a.kind == decimalNaN || b.kind == decimalNaN:
			return decimalNaNValue, nil
		case a.kind != decimalFinite && b.kind != decimalFinite:
			return decimalNaNValue, nil // Inf / Inf
		case a.kind != decimalFinite:
			switch b.sign() * a.sign() {
			case 0:
				return Decimal{}, divisionByZero()
			case 1:
				return Decimal{kind: decimalPosInf}, nil
			}
			return Decimal{kind: decimalNegInf}, nil
		}
		return Decimal{coef: new(big.Int)}, nil // finite / Inf
	}
	if b.coef.Sign() == 0 {
		return Decimal{}, divisionByZero()
	}
	rscale := selectDivScale(a, b)
	num := new(big.Int).Mul(a.coef, pow10(int(b.scale)+rscale-int(a.scale)))
	den := b.coef
	if den.Sign() < 0 {
		num.Neg(num)
		den = new(big.Int).Neg(den)
	}
	return Decimal{coef: divRound(num, den), scale: int32(rscale)}, nil
}

// selectDivScale is select_div_scale: enough digits after the point for
// at least 16 significant digits, no fewer than either operand shows, at
// most 1000.
func selectDivScale(a, b Decimal) int {
	w1, d1 := decimalWeight(a)
	w2, d2 := decimalWeight(b)
	qweight := w1 - w2
	if d1 <= d2 {
		qweight--
	}
	rscale := numericMinSig - qweight*4
	rscale = max(rscale, int(a.scale), int(b.scale), 0)
	return min(rscale, numericMaxDisplay)
}

// modDecimal is numeric_mod: a - trunc(a/b)*b, with the sign of a.
func modDecimal(a, b Decimal) (Decimal, error) {
	if a.kind != decimalFinite || b.kind != decimalFinite {
		switch {
		case a.kind == decimalNaN || b.kind == decimalNaN:
			return decimalNaNValue, nil
		case a.kind != decimalFinite:
			if b.sign() == 0 {
				return Decimal{}, divisionByZero()
			}
			return decimalNaNValue, nil // Inf % x
		}
		return a, nil // x % Inf
	}
	if b.coef.Sign() == 0 {
		return Decimal{}, divisionByZero()
	}
	x, y, scale := aligned(a, b)
	return Decimal{coef: new(big.Int).Rem(x, y), scale: scale}, nil
}
