package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The types of table columns and system catalogs besides those in
// types.go.
var (
	Char     = Type{18, `"char"`, 1}
	Name     = Type{19, "name", 64}
	Oid      = Type{26, "oid", 4}
	Varchar  = Type{1043, "character varying", -1}
	Regclass = Type{2205, "regclass", 4}
)

// lookupType returns the type a cast names.
func lookupType(name string) (Type, bool) {
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

// catalogImplicit reports whether pg_cast has an implicit cast from one
// to the other among the types of this file and those they meet: the
// string types to text, text and varchar to varchar and name, integers to
// oid and regclass, and oid and regclass to each other.
func catalogImplicit(from, to Type) bool {
	switch {
	case isStringType(from) && to == Text:
		return true
	case (from == Text || from == Varchar) && (to == Varchar || to == Name):
		return true
	case (isInteger(from) || isOidType(from)) && isOidType(to):
		return true
	}
	return false
}

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

// catalogConversion returns the cast between the types of this file and
// the others that ctx allows, and whether it knows the pair.
func (sc *scope) catalogConversion(from, to Type, ctx castContext) (castFunc, bool) {
	same := func(_ *env, v Value) (Value, error) { return v, nil }
	switch {
	case isInteger(from) && isOidType(to):
		return func(_ *env, v Value) (Value, error) {
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
		return func(_ *env, v Value) (Value, error) { return int64(v.(RegclassValue).OID), nil }, true
	case isOidType(from) && (to == Int4 || to == Int8):
		if ctx < castAssignment {
			return nil, true
		}
		if to == Int4 {
			return func(_ *env, v Value) (Value, error) { return int64(int32(oidOf(v))), nil }, true
		}
		return func(_ *env, v Value) (Value, error) { return int64(oidOf(v)), nil }, true
	case isStringType(from) && to == Varchar, isStringType(from) && to == Text:
		if from == Char && to == Varchar && ctx < castAssignment {
			return nil, true
		}
		return same, true
	case (from == Text || from == Varchar) && to == Name:
		return func(_ *env, v Value) (Value, error) { return truncateName(v.(string)), nil }, true
	case isStringType(from) && to == Char:
		if ctx < castAssignment {
			return nil, true
		}
		return func(_ *env, v Value) (Value, error) { return charValue(v.(string)), nil }, true
	case to == Varchar && ctx >= castAssignment:
		// as the cast to text: booltext for booleans, else the output
		// function
		return sc.conversion(from, Text, ctx), true
	case (from == Name || from == Char || from == Varchar) && ctx == castExplicit:
		return func(en *env, v Value) (Value, error) { return en.sess.parseText(to, v.(string)) }, true
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
	case Oid.OID:
		v, err = parseOid(s)
	case Name.OID:
		v = truncateName(s)
	case Char.OID:
		v = charValue(s)
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
	if err != nil && !errors.Is(err, strconv.ErrRange) {
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
	case Oid.OID:
		if len(b) != 4 {
			return nil, false, true
		}
		return int64(binary.BigEndian.Uint32(b)), true, true
	case Name.OID, Char.OID, Varchar.OID:
		v, err := ParseText(t, string(b))
		return v, err == nil, true
	}
	return nil, false, false
}

// unifyCatalog is unify for operands of the types of this file: string
// types meet as text (name = text, varchar = text), oid and regclass meet
// integers and each other as oid.
func (sc *scope) unifyCatalog(l, r *cexpr) (*cexpr, *cexpr, *Error) {
	lt, rt := l.typ, r.typ
	switch {
	case lt == rt:
	case isStringType(lt) && isStringType(rt):
		l, _ = sc.coerce(l, Text, castImplicit)
		r, _ = sc.coerce(r, Text, castImplicit)
		return l, r, nil
	case isOidType(lt) && (isInteger(rt) || isOidType(rt)), isInteger(lt) && isOidType(rt):
		l, _ = sc.coerce(l, Oid, castImplicit)
		r, _ = sc.coerce(r, Oid, castImplicit)
		return l, r, nil
	}
	return sc.unify(l, r)
}
