package engine

import (
	"strconv"
	"strings"
)

// Input and output that depend on the session's settings, as PostgreSQL's
// type I/O functions read them: timestamptz in the TimeZone and DateStyle
// settings, float8 output with extra_float_digits.

// outputFloat is a float8 on its way to the client in a session whose
// extra_float_digits asks for a fixed number of significant digits.
type outputFloat struct {
	f     float64
	extra int
}

// ParseText converts text input for type t as this session's input
// functions do: timestamptz reads the session's TimeZone.
func (s *Session) ParseText(t Type, str string) (Value, error) { return s.parseText(t, str) }

func (s *Session) parseText(t Type, str string) (Value, error) {
	if t == Timestamptz && s != nil {
		return s.parseTimestamp(str)
	}
	return ParseText(t, str)
}

// extraFloatDigits returns the extra_float_digits setting (its default
// without a session).
func (s *Session) extraFloatDigits() int {
	if s == nil {
		return 1
	}
	n, err := strconv.Atoi(s.gucs.vals["extra_float_digits"])
	if err != nil {
		return 1
	}
	return n
}

// outputValue prepares a non-null result value of type t for the client:
// a timestamptz carries the session's TimeZone, a float8 the session's
// extra_float_digits when that is not positive.
func (s *Session) outputValue(t Type, v Value) Value {
	switch t {
	case Timestamptz:
		return zonedTimestamp{v.(Timestamp), s.location()}
	case Float8:
		if extra := s.extraFloatDigits(); extra <= 0 {
			return outputFloat{v.(float64), extra}
		}
	}
	return v
}

// formatText renders a non-null v of type t as its output function does in
// this session.
func (s *Session) formatText(t Type, v Value) (Value, error) {
	if t == Timestamptz {
		if err := s.dateStyleError(); err != nil {
			return nil, err
		}
	}
	str, _ := FormatText(t, s.outputValue(t, v))
	return str, nil
}

// dateStyleError refuses timestamp output in a DateStyle other than ISO,
// the only output style the engine implements.
func (s *Session) dateStyleError() *Error {
	if s == nil {
		return nil
	}
	style := s.gucs.vals["DateStyle"]
	if strings.HasPrefix(style, "ISO") {
		return nil
	}
	return errorf(FeatureNotSupported, "poolsim does not support timestamp output in DateStyle \"%s\"", style)
}

// checkOutputStyle fails when a result column could not be shown in the
// session's output styles.
func (s *Session) checkOutputStyle(cols []ResultColumn) *Error {
	for _, c := range cols {
		if c.Type == Timestamptz {
			return s.dateStyleError()
		}
	}
	return nil
}

// unsupportedTypeNames are type names PostgreSQL knows that the engine
// does not implement: a cast to one is refused, not reported missing.
var unsupportedTypeNames = map[string]bool{
	"real": true, "float4": true, "date": true, "time": true, "timetz": true,
	"time with time zone": true, "time without time zone": true,
	"timestamp": true, "timestamp without time zone": true, "interval": true,
	"bytea": true, "json": true, "jsonb": true, "uuid": true, "char": true,
	"character": true, "bpchar": true, "money": true,
	"inet": true, "cidr": true, "macaddr": true, "xml": true, "bit": true,
	"bit varying": true, "varbit": true, "regtype": true,
	"national character": true, "national char": true, "nchar": true,
	"national character varying": true, "national char varying": true,
	"nchar varying": true, "char varying": true,
}
