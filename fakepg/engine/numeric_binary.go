package engine

import (
	"encoding/binary"
	"math/big"
	"strings"
)

// numeric's binary format (numeric_send, numeric_recv): int16 ndigits,
// weight, sign and dscale, then ndigits base-10000 digits. The special
// values keep their header word as the sign, and NaN and the infinities
// send the weight and scale their header word's bits read as (0, and 0
// or 32), as numeric_send does.

const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

// appendDecimalBinary appends d in numeric_send's format.
func appendDecimalBinary(dst []byte, d Decimal) []byte {
	put := func(v int) { dst = binary.BigEndian.AppendUint16(dst, uint16(v)) }
	switch d.kind {
	case decimalNaN:
		put(0)
		put(0)
		put(numericNaN)
		put(0)
		return dst
	case decimalPosInf, decimalNegInf:
		put(0)
		put(0)
		if d.kind == decimalPosInf {
			put(numericPInf)
		} else {
			put(numericNInf)
		}
		put(32)
		return dst
	}
	groups, weight := base10000(d)
	sign := numericPos
	if d.coef.Sign() < 0 {
		sign = numericNeg
	}
	put(len(groups))
	put(weight)
	put(sign)
	put(int(d.scale))
	for _, g := range groups {
		put(g)
	}
	return dst
}

// base10000 returns the base-10000 digits of |d| without leading or
// trailing zero digits, and the weight of the first (0 for zero).
func base10000(d Decimal) ([]int, int) {
	digits := string(new(big.Int).Abs(d.coef).Append(nil, 10))
	scale := int(d.scale)
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale+1-len(digits)) + digits
	}
	intPart, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	if r := len(intPart) % 4; r != 0 {
		intPart = strings.Repeat("0", 4-r) + intPart
	}
	if r := len(frac) % 4; r != 0 {
		frac += strings.Repeat("0", 4-r)
	}
	all := intPart + frac
	groups := make([]int, 0, len(all)/4)
	for i := 0; i < len(all); i += 4 {
		groups = append(groups, atoiDigits(all[i:i+4]))
	}
	weight := len(intPart)/4 - 1
	for len(groups) > 0 && groups[0] == 0 {
		groups = groups[1:]
		weight--
	}
	for len(groups) > 0 && groups[len(groups)-1] == 0 {
		groups = groups[:len(groups)-1]
	}
	if len(groups) == 0 {
		weight = 0
	}
	return groups, weight
}

// parseDecimalBinary is numeric_recv: digits beyond the scale are
// truncated away.
func parseDecimalBinary(b []byte) (Value, error) {
	short := func() error { return newError(ProtocolViolation, "insufficient data left in message") }
	invalid := func(what string) error {
		return errorf(InvalidBinaryRepresentation, "invalid %s in external \"numeric\" value", what)
	}
	if len(b) < 8 {
		return nil, short()
	}
	get := func(i int) int { return int(binary.BigEndian.Uint16(b[2*i:])) }
	n, weight, sign, dscale := get(0), int(int16(get(1))), get(2), get(3)
	switch sign {
	case numericPos, numericNeg, numericNaN, numericPInf, numericNInf:
	default:
		return nil, invalid("sign")
	}
	if dscale&maxDisplayScale != dscale {
		return nil, invalid("scale")
	}
	if len(b) < 8+2*n {
		return nil, short()
	}
	if len(b) > 8+2*n {
		return nil, newError(InvalidBinaryRepresentation, "incorrect binary data format")
	}
	coef := new(big.Int)
	base := big.NewInt(10000)
	for i := range n {
		g := get(4 + i)
		if g >= 10000 {
			return nil, invalid("digit")
		}
		coef.Mul(coef, base).Add(coef, big.NewInt(int64(g)))
	}
	switch sign {
	case numericNaN:
		return decimalNaNValue, nil
	case numericPInf:
		return Decimal{kind: decimalPosInf}, nil
	case numericNInf:
		return Decimal{kind: decimalNegInf}, nil
	}
	// the digits stand for coef × 10000^(weight - n + 1)
	scale := 4 * (n - 1 - weight)
	if scale < 0 {
		coef.Mul(coef, pow10(-scale))
		scale = 0
	}
	if sign == numericNeg {
		coef.Neg(coef)
	}
	d := truncDecimal(Decimal{coef: coef, scale: int32(scale)}, dscale)
	return checkDecimal(d)
}
