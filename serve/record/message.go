package record

import (
	"encoding/base64"
	"fmt"
)

// Format and Version are the header's values; Read refuses a file with
// another format or a later version.
const (
	Format  = "poolsim-record"
	Version = 1
)

// Header is the first line of a recording.
type Header struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

// The message types (Message.Type).
const (
	SSLRequest      = "SSLRequest"
	GSSENCRequest   = "GSSENCRequest"
	CancelRequest   = "CancelRequest"
	StartupMessage  = "StartupMessage"
	PasswordMessage = "PasswordMessage"
	Query           = "Query"
	Parse           = "Parse"
	Bind            = "Bind"
	Describe        = "Describe"
	Execute         = "Execute"
	Close           = "Close"
	Sync            = "Sync"
	Flush           = "Flush"
	Terminate       = "Terminate"
	CopyData        = "CopyData"
	CopyDone        = "CopyDone"
	CopyFail        = "CopyFail"
	FunctionCall    = "FunctionCall"
	Unknown         = "Unknown"
	Malformed       = "Malformed"
)

// Message is one frontend message of a recorded session: one line of the
// file. Which fields a type has is in the package documentation.
type Message struct {
	// Session numbers the client connection, from 1 in accept order.
	Session int `json:"session"`
	// Type is the message's name (the constants above).
	Type string `json:"type"`
	// Protocol and Params are a StartupMessage's version ("3.0") and
	// parameters.
	Protocol string            `json:"protocol,omitempty"`
	Params   map[string]string `json:"params,omitempty"`
	// SQL is a Query's string or a Parse's query.
	SQL string `json:"sql,omitempty"`
	// Object is what a Describe or Close names: "S" a prepared statement,
	// "P" a portal; Name is its name, or a Parse's statement name.
	Object string `json:"object,omitempty"`
	Name   string `json:"name,omitempty"`
	// ParamTypes are a Parse's parameter type OIDs.
	ParamTypes []uint32 `json:"param_types,omitempty"`
	// Portal is a Bind's or Execute's portal, Statement a Bind's
	// prepared statement.
	Portal    string `json:"portal,omitempty"`
	Statement string `json:"statement,omitempty"`
	// ParamFormats, Values and ResultFormats are a Bind's (see Value).
	ParamFormats  []int16   `json:"param_formats,omitempty"`
	Values        []*string `json:"values,omitempty"`
	ResultFormats []int16   `json:"result_formats,omitempty"`
	// MaxRows is an Execute's row limit (0: all).
	MaxRows uint32 `json:"max_rows,omitempty"`
	// PID is a CancelRequest's process ID.
	PID uint32 `json:"pid,omitempty"`
	// Error is a CopyFail's message.
	Error string `json:"error,omitempty"`
	// Byte is the type byte of an Unknown or Malformed message; Data the
	// body of those, of a FunctionCall, or a CopyData's data.
	Byte string `json:"byte,omitempty"`
	Data []byte `json:"data,omitempty"`
}

// ParamFormat returns the format code of a Bind's parameter i: the one
// code given for all, the parameter's own, or 0 (text) when none is given.
func (m *Message) ParamFormat(i int) int16 {
	switch len(m.ParamFormats) {
	case 0:
		return 0
	case 1:
		return m.ParamFormats[0]
	}
	if i < len(m.ParamFormats) {
		return m.ParamFormats[i]
	}
	return 0
}

// Value returns a Bind's parameter i as the client sent it; null reports
// SQL NULL.
func (m *Message) Value(i int) (v []byte, null bool, err error) {
	if i < 0 || i >= len(m.Values) {
		return nil, false, fmt.Errorf("record: %s has no parameter %d", m.Type, i)
	}
	s := m.Values[i]
	if s == nil {
		return nil, true, nil
	}
	if m.ParamFormat(i) == 0 {
		return []byte(*s), false, nil
	}
	v, err = base64.StdEncoding.DecodeString(*s)
	if err != nil {
		return nil, false, fmt.Errorf("record: parameter %d of a Bind is not base64: %v", i, err)
	}
	return v, false, nil
}

// encodeValue is the inverse of Value for a parameter of format f.
func encodeValue(v []byte, f int16) *string {
	if v == nil {
		return nil
	}
	s := string(v)
	if f != 0 {
		s = base64.StdEncoding.EncodeToString(v)
	}
	return &s
}
