package engine

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Type is a PostgreSQL data type as the wire protocol describes it.
type Type struct {
	OID  uint32
	Name string // the name PostgreSQL uses in messages ("bigint", "text")
	Len  int16  // typlen in RowDescription
}

// The types the engine knows.
var (
	Bool    = Type{16, "boolean", 1}
	Int8    = Type{20, "bigint", 8}
	Int4    = Type{23, "integer", 4}
	Text    = Type{25, "text", -1}
	Float8  = Type{701, "double precision", 8}
	Unknown = Type{705, "unknown", -2}
	Numeric = Type{1700, "numeric", -1}
	Void    = Type{2278, "void", 4}
)

// typeNames maps the spellings a cast may use to types.
var typeNames = map[string]Type{
	"bool": Bool, "boolean": Bool,
	"int8": Int8, "bigint": Int8,
	"int4": Int4, "int": Int4, "integer": Int4,
	"text": Text, "varchar": Text, "character varying": Text,
	"float8": Float8, "double precision": Float8,
	"numeric": Numeric, "decimal": Numeric,
	"void": Void,
}

// typeByOID returns the type with the given OID.
func typeByOID(oid uint32) (Type, bool) {
	for _, t := range []Type{Bool, Int8, Int4, Text, Float8, Unknown, Numeric, Void, Char, Name, Int2, Oid, Varchar, Timestamptz, Regclass} {
		if t.OID == oid {
			return t, true
		}
	}
	return Type{}, false
}

// Value is a datum: nil (SQL NULL), int64 (integer and bigint), float64,
// string (text, numeric and unknown literals), bool, or VoidValue.
type Value any

// VoidValue is the value of a void function such as pg_sleep.
type VoidValue struct{}

// FormatText renders v in PostgreSQL's text output format for type t.
// It reports false for NULL.
func FormatText(t Type, v Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	b, ok := AppendText(nil, t, v)
	return string(b), ok
}

// AppendText appends v in PostgreSQL's text output format for type t to
// dst. It reports false for NULL, leaving dst as it was.
func AppendText(dst []byte, t Type, v Value) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return dst, false
	case int64:
		return strconv.AppendInt(dst, x, 10), true
	case float64:
		return appendFloat8(dst, x), true
	case bool:
		if x {
			return append(dst, 't'), true
		}
		return append(dst, 'f'), true
	case string:
		return append(dst, x...), true
	case VoidValue:
		return dst, true
	case Timestamp:
		return appendTimestamp(dst, x), true
	case RegclassValue:
		return append(dst, x.Text...), true
	}
	panic(fmt.Sprintf("engine: cannot format %T as %s", v, t.Name))
}

func appendFloat8(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// AppendBinary appends v in PostgreSQL's binary format for type t to dst.
// It reports false for NULL, leaving dst as it was.
func AppendBinary(dst []byte, t Type, v Value) ([]byte, bool) {
	if v == nil {
		return dst, false
	}
	switch t.OID {
	case Int8.OID:
		return binary.BigEndian.AppendUint64(dst, uint64(v.(int64))), true
	case Int4.OID:
		return binary.BigEndian.AppendUint32(dst, uint32(v.(int64))), true
	case Float8.OID:
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(v.(float64))), true
	case Bool.OID:
		if v.(bool) {
			return append(dst, 1), true
		}
		return append(dst, 0), true
	case Void.OID:
		return dst, true
	case Int2.OID:
		return binary.BigEndian.AppendUint16(dst, uint16(v.(int64))), true
	case Oid.OID:
		return binary.BigEndian.AppendUint32(dst, uint32(v.(int64))), true
	case Regclass.OID:
		return binary.BigEndian.AppendUint32(dst, v.(RegclassValue).OID), true
	case Timestamptz.OID:
		return binary.BigEndian.AppendUint64(dst, uint64(v.(Timestamp))), true
	}
	return AppendText(dst, t, v)
}

// ParseText converts text input for type t, with PostgreSQL's errors
// (22P02 invalid input syntax, 22003 out of range).
func ParseText(t Type, s string) (Value, error) {
	if v, err, ok := parseCatalogText(t, s); ok {
		return v, err
	}
	switch t.OID {
	case Int8.OID:
		return parseInt(s, 64, "bigint")
	case Int4.OID:
		return parseInt(s, 32, "integer")
	case Float8.OID:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil && !isRangeErr(err) {
			return nil, newError(InvalidTextRepresentation, fmt.Sprintf("invalid input syntax for type double precision: \"%s\"", s))
		}
		return f, nil
	case Bool.OID:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "t", "true", "y", "yes", "on", "1":
			return true, nil
		case "f", "false", "n", "no", "off", "0":
			return false, nil
		}
		return nil, newError(InvalidTextRepresentation, fmt.Sprintf("invalid input syntax for type boolean: \"%s\"", s))
	case Numeric.OID:
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil && !isRangeErr(err) {
			return nil, newError(InvalidTextRepresentation, fmt.Sprintf("invalid input syntax for type numeric: \"%s\"", s))
		}
		return strings.TrimSpace(s), nil
	case Void.OID:
		return VoidValue{}, nil
	}
	return s, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func parseInt(s string, bits int, name string) (Value, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, bits)
	if err != nil {
		if isRangeErr(err) {
			return nil, newError(NumericValueOutOfRange, fmt.Sprintf("value \"%s\" is out of range for type %s", s, name))
		}
		return nil, newError(InvalidTextRepresentation, fmt.Sprintf("invalid input syntax for type %s: \"%s\"", name, s))
	}
	return n, nil
}

// ParseBinary converts binary input for type t.
func ParseBinary(t Type, b []byte) (Value, error) {
	bad := func() error {
		return newError(InvalidBinaryRepresentation, "incorrect binary data format")
	}
	if v, ok, known := parseCatalogBinary(t, b); known {
		if !ok {
			return nil, bad()
		}
		return v, nil
	}
	switch t.OID {
	case Int8.OID:
		if len(b) != 8 {
			return nil, bad()
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case Int4.OID:
		if len(b) != 4 {
			return nil, bad()
		}
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case Float8.OID:
		if len(b) != 8 {
			return nil, bad()
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case Bool.OID:
		if len(b) != 1 {
			return nil, bad()
		}
		return b[0] != 0, nil
	}
	return ParseText(t, string(b))
}
