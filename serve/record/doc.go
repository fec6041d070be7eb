// Package record is the file format of a recording of real client
// sessions: the frontend messages each client sent to the fake backend
// served on TCP (package serve), in the order the server read them, one
// JSON object a line (JSON Lines).
//
// The first line is the header:
//
//	{"format":"poolsim-record","version":1}
//
// Every other line is one Message: the number of its session (1, 2, ...
// in the order the server accepted the connections) and its type, named
// as the protocol documentation names the frontend messages, with that
// type's fields. A field left out is zero or empty.
//
//	type             fields
//	SSLRequest       (none): the server answered "N"
//	GSSENCRequest    (none): the server answered "N"
//	CancelRequest    pid: the process ID of the session to cancel (the secret key is not written)
//	StartupMessage   protocol ("3.0"), params (user, database, application_name, ...)
//	PasswordMessage  (none): the password is never written
//	Query            sql
//	Parse            name (the statement's, "" for the unnamed one), sql, param_types (OIDs)
//	Bind             portal, statement, param_formats, values, result_formats
//	Describe         object ("S" statement or "P" portal), name
//	Execute          portal, max_rows
//	Close            object ("S" or "P"), name
//	Sync, Flush, Terminate, CopyDone   (none)
//	CopyData         data
//	CopyFail         error
//	FunctionCall     data (the message body)
//	Unknown          byte (the message type, as the character U+0000 to U+00FF), data (the body)
//	Malformed        byte, data: a message whose body does not decode
//
// A Bind's values are its parameters in order: null for SQL NULL, else a
// string: the value itself when its format (param_formats, where one code
// applies to all and none means text) is text (0), its bytes in standard
// base64 when binary (1); Message.Value decodes them. "data" fields are
// standard base64 too. Text is UTF-8 as the client sent it; bytes that
// are not UTF-8 are replaced by U+FFFD, as encoding/json writes them.
//
// A session's lines are in the order its messages were read; the lines of
// concurrent sessions interleave. Read groups them back into sessions.
// Writer writes the format and Frontend decodes a session's byte stream
// into its messages.
package record
