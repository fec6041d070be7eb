package diagnose

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// LengthWord is a message header libpq printed in "lost synchronization
// with server: got message type "%c", length %d", decoded: the type byte
// and the four bytes of the length word, which on a desynchronized stream
// are bytes from the middle of some other message.
type LengthWord struct {
	// Type is the type byte, Length the length word as libpq printed it.
	Type   byte  `json:"type"`
	Length int64 `json:"length"`
	// Bytes are the length word's four bytes, big-endian as on the wire;
	// Hex is them as one hexadecimal number ("0x74795F31").
	Bytes [4]byte `json:"bytes"`
	Hex   string  `json:"hex"`
	// Text is the five header bytes (the type byte and the length word)
	// when all are printable ASCII, like "ity_1"; "" otherwise.
	Text string `json:"text,omitempty"`
	// Explanation says what the bytes were most likely part of.
	Explanation string `json:"explanation"`
}

// DecodeLength decodes the header libpq printed: the type byte and the
// length word (a signed 32-bit value, as libpq prints it). 1954111281 is
// 0x74795F31, the bytes "ty_1": with the type byte "i", the text "ity_1",
// the middle of a column name like activity_1_id in a RowDescription.
func DecodeLength(typ byte, length int64) LengthWord {
	lw := LengthWord{Type: typ, Length: length}
	u := uint32(length)
	lw.Bytes = [4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)}
	lw.Hex = fmt.Sprintf("0x%08X", u)
	header := append([]byte{typ}, lw.Bytes[:]...)
	if printable(header) {
		lw.Text = string(header)
	}
	lw.Explanation = explainHeader(typ, length, lw.Bytes, lw.Text)
	return lw
}

// String renders the decode on one line, like
// `length 1954111281 = 0x74795F31 = "ty_1": ...`.
func (lw LengthWord) String() string {
	s := fmt.Sprintf("type %s, length %d = %s", typeByte(lw.Type), lw.Length, lw.Hex)
	if printable(lw.Bytes[:]) {
		s += fmt.Sprintf(" = %q", string(lw.Bytes[:]))
	}
	return s + ": " + lw.Explanation
}

// Identify names the identifiers in the statements sql that contain the
// header's text: where the bytes libpq misread most likely came from (a
// name inside a longer one found too, like the alias activity_1 of
// activity_1_id, is left out).
func (lw LengthWord) Identify(sql []string) []string {
	if lw.Text == "" {
		return nil
	}
	var found []string
	for _, st := range sql {
		for _, id := range identifier.FindAllString(st, -1) {
			if strings.Contains(id, lw.Text) && !slices.Contains(found, id) {
				found = append(found, id)
			}
		}
	}
	var out []string
	for _, id := range found {
		inner := false
		for _, other := range found {
			inner = inner || other != id && strings.Contains(other, id)
		}
		if !inner {
			out = append(out, id)
		}
	}
	return out
}

var identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_$]*`)

// explainHeader says what a header's bytes were most likely part of.
func explainHeader(typ byte, length int64, b [4]byte, text string) string {
	switch {
	case text != "" && identLike(text):
		return fmt.Sprintf("the header bytes %q are text: libpq started reading in the middle of another reply, "+
			"inside a name such as a column label of a RowDescription (e.g. activity_1_id)", text)
	case text != "" && digits(text[1:]):
		return fmt.Sprintf("the header bytes %q are digits: libpq started reading in the middle of another reply, "+
			"in a value of a DataRow or a command tag", text)
	case text != "":
		return fmt.Sprintf("the header bytes %q are text: libpq started reading in the middle of another message "+
			"(a column name, a value, a query string or an error message)", text)
	case length < 4:
		return "no message is shorter than its own length word: libpq started reading at a byte that is not a message's start"
	case b[0] == 0 && b[1] == 0:
		return "a small length with an unknown type byte: libpq started reading inside another message's binary fields (lengths, counts, oids)"
	}
	return "binary bytes: libpq started reading inside another message (field lengths, oids or values of a RowDescription or DataRow)"
}

// printable reports whether every byte is printable ASCII.
func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return len(b) > 0
}

// identLike reports whether s looks like part of a SQL name: identifier
// characters only, with an underscore or both letters and digits (as in
// activity_1_id or kv_k).
func identLike(s string) bool {
	letters, nums := false, false
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters = true
		case c >= '0' && c <= '9':
			nums = true
		case c != '_':
			return false
		}
	}
	return strings.Contains(s, "_") && (letters || nums) || letters && nums
}

// digits reports whether s is made of decimal digits only.
func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// typeByte renders a message type byte as libpq's %c would, quoted, with
// its code when it is not printable.
func typeByte(c byte) string {
	if printable([]byte{c}) {
		return fmt.Sprintf("%q", string(rune(c)))
	}
	return fmt.Sprintf("0x%02x", c)
}

// backendTypes names the backend message types.
var backendTypes = map[byte]string{ // lookup only
	'R': "Authentication", 'K': "BackendKeyData", '2': "BindComplete", '3': "CloseComplete",
	'C': "CommandComplete", 'd': "CopyData", 'c': "CopyDone", 'G': "CopyInResponse", 'H': "CopyOutResponse",
	'W': "CopyBothResponse", 'D': "DataRow", 'I': "EmptyQueryResponse", 'E': "ErrorResponse",
	'V': "FunctionCallResponse", 'v': "NegotiateProtocolVersion", 'n': "NoData", 'N': "NoticeResponse",
	'A': "NotificationResponse", 't': "ParameterDescription", 'S': "ParameterStatus", '1': "ParseComplete",
	's': "PortalSuspended", 'Z': "ReadyForQuery", 'T': "RowDescription",
}

// frontendTypes names the frontend message types.
var frontendTypes = map[byte]string{ // lookup only
	'B': "Bind", 'C': "Close", 'd': "CopyData", 'c': "CopyDone", 'f': "CopyFail", 'D': "Describe",
	'E': "Execute", 'H': "Flush", 'F': "FunctionCall", 'p': "PasswordMessage", 'P': "Parse", 'Q': "Query",
	'S': "Sync", 'X': "Terminate",
}

// messageName names a message type byte of one direction, like
// `"T" (RowDescription)`.
func messageName(c byte, names map[byte]string) string {
	if n, ok := names[c]; ok {
		return typeByte(c) + " (" + n + ")"
	}
	return typeByte(c) + " (no such message type)"
}
