package pgxlike

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/poolsim/poolsim/driver"
)

// The type OIDs whose values pgx exchanges in binary format here.
const (
	oidBool    = 16
	oidInt8    = 20
	oidInt2    = 21
	oidInt4    = 23
	oidFloat4  = 700
	oidFloat8  = 701
	oidNumeric = 1700
)

// binaryOID reports whether pgx's codec for oid prefers the binary format
// (numeric excepted: fakepg sends no binary numeric).
func binaryOID(oid uint32) bool {
	switch oid {
	case oidBool, oidInt8, oidInt2, oidInt4, oidFloat4, oidFloat8:
		return true
	}
	return false
}

// resultFormats is what the extended query builder asks for each column.
func resultFormats(fields []FieldDescription) []int16 {
	if len(fields) == 0 {
		return nil
	}
	f := make([]int16, len(fields))
	for i, fd := range fields {
		if binaryOID(fd.DataTypeOID) {
			f[i] = 1
		}
	}
	return f
}

// encodeParam encodes one argument for a parameter of type oid, in the
// binary format when pgx's codec prefers it and the Go value suits it,
// else as text.
func encodeParam(oid uint32, arg any) ([]byte, int16, error) {
	if arg == nil {
		return nil, 0, nil
	}
	if binaryOID(oid) {
		if b, ok := encodeBinary(oid, arg); ok {
			return b, 1, nil
		}
	}
	switch x := arg.(type) {
	case string:
		return []byte(x), 0, nil
	case []byte:
		return []byte(fmt.Sprintf(`\x%x`, x)), 0, nil
	case bool:
		if x {
			return []byte("t"), 0, nil
		}
		return []byte("f"), 0, nil
	case int:
		return strconv.AppendInt(nil, int64(x), 10), 0, nil
	case int32:
		return strconv.AppendInt(nil, int64(x), 10), 0, nil
	case int64:
		return strconv.AppendInt(nil, x, 10), 0, nil
	case float64:
		return strconv.AppendFloat(nil, x, 'f', -1, 64), 0, nil
	case *big.Int:
		return []byte(x.String()), 0, nil
	case driver.Numeric:
		return []byte(x), 0, nil
	}
	return nil, 0, fmt.Errorf("unable to encode %#v into text format for OID %d", arg, oid)
}

func asInt64(arg any) (int64, bool) {
	switch x := arg.(type) {
	case int:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

func encodeBinary(oid uint32, arg any) ([]byte, bool) {
	switch oid {
	case oidBool:
		if b, ok := arg.(bool); ok {
			if b {
				return []byte{1}, true
			}
			return []byte{0}, true
		}
	case oidInt8:
		if n, ok := asInt64(arg); ok {
			return binary.BigEndian.AppendUint64(nil, uint64(n)), true
		}
	case oidInt4:
		if n, ok := asInt64(arg); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			return binary.BigEndian.AppendUint32(nil, uint32(n)), true
		}
	case oidInt2:
		if n, ok := asInt64(arg); ok && n >= math.MinInt16 && n <= math.MaxInt16 {
			return binary.BigEndian.AppendUint16(nil, uint16(n)), true
		}
	case oidFloat8:
		if f, ok := arg.(float64); ok {
			return binary.BigEndian.AppendUint64(nil, math.Float64bits(f)), true
		}
	case oidFloat4:
		if f, ok := arg.(float64); ok {
			return binary.BigEndian.AppendUint32(nil, math.Float32bits(float32(f))), true
		}
	}
	return nil, false
}

// errInvalidLength is pgio's ErrInvalidLength.
var errInvalidLength = errors.New("invalid length")

// decodeValue decodes one value as pgx's codec for its column does, into
// driver.Row's Go types.
func decodeValue(fd FieldDescription, src []byte) (any, error) {
	if src == nil {
		return nil, nil
	}
	if fd.Format == 1 {
		switch fd.DataTypeOID {
		case oidInt8, oidInt4, oidInt2:
			want := map[uint32]int{oidInt8: 8, oidInt4: 4, oidInt2: 2}[fd.DataTypeOID]
			name := map[uint32]string{oidInt8: "int8", oidInt4: "int4", oidInt2: "int2"}[fd.DataTypeOID]
			if len(src) != want {
				return nil, fmt.Errorf("%s: %w: expected %d bytes, got %d", name, errInvalidLength, want, len(src))
			}
			switch want {
			case 8:
				return int64(binary.BigEndian.Uint64(src)), nil
			case 4:
				return int64(int32(binary.BigEndian.Uint32(src))), nil
			}
			return int64(int16(binary.BigEndian.Uint16(src))), nil
		case oidFloat8:
			if len(src) != 8 {
				return nil, fmt.Errorf("float8: %w: expected 8 bytes, got %d", errInvalidLength, len(src))
			}
			return math.Float64frombits(binary.BigEndian.Uint64(src)), nil
		case oidFloat4:
			if len(src) != 4 {
				return nil, fmt.Errorf("float4: %w: expected 4 bytes, got %d", errInvalidLength, len(src))
			}
			return float64(math.Float32frombits(binary.BigEndian.Uint32(src))), nil
		case oidBool:
			if len(src) != 1 {
				return nil, fmt.Errorf("invalid length for bool: %v", len(src))
			}
			return src[0] == 1, nil
		}
		return append([]byte(nil), src...), nil
	}
	s := string(src)
	switch fd.DataTypeOID {
	case oidInt8, oidInt4, oidInt2:
		return strconv.ParseInt(s, 10, 64)
	case oidFloat8, oidFloat4:
		return strconv.ParseFloat(s, 64)
	case oidBool:
		switch s {
		case "t", "true":
			return true, nil
		case "f", "false":
			return false, nil
		}
		return nil, fmt.Errorf("unknown boolean string representation %q", src)
	case oidNumeric:
		return driver.Numeric(s), nil
	}
	return s, nil
}
