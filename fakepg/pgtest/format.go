package pgtest

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgproto3/v2"
)

// Closed is the transcript line for the server closing the connection.
const Closed = "<closed>"

// masked replaces DataRow values in steps marked with Step.Mask.
const masked = "<masked>"

// renderFrame turns what the session's reader got into a transcript line.
func renderFrame(f frame, mask bool) string {
	switch f.kind {
	case frameClosed:
		return Closed
	case frameByte:
		return "ssl " + printable(string([]byte{f.typ}))
	case frameGarbage:
		return "<garbage " + quoteBytes(f.body) + ">"
	}
	line, err := renderMessage(f.typ, f.body, mask)
	if err != nil {
		return fmt.Sprintf("<bad %s message: %v: %s>", printable(string([]byte{f.typ})), err, quoteBytes(f.body))
	}
	return line
}

// renderMessage decodes one backend message body with pgproto3 and renders
// it. A body pgproto3 cannot decode gives an error, not a panic.
func renderMessage(typ byte, body []byte, mask bool) (line string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decode: %v", r)
		}
	}()
	decode := func(m pgproto3.BackendMessage) error { return m.Decode(body) }
	switch typ {
	case 'R':
		return renderAuth(body)
	case 'S':
		var m pgproto3.ParameterStatus
		if err := decode(&m); err != nil {
			return "", err
		}
		if m.Name == "server_version" {
			m.Value = "<version>"
		}
		return "S " + printable(m.Name) + "=" + printable(m.Value), nil
	case 'K':
		var m pgproto3.BackendKeyData
		return "K", decode(&m)
	case 'Z':
		var m pgproto3.ReadyForQuery
		if err := decode(&m); err != nil {
			return "", err
		}
		return "Z " + printable(string([]byte{m.TxStatus})), nil
	case 'T':
		var m pgproto3.RowDescription
		if err := decode(&m); err != nil {
			return "", err
		}
		return "T " + renderFields(m.Fields), nil
	case 'D':
		var m pgproto3.DataRow
		if err := decode(&m); err != nil {
			return "", err
		}
		return "D " + renderValues(m.Values, mask), nil
	case 'C':
		var m pgproto3.CommandComplete
		if err := decode(&m); err != nil {
			return "", err
		}
		return "C " + strconv.Quote(string(m.CommandTag)), nil
	case 'E':
		var m pgproto3.ErrorResponse
		if err := decode(&m); err != nil {
			return "", err
		}
		return "E " + renderError(&m), nil
	case 'N':
		var m pgproto3.NoticeResponse
		if err := decode(&m); err != nil {
			return "", err
		}
		return "N " + renderError((*pgproto3.ErrorResponse)(&m)), nil
	case 't':
		var m pgproto3.ParameterDescription
		if err := decode(&m); err != nil {
			return "", err
		}
		return "t " + fmt.Sprint(m.ParameterOIDs), nil
	case '1', '2', '3', 'n', 's', 'I', 'c':
		msgs := map[byte]pgproto3.BackendMessage{
			'1': &pgproto3.ParseComplete{}, '2': &pgproto3.BindComplete{},
			'3': &pgproto3.CloseComplete{}, 'n': &pgproto3.NoData{},
			's': &pgproto3.PortalSuspended{}, 'I': &pgproto3.EmptyQueryResponse{},
			'c': &pgproto3.CopyDone{},
		}
		return string([]byte{typ}), decode(msgs[typ])
	case 'A':
		var m pgproto3.NotificationResponse
		if len(body) < 4 {
			return "", fmt.Errorf("too short")
		}
		if err := decode(&m); err != nil {
			return "", err
		}
		return "A " + strconv.Quote(m.Channel) + " " + strconv.Quote(m.Payload), nil
	case 'G', 'H', 'W':
		var format byte
		var codes []uint16
		switch typ {
		case 'G':
			var m pgproto3.CopyInResponse
			err = decode(&m)
			format, codes = m.OverallFormat, m.ColumnFormatCodes
		case 'H':
			var m pgproto3.CopyOutResponse
			err = decode(&m)
			format, codes = m.OverallFormat, m.ColumnFormatCodes
		case 'W':
			var m pgproto3.CopyBothResponse
			err = decode(&m)
			format, codes = m.OverallFormat, m.ColumnFormatCodes
		}
		return fmt.Sprintf("%c %d %v", typ, format, codes), err
	case 'd':
		return "d " + quoteBytes(body), nil
	case 'V':
		var m pgproto3.FunctionCallResponse
		if err := decode(&m); err != nil {
			return "", err
		}
		return "V " + renderValues([][]byte{m.Result}, mask), nil
	case 'v':
		return renderNegotiate(body)
	}
	return "? " + printable(string([]byte{typ})) + " " + quoteBytes(body), nil
}

