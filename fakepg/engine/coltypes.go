package engine

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The types of table columns and system catalogs besides those in
// types.go.
var (
	Char        = Type{18, `"char"`, 1}
	Name        = Type{19, "name", 64}
	Int2        = Type{21, "smallint", 2}
	Oid         = Type{26, "oid", 4}
	Varchar     = Type{1043, "character varying", -1}
	Timestamptz = Type{1184, "timestamp with time zone", 8}
	Regclass    = Type{2205, "regclass", 4}
)

// catalogTypeNames are the spellings of these types in casts and column
// definitions.
var catalogTypeNames = map[string]Type{
	"int2": Int2, "smallint": Int2,
	"oid": Oid, "name": Name,
	"varchar": Varchar, "character varying": Varchar,
	"timestamptz": Timestamptz, "timestamp with time zone": Timestamptz,
	"regclass": Regclass,
	"float":    Float8,
}

// catalogCastNames are the output column names of casts to these types.
var catalogCastNames = map[string]string{
	"int2": "int2", "smallint": "int2", "oid": "oid", "name": "name",
	"timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
	"regclass": "regclass", "float": "float8",
}

// lookupType returns the type a cast or column definition names.
func lookupType(name string) (Type, bool) {
	if t, ok := catalogTypeNames[name]; ok {
		return t, true
	}
	t, ok := typeNames[name]
	return t, ok
}

// isStringType reports whether values of t are strings compared byte by
// byte: text, varchar, name and "char" (which PostgreSQL compares with
// text's operators, the C collation here).
func isStringType(t Type) bool {
	return t == Text || t == Varchar || t == Name || t == Char
}

// isOidType reports whether t is oid or an alias of it (regclass).
func isOidType(t Type) bool { return t == Oid || t == Regclass }

// isIntType reports whether t is an integer type.
func isIntType(t Type) bool { return t == Int2 || t == Int4 || t == Int8 }

// maxNameBytes is NAMEDATALEN - 1: the longest name.
const maxNameBytes = 63

// truncateName cuts s to a name's length without splitting a character,
// as name's input function does.
func truncateName(s string) string {
	if len(s) <= maxNameBytes {
		return s
	}
	n := maxNameBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// checkVarchar applies varchar(n)'s length limit to an assigned value:
// too long is 22001, unless the excess is spaces, which are cut (as
// varchar's length coercion does for assignment). explicit truncates
// instead, as an explicit cast does.
func checkVarchar(s string, n int, explicit bool) (Value, error) {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s, nil
	}
	cut := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	if !explicit {
		for i := cut; i < len(s); i++ {
			if s[i] != ' ' {
				return nil, errorf("22001", "value too long for type character varying(%d)", n)
			}
		}
	}
	return s[:cut], nil
}

// checkInt2 fails with 22003 when v does not fit smallint.
func checkInt2(v int64) (Value, error) {
	if v < math.MinInt16 || v > math.MaxInt16 {
		return nil, newError(NumericValueOutOfRange, "smallint out of range")
	}
	return v, nil
}

// catalogConversion returns the cast between the types of this file and
// the others that ctx allows, and whether it knows the pair.
func catalogConversion(from, to Type, ctx castContext) (func(Value) (Value, error), bool) {
	same := func(v Value) (Value, error) { return v, nil }
	switch {
	case from == Int2 && (to == Int4 || to == Int8):
		return same, true
	case (from == Int4 || from == Int8) && to == Int2:
		if ctx < castAssignment {
			return nil, true
		}
		return func(v Value) (Value, error) { return checkInt2(v.(int64)) }, true
	case from == Int2 && to == Float8:
		return func(v Value) (Value, error) { return float64(v.(int64)), nil }, true
	case from == Int2 && to == Numeric:
		return func(v Value) (Value, error) { return fmt.Sprint(v.(int64)), nil }, true
	case (from == Float8 || from == Numeric) && to == Int2:
		if ctx < castAssignment {
			return nil, true
		}
		toInt := conversion(from, Int4, ctx)
		return func(v Value) (Value, error) {
			n, err := toInt(v)
			if err != nil {
				if e, ok := err.(*Error); ok && e.Code == NumericValueOutOfRange {
					return nil, newError(NumericValueOutOfRange, "smallint out of range")
				}
				return nil, err
			}
			return checkInt2(n.(int64))
		}, true
	case isIntType(from) && isOidType(to):
		return func(v Value) (Value, error) {
			n := v.(int64)
			if n < math.MinInt32 || n > math.MaxUint32 {
				return nil, newError(NumericValueOutOfRange, "OID out of range")
			}
			if n < 0 {
				n += 1 << 32 // an oid from a negative integer wraps, as int4's cast does
			}
			return n, nil
		}, true
	case from == Regclass && to == Oid:
		return func(v Value) (Value, error) { return int64(v.(RegclassValue).OID), nil }, true
	case isOidType(from) && (to == Int4 || to == Int8):
		if ctx < castAssignment {
			return nil, true
		}
		if to == Int4 {
			return func(v Value) (Value, error) { return int64(int32(oidOf(v))), nil }, true
		}
		return func(v Value) (Value, error) { return int64(oidOf(v)), nil }, true
	case isStringType(from) && to == Varchar, isStringType(from) && to == Text:
		if from == Char && to == Varchar && ctx < castAssignment {
			return nil, true
		}
		return same, true
	case (from == Text || from == Varchar) && to == Name:
		return func(v Value) (Value, error) { return truncateName(v.(string)), nil }, true
	case isStringType(from) && to == Char:
		if ctx < castAssignment {
			return nil, true
		}
		return func(v Value) (Value, error) { return charValue(v.(string)), nil }, true
	case to == Varchar && ctx >= castAssignment:
		return func(v Value) (Value, error) { s, _ := FormatText(from, v); return s, nil }, true
	case (from == Name || from == Char || from == Varchar) && ctx == castExplicit:
		return func(v Value) (Value, error) { return ParseText(to, v.(string)) }, true
	}
	return nil, false
}

