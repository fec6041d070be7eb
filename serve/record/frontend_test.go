package record

import (
	"reflect"
	"testing"

	"github.com/jackc/pgproto3/v2"
)

// encoder is a pgproto3 message.
type encoder interface {
	Encode(dst []byte) ([]byte, error)
}

// stream encodes msgs one after the other.
func stream(t *testing.T, msgs ...encoder) []byte {
	t.Helper()
	var b []byte
	for _, m := range msgs {
		var err error
		if b, err = m.Encode(b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// decodeSplit decodes b fed in pieces of size n (the last one shorter).
func decodeSplit(b []byte, n int) []Message {
	var got []Message
	f := NewFrontend(7, func(m Message) { got = append(got, m) })
	for len(b) > 0 {
		k := min(n, len(b))
		f.Write(b[:k])
		b = b[k:]
	}
	return got
}

func str(s string) *string { return &s }

// TestFrontendDecodesEveryMessage: a stream of every frontend message
// (startup, simple and extended protocol, COPY, a function call, a
// message of an unknown type, one whose body does not decode) decodes to
// the same messages whether it arrives whole or in pieces of any size;
// the password is not kept; a Bind's values keep NULL, empty, text and
// binary apart.
func TestFrontendDecodesEveryMessage(t *testing.T) {
	b := stream(t,
		&pgproto3.SSLRequest{}, &pgproto3.GSSEncRequest{},
		&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
			Parameters: map[string]string{"user": "app", "database": "shop"}},
		&pgproto3.PasswordMessage{Password: "secret"},
		&pgproto3.Query{String: "SELECT 1; SELECT 'é'"},
		&pgproto3.Parse{Name: "s1", Query: "SELECT $1::int, $2, $3, $4", ParameterOIDs: []uint32{23, 25}},
		&pgproto3.Describe{ObjectType: 'S', Name: "s1"},
		&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "s1", ParameterFormatCodes: []int16{1, 0, 0, 0},
			Parameters: [][]byte{{0, 0, 0, 42}, nil, {}, []byte("text")}, ResultFormatCodes: []int16{1}},
		&pgproto3.Execute{Portal: "p", MaxRows: 10},
		&pgproto3.Close{ObjectType: 'P', Name: "p"},
		&pgproto3.Flush{}, &pgproto3.Sync{},
		&pgproto3.Query{String: "COPY kv FROM STDIN"},
		&pgproto3.CopyData{Data: []byte("a\t1\n")}, &pgproto3.CopyDone{},
		&pgproto3.CopyFail{Message: "no more"},
		&pgproto3.FunctionCall{Function: 1598, Arguments: [][]byte{}, ResultFormatCode: 0},
	)
	b = append(b, 'z', 0, 0, 0, 6, 1, 2)          // an unknown type
	b = append(b, 'Q', 0, 0, 0, 7, 'a', 'b', 'c') // no terminator
	b = stream(t, &encoderBytes{b}, &pgproto3.Terminate{})
	fc, _ := (&pgproto3.FunctionCall{Function: 1598, Arguments: [][]byte{}}).Encode(nil)
	want := []Message{
		{Type: SSLRequest}, {Type: GSSENCRequest},
		{Type: StartupMessage, Protocol: "3.0", Params: map[string]string{"user": "app", "database": "shop"}},
		{Type: PasswordMessage},
		{Type: Query, SQL: "SELECT 1; SELECT 'é'"},
		{Type: Parse, Name: "s1", SQL: "SELECT $1::int, $2, $3, $4", ParamTypes: []uint32{23, 25}},
		{Type: Describe, Object: "S", Name: "s1"},
		{Type: Bind, Portal: "p", Statement: "s1", ParamFormats: []int16{1, 0, 0, 0},
			Values: []*string{str("AAAAKg=="), nil, str(""), str("text")}, ResultFormats: []int16{1}},
		{Type: Execute, Portal: "p", MaxRows: 10},
		{Type: Close, Object: "P", Name: "p"},
		{Type: Flush}, {Type: Sync},
		{Type: Query, SQL: "COPY kv FROM STDIN"},
		{Type: CopyData, Data: []byte("a\t1\n")}, {Type: CopyDone},
		{Type: CopyFail, Error: "no more"},
		{Type: FunctionCall, Data: fc[5:]},
		{Type: Unknown, Byte: "z", Data: []byte{1, 2}},
		{Type: Malformed, Byte: "Q", Data: []byte("abc")},
		{Type: Terminate},
	}
	for i := range want {
		want[i].Session = 7
	}
	for _, n := range []int{len(b), 1, 2, 3, 5, 7, 13, 64} {
		if got := decodeSplit(b, n); !reflect.DeepEqual(got, want) {
			t.Fatalf("pieces of %d bytes:\n got %+v\nwant %+v", n, got, want)
		}
	}
	bind := want[7]
	for i, w := range []struct {
		v    string
		null bool
	}{{"\x00\x00\x00\x2a", false}, {"", true}, {"", false}, {"text", false}} {
		v, null, err := bind.Value(i)
		if err != nil || string(v) != w.v || null != w.null || (!null && v == nil) {
			t.Errorf("value %d: %q %v %v, want %q %v", i, v, null, err, w.v, w.null)
		}
	}
}

// encoderBytes encodes as the bytes it holds.
type encoderBytes struct{ b []byte }

func (e *encoderBytes) Encode(dst []byte) ([]byte, error) { return append(dst, e.b...), nil }

// TestFrontendEnds: a CancelRequest, a startup packet of a bad length, a
// protocol other than 3 and a message of a bad length end the decoding,
// as the server ends those sessions; what follows is not decoded.
func TestFrontendEnds(t *testing.T) {
	after := stream(t, &pgproto3.Query{String: "SELECT 1"})
	cases := []struct {
		name   string
		stream []byte
		want   []Message
	}{
		{"cancel", stream(t, &pgproto3.CancelRequest{ProcessID: 4201, SecretKey: 9}),
			[]Message{{Session: 7, Type: CancelRequest, PID: 4201}}},
		{"bad startup length", []byte{0, 0, 0, 3, 0, 3, 0, 0}, nil},
		{"protocol 2", stream(t, &pgproto3.StartupMessage{ProtocolVersion: 2 << 16, Parameters: map[string]string{"user": "u"}}),
			[]Message{{Session: 7, Type: StartupMessage, Protocol: "2.0", Params: map[string]string{"user": "u"}}}},
		{"bad message length", append(stream(t, &pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
			Parameters: map[string]string{"user": "u"}}), 'Q', 0, 0, 0, 2),
			[]Message{{Session: 7, Type: StartupMessage, Protocol: "3.0", Params: map[string]string{"user": "u"}}}},
	}
	for _, c := range cases {
		var got []Message
		f := NewFrontend(7, func(m Message) { got = append(got, m) })
		f.Write(c.stream)
		f.Write(after)
		if !f.Ended() || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: ended %v, got %+v, want %+v", c.name, f.Ended(), got, c.want)
		}
	}
	f := NewFrontend(1, nil)
	f.Write(stream(t, &pgproto3.SSLRequest{}, &pgproto3.SSLRequest{}))
	if f.Typed() || f.Negotiations() != 2 {
		t.Errorf("after two SSLRequests: typed %v, %d negotiations", f.Typed(), f.Negotiations())
	}
	f.Write(stream(t, &pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: map[string]string{"user": "u"}}))
	if !f.Typed() || f.Ended() {
		t.Errorf("after the StartupMessage: typed %v, ended %v", f.Typed(), f.Ended())
	}
}
