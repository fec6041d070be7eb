package engine

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
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
	Int2    = Type{21, "smallint", 2}
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
	"int2": Int2, "smallint": Int2, "float": Float8,
	"timestamptz": Timestamptz, "timestamp with time zone": Timestamptz,
	"text": Text, "varchar": Varchar, "character varying": Varchar,
	"float8": Float8, "double precision": Float8,
	"numeric": Numeric, "decimal": Numeric, "dec": Numeric,
	"void": Void, "oid": Oid, "name": Name, "regclass": Regclass,
}

// typeByOID returns the type with the given OID.
func typeByOID(oid uint32) (Type, bool) {
	for _, t := range []Type{Bool, Int8, Int2, Int4, Text, Float8, Unknown, Timestamptz, Numeric, Void, Char, Name, Oid, Varchar, Regclass} {
		if t.OID == oid {
			return t, true
		}
	}
	return Type{}, false
}

// Value is a datum: nil (SQL NULL), int64 (smallint, integer, bigint and
// oid), float64, Decimal (numeric), Timestamp (timestamptz), string (text,
// varchar, name, "char" and unknown literals), bool, RegclassValue, or
// VoidValue.
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
		return appendFloat8(dst, x, 1), true
	case Decimal:
		return appendDecimal(dst, x), true
	case Timestamp:
		return appendTimestamp(dst, x, nil), true
	case zonedTimestamp:
		return appendTimestamp(dst, x.ts, x.zone), true
	case outputFloat:
		return appendFloat8(dst, x.f, x.extra), true
	case bool:
		if x {
			return append(dst, 't'), true
		}
		return append(dst, 'f'), true
	case string:
		return append(dst, x...), true
	case VoidValue:
		return dst, true
	case RegclassValue:
		return append(dst, x.Text...), true
	}
	panic(fmt.Sprintf("engine: cannot format %T as %s", v, t.Name))
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
	case Int2.OID:
		return binary.BigEndian.AppendUint16(dst, uint16(v.(int64))), true
	case Float8.OID:
		f, ok := v.(float64)
		if !ok {
			f = v.(outputFloat).f
		}
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(f)), true
	case Numeric.OID:
		return appendDecimalBinary(dst, v.(Decimal)), true
	case Timestamptz.OID:
		ts, ok := v.(Timestamp)
		if !ok {
			ts = v.(zonedTimestamp).ts
		}
		return binary.BigEndian.AppendUint64(dst, uint64(ts)), true
	case Bool.OID:
		if v.(bool) {
			return append(dst, 1), true
		}
		return append(dst, 0), true
	case Void.OID:
		return dst, true
	case Oid.OID:
		return binary.BigEndian.AppendUint32(dst, uint32(v.(int64))), true
	case Regclass.OID:
		return binary.BigEndian.AppendUint32(dst, v.(RegclassValue).OID), true
	}
	return AppendText(dst, t, v)
}

// ParseText converts text input for type t, with PostgreSQL's errors
// (22P02 invalid input syntax, 22003 out of range). timestamptz input
// depends on the session's TimeZone: use Session.ParseText for it.
func ParseText(t Type, s string) (Value, error) {
	if v, err, ok := parseCatalogText(t, s); ok {
		return v, err
	}
	switch t.OID {
	case Int8.OID, Int4.OID, Int2.OID:
		return parseInt(s, t)
	case Float8.OID:
		return parseFloat8(s)
	case Bool.OID:
		return parseBool(s)
	case Numeric.OID:
		d, err := parseDecimal(s)
		if err != nil {
			return nil, err
		}
		return d, nil
	case Timestamptz.OID:
		return nil, newError(FeatureNotSupported, "poolsim does not support timestamp with time zone input without a session")
	case Void.OID:
		return VoidValue{}, nil
	}
	return s, nil
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
	case Int2.OID:
		if len(b) != 2 {
			return nil, bad()
		}
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case Numeric.OID:
		return parseDecimalBinary(b)
	case Timestamptz.OID:
		if len(b) != 8 {
			return nil, bad()
		}
		ts := Timestamp(binary.BigEndian.Uint64(b))
		if ts != timestampInfinity && ts != timestampNegInfinity && (ts < minTimestamp || ts >= endTimestamp) {
			return nil, newError("22008", "timestamp out of range")
		}
		return ts, nil
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