// renderAuth renders an authentication request, without salts or SASL data.
func renderAuth(body []byte) (string, error) {
	if len(body) < 4 {
		return "", fmt.Errorf("too short")
	}
	switch code := binary.BigEndian.Uint32(body); code {
	case pgproto3.AuthTypeOk:
		return "R ok", (&pgproto3.AuthenticationOk{}).Decode(body)
	case pgproto3.AuthTypeCleartextPassword:
		return "R cleartext", (&pgproto3.AuthenticationCleartextPassword{}).Decode(body)
	case pgproto3.AuthTypeMD5Password:
		return "R md5", (&pgproto3.AuthenticationMD5Password{}).Decode(body)
	case pgproto3.AuthTypeSASL:
		var m pgproto3.AuthenticationSASL
		err := m.Decode(body)
		return "R sasl " + fmt.Sprint(m.AuthMechanisms), err
	case pgproto3.AuthTypeSASLContinue:
		return "R sasl-continue", nil
	case pgproto3.AuthTypeSASLFinal:
		return "R sasl-final", nil
	case pgproto3.AuthTypeGSS:
		return "R gss", nil
	case pgproto3.AuthTypeGSSCont:
		return "R gss-continue", nil
	case pgproto3.AuthTypeSSPI:
		return "R sspi", nil
	default:
		return fmt.Sprintf("R %d", code), nil
	}
}

// renderFields renders RowDescription fields as name:type(oid) with
// /mod=, /len= and /fmt= when they are not the usual values.
func renderFields(fields []pgproto3.FieldDescription) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		typ, known := pgTypes[f.DataTypeOID]
		name := "?"
		if known {
			name = typ.name
		}
		s := fmt.Sprintf("%s:%s(%d)", quoteIfNeeded(string(f.Name)), name, f.DataTypeOID)
		if f.TypeModifier != -1 {
			s += fmt.Sprintf("/mod=%d", f.TypeModifier)
		}
		if !known || f.DataTypeSize != typ.len {
			s += fmt.Sprintf("/len=%d", f.DataTypeSize)
		}
		if f.Format != 0 {
			s += fmt.Sprintf("/fmt=%d", f.Format)
		}
		parts[i] = s
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// renderValues renders DataRow values quoted, NULL as NULL, and masked
// values as <masked>.
func renderValues(values [][]byte, mask bool) string {
	parts := make([]string, len(values))
	for i, v := range values {
		switch {
		case v == nil:
			parts[i] = "NULL"
		case mask:
			parts[i] = masked
		default:
			parts[i] = quoteBytes(v)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// renderNegotiate renders NegotiateProtocolVersion, which pgproto3 v2 does
// not know: "v <newest minor> [unrecognized options]".
func renderNegotiate(body []byte) (string, error) {
	if len(body) < 8 {
		return "", fmt.Errorf("too short")
	}
	minor := binary.BigEndian.Uint32(body)
	n := binary.BigEndian.Uint32(body[4:])
	rest := body[8:]
	var opts []string
	for i := uint32(0); i < n; i++ {
		name, after, ok := strings.Cut(string(rest), "\x00")
		if !ok {
			return "", fmt.Errorf("option %d not terminated", i)
		}
		opts = append(opts, quoteIfNeeded(name))
		rest = []byte(after)
	}
	if len(rest) != 0 {
		return "", fmt.Errorf("%d bytes left over", len(rest))
	}
	return fmt.Sprintf("v %d [%s]", minor, strings.Join(opts, " ")), nil
}

// describeMessage renders a frontend message for the transcript.
func describeMessage(m pgproto3.FrontendMessage) string {
	switch m := m.(type) {
	case *pgproto3.Query:
		return "Q " + strconv.Quote(m.String)
	case *pgproto3.Parse:
		s := "P " + strconv.Quote(m.Name) + " " + strconv.Quote(m.Query)
		if len(m.ParameterOIDs) > 0 {
			s += " " + fmt.Sprint(m.ParameterOIDs)
		}
		return s
	case *pgproto3.Bind:
		s := "B " + strconv.Quote(m.DestinationPortal) + " " + strconv.Quote(m.PreparedStatement) +
			" " + renderValues(m.Parameters, false)
		if len(m.ParameterFormatCodes) > 0 {
			s += fmt.Sprintf(" pfmt=%v", m.ParameterFormatCodes)
		}
		if len(m.ResultFormatCodes) > 0 {
			s += fmt.Sprintf(" rfmt=%v", m.ResultFormatCodes)
		}
		return s
	case *pgproto3.Describe:
		return "D " + printable(string([]byte{m.ObjectType})) + " " + strconv.Quote(m.Name)
	case *pgproto3.Execute:
		return fmt.Sprintf("E %q %d", m.Portal, m.MaxRows)
	case *pgproto3.Close:
		return "C " + printable(string([]byte{m.ObjectType})) + " " + strconv.Quote(m.Name)
	case *pgproto3.Sync:
		return "S"
	case *pgproto3.Flush:
		return "H"
	case *pgproto3.Terminate:
		return "X"
	}
	b, err := m.Encode(nil)
	if err != nil {
		return fmt.Sprintf("%T (cannot encode: %v)", m, err)
	}
	return "msg " + quoteBytes(b)
}