// oidOf returns the OID an oid or regclass value holds.
func oidOf(v Value) uint32 {
	if r, ok := v.(RegclassValue); ok {
		return r.OID
	}
	return uint32(v.(int64))
}

// charValue is the "char" of s: its first byte (PostgreSQL's char is one
// byte, whatever the encoding).
func charValue(s string) string {
	if len(s) > 1 {
		return s[:1]
	}
	return s
}

// RegclassValue is a regclass datum: a relation's OID and the text
// regclass's output function gives it (the relation's name, qualified
// when not visible on the search path, or the OID when no relation has
// it), fixed when the value is made.
type RegclassValue struct {
	OID  uint32
	Text string
}

// parseCatalogText is ParseText for the types of this file; ok is false
// for the others.
func parseCatalogText(t Type, s string) (v Value, err error, ok bool) {
	switch t.OID {
	case Int2.OID:
		v, err = parseInt(s, 16, "smallint")
	case Oid.OID:
		v, err = parseOid(s)
	case Name.OID:
		v = truncateName(s)
	case Char.OID:
		v = charValue(s)
	case Timestamptz.OID:
		v, err = parseTimestamp(s)
	case Regclass.OID:
		err = newError(FeatureNotSupported, "poolsim does not support regclass input outside constants")
	default:
		return nil, nil, false
	}
	return v, err, true
}

// parseOid reads an oid as oidin does: an unsigned 32-bit number, or a
// negative 32-bit one that wraps.
func parseOid(s string) (Value, error) {
	t := strings.TrimSpace(s)
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil && !isRangeErr(err) {
		return nil, newError(InvalidTextRepresentation, fmt.Sprintf("invalid input syntax for type oid: \"%s\"", s))
	}
	if err != nil || n < math.MinInt32 || n > math.MaxUint32 {
		return nil, newError(NumericValueOutOfRange, fmt.Sprintf("value \"%s\" is out of range for type oid", s))
	}
	if n < 0 {
		n += 1 << 32
	}
	return n, nil
}

// parseCatalogBinary is ParseBinary for the types of this file: known is
// false for the others, ok false for a malformed value.
func parseCatalogBinary(t Type, b []byte) (v Value, ok, known bool) {
	switch t.OID {
	case Int2.OID:
		if len(b) != 2 {
			return nil, false, true
		}
		return int64(int16(binary.BigEndian.Uint16(b))), true, true
	case Oid.OID:
		if len(b) != 4 {
			return nil, false, true
		}
		return int64(binary.BigEndian.Uint32(b)), true, true
	case Timestamptz.OID:
		if len(b) != 8 {
			return nil, false, true
		}
		return Timestamp(binary.BigEndian.Uint64(b)), true, true
	case Name.OID, Char.OID, Varchar.OID:
		v, err := ParseText(t, string(b))
		return v, err == nil, true
	}
	return nil, false, false
}

// unifyCatalog is unify for operands of the types of this file: string
// types meet as text (name = text, varchar = text), oid and regclass meet
// integers and each other as oid, and smallint widens to integer before
// meeting another number.
func (sc *scope) unifyCatalog(l, r *cexpr) (*cexpr, *cexpr, *Error) {
	lt, rt := l.typ, r.typ
	switch {
	case lt == rt:
	case isStringType(lt) && isStringType(rt):
		l, _ = sc.coerce(l, Text, castImplicit)
		r, _ = sc.coerce(r, Text, castImplicit)
		return l, r, nil
	case isOidType(lt) && (isIntType(rt) || isOidType(rt)), isIntType(lt) && isOidType(rt):
		l, _ = sc.coerce(l, Oid, castImplicit)
		r, _ = sc.coerce(r, Oid, castImplicit)
		return l, r, nil
	case lt == Int2 && rt != Unknown:
		l, _ = sc.coerce(l, Int4, castImplicit)
	case rt == Int2 && lt != Unknown:
		r, _ = sc.coerce(r, Int4, castImplicit)
	}
	return sc.unify(l, r)
}
