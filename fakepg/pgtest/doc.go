// Package pgtest is test support for checking the fake PostgreSQL backend
// against a real PostgreSQL 15 server.
//
// It does two things:
//
//   - StartPostgres starts a throwaway PostgreSQL 15 cluster on a free
//     loopback port (trust authentication, user "postgres", UTF8, locale C,
//     TimeZone UTC, fsync off) with Schema already applied.
//   - Run plays a Script of raw protocol steps over one or more named
//     sessions against any server address and returns a Transcript of every
//     backend message, normalized to one printable line each. Diff compares
//     two transcripts.
//
// # Sharing one cluster
//
// Without further setup every StartPostgres call starts its own cluster
// (one to two seconds) and stops it when the test ends. To share one
// cluster among all tests of a package, run the tests through Main:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// A test that needs server settings of its own (a small max_connections,
// say) starts a cluster of its own with StartPostgresWith; a test that
// counts connections calls Cluster.AwaitNoClients first.
//
// The shared cluster is started by the first StartPostgres call (so a test
// binary whose tests are all skipped or filtered out never starts one) and
// stopped by Shutdown after the tests. Tests using a shared cluster should
// call Cluster.Reset at their start and must not run in parallel with each
// other (no t.Parallel), because Reset empties the tables and ends every
// other session.
//
// StartPostgresWith never returns the shared cluster: it starts one of
// the test's own with extra server settings, for those that only a restart
// changes (max_connections, for one).
//
// The postmaster is a child of the test binary with a parent-death signal,
// so it never outlives the test process, even when Shutdown is not reached.
//
// # Missing PostgreSQL
//
// When no PostgreSQL 15 binaries are found, StartPostgres skips the test,
// or fails it when the environment variable CI is "true".
//
// # Transcripts
//
// Transcript.String shows, for each step, what was sent (">"), a client-side
// note if any ("!", e.g. a write to a connection the server had closed) and
// the backend messages the step collected ("<"):
//
//	#2 s1 > Q "SELECT 1"
//	#2 s1 < T [?column?:int4(23)]
//	#2 s1 < D ["1"]
//	#2 s1 < C "SELECT 1"
//	#2 s1 < Z I
//
// A step collects messages only while it waits (see Step), so a transcript
// does not depend on network timing.
//
// # Transcript lines
//
// Every backend message becomes one line:
//
//	R ok                               AuthenticationOk (cleartext, md5, sasl [...], ...; salts and SASL data dropped)
//	S client_encoding=UTF8             ParameterStatus
//	K                                  BackendKeyData (values dropped)
//	Z I                                ReadyForQuery
//	T [k:text(25) v:int8(20)]          RowDescription
//	D ["a" "1" NULL]                   DataRow
//	C "UPDATE 1"                       CommandComplete
//	E ERROR 23505 duplicate key ... | DETAIL Key (k)=(a) already exists. | SCHEMA public | ...
//	N WARNING 25001 there is already a transaction in progress
//	1  2  3  n  s  I                   ParseComplete, BindComplete, CloseComplete, NoData, PortalSuspended, EmptyQueryResponse
//	t [25 20]                          ParameterDescription
//	A "channel" "payload"              NotificationResponse (process ID dropped)
//	G 0 [0 0]  d "..."  c  V "..."     copy responses, CopyData, CopyDone, FunctionCallResponse
//	v 0 [_pq_.x]                       NegotiateProtocolVersion
//	ssl N                              the one-byte answer to an SSLRequest
//	<closed>                           the server closed the connection
//
// A misbehaving server shows up as lines too, never as a hang or a crash:
// "? x "body"" for an unknown message type, "<bad X message: why: "body">"
// for a body pgproto3 cannot decode, and "<garbage "bytes">" for bytes
// that do not form a message (a length word below 4 or above 64 MiB, such
// as a protocol-2 error, or a message cut short by the close).
//
// A RowDescription field is name:type(oid), followed by /mod=N when the
// type modifier is not -1, /len=N when the type length is not the one
// PostgreSQL uses for that type (always for types pgtest does not know), and
// /fmt=N when the format is not text. The table OID and column number of a
// field are not shown.
//
// ErrorResponse and NoticeResponse lines are "E" or "N", severity, SQLSTATE
// and message, then every other field present in the order PostgreSQL sends
// them: | V (only when it differs from the severity), | DETAIL, | HINT,
// | CONTEXT, | SCHEMA, | TABLE, | COLUMN, | DATATYPE, | CONSTRAINT, | POS,
// | INTERNAL POS, | INTERNAL QUERY, then unknown fields as | ?x. Control
// characters are escaped as in Go strings (a newline is \n).
//
// Normalizations, and the only ones:
//
//   - ParameterStatus server_version has its value replaced by "<version>".
//   - BackendKeyData values are dropped.
//   - The fields F, L and R (file, line, routine) of ErrorResponse and
//     NoticeResponse are dropped.
//   - In a deadlock (SQLSTATE 40P01) DETAIL, process, transaction, relation
//     and database numbers are replaced by <pid1>, <xid1>, <rel1>, <db1>,
//     ... numbered by first appearance within the message.
//   - DataRow values consumed by a step marked with Step.Mask are replaced by
//     <masked> (NULL stays NULL); use it for pg_backend_pid() and the like.
//   - Authentication salts and SASL data, the RowDescription table OID and
//     column number, and the process ID of a NotificationResponse are not
//     shown (see above).
package pgtest
