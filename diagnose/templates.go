package diagnose

import (
	"fmt"
	"strconv"
	"strings"
)

// The texts are byte for byte those of the simulated components
// (fakepg/libpq, driver/psycopg, driver/pgxlike, sqla, pool, fakepg, app)
// and of the real ones they follow (libpq's fe-protocol3.c, fe-exec.c and
// fe-misc.c, psycopg2's pqpath.c, SQLAlchemy 1.4, pgconn, PostgreSQL 15,
// Gunicorn 20.1); template_test.go checks them against the simulated
// components' own output.
var table = []*Template{
	// libpq
	{Format: `lost synchronization with server: got message type "%c", length %d`, Source: "libpq",
		Keys: []string{"lost synchronization with server"},
		Meaning: "libpq read a message header (a type byte and a length word) that no server sends there: it is reading " +
			"from the middle of a reply, most often because another reader of the same socket took the bytes before it; " +
			"libpq closes the connection",
		explain: explainSyncLoss},
	{Format: `insufficient data in "%c" message`, Source: "libpq", Keys: []string{"insufficient data in"},
		Meaning: "decoding a message ran past the length its header declared: the header and the body came from " +
			"different replies (two readers of one socket)",
		explain: explainBackendType(0)},
	{Format: `message contents do not agree with length in message type "%c"`, Source: "libpq",
		Keys:    []string{"message contents do not agree with length"},
		Meaning: "a message's contents ended before its declared length: the bytes belong to more than one reply",
		explain: explainBackendType(0)},
	{Format: `unexpected response from server; first received character was "%c"`, Source: "libpq",
		Keys:    []string{"unexpected response from server"},
		Meaning: "libpq, waiting for a reply, read a type byte no reply starts with: it is reading from the middle of a message",
		explain: explainBackendType(0)},
	{Format: `server sent data ("D" message) without prior row description ("T" message)`, Source: "libpq",
		Keys: []string{"without prior row description"},
		Meaning: "libpq read a DataRow before any RowDescription: another reader took the start of this reply " +
			"(or this connection is reading another command's rows)"},
	{Format: `unexpected field count in "%c" message`, Source: "libpq", Keys: []string{"unexpected field count in"},
		Meaning: "a DataRow has another number of columns than the RowDescription libpq holds: the row belongs to " +
			"another query's reply",
		explain: explainBackendType(0)},
	{Format: `message type 0x%02x arrived from server while idle`, Source: "libpq",
		Keys: []string{"arrived from server while idle"},
		Meaning: "a notice, not an error: a reply arrived for a command this connection never sent, so another " +
			"process or thread sent it on the same socket",
		explain: explainIdle},
	{Format: `another command is already in progress`, Source: "libpq",
		Keys:    []string{"another command is already in progress"},
		Meaning: "a query was sent on a PGconn whose previous command has not finished: two users of one connection"},
	{Format: "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.",
		Source: "libpq", Keys: []string{"server closed the connection unexpectedly"},
		Meaning: "end of file or a reset while reading a reply: the server session ended under the client, for " +
			"instance because another process sharing the socket sent Terminate or the server gave up on a garbled stream"},
	{Format: `no connection to the server`, Source: "libpq", Keys: []string{"no connection to the server"},
		Meaning: "a query on a connection libpq already closed (after a sync loss or a reset)"},
	{Format: `could not receive data from server: %s`, Source: "libpq", Keys: []string{"could not receive data from server"},
		Meaning: "reading the socket failed: closed under the reader, for instance by another thread of the process"},
	{Format: `could not send data to server: %s`, Source: "libpq", Keys: []string{"could not send data to server"},
		Meaning: "writing the socket failed: closed or reset under the writer"},
	{Format: `invalid socket`, Source: "libpq", Keys: []string{"invalid socket"},
		Meaning: "libpq's socket was closed (by another user of the connection) before this read"},
	{Format: `connection not open`, Source: "libpq", Keys: []string{"connection not open"},
		Meaning: "a read or write on a connection libpq has closed"},

	// psycopg2
	{Format: `error with status %s and no message from the libpq`, Source: "psycopg2",
		Keys: []string{"no message from the libpq"},
		Meaning: "psycopg2 got a result of the wrong kind with no error text: a transaction command (BEGIN, COMMIT, " +
			"ROLLBACK) received another query's reply, so the replies on this connection are out of step",
		explain: explainStatus},
	{Format: `no results to fetch`, Source: "psycopg2", Keys: []string{"no results to fetch"},
		Meaning: "a fetch on a cursor whose last result had no rows: the query got a reply without rows, another command's"},
	{Format: `connection already closed`, Source: "psycopg2", Keys: []string{"connection already closed"},
		Meaning: "the connection object was closed before this call, by this process or one that shares it"},

	// SQLAlchemy and its pools
	{Format: `tuple index out of range`, Source: "SQLAlchemy", Keys: []string{"tuple index out of range"},
		Meaning: "IndexError: a row narrower than the query's columns: the rows came from another query's reply " +
			"(also psycopg2's, when a statement has more placeholders than parameters)"},
	{Format: `This result object does not return rows. It has been closed automatically.`, Source: "SQLAlchemy",
		Keys: []string{"This result object does not return rows"},
		Meaning: "ResourceClosedError: a statement expected rows and its reply had no row description: the reply was " +
			"another command's"},
	{Format: `number of values in row (%d) differ from number of column processors (%d)`, Source: "SQLAlchemy",
		Keys: []string{"differ from number of column processors"},
		Meaning: "RuntimeError of SQLAlchemy's C extensions (as Debian installs it): a row of another width than the " +
			"query's columns, so the rows came from another query's reply (the pure-Python rows raise IndexError instead)"},
	{Format: `connection is already checked out`, Source: "SQLAlchemy", Keys: []string{"connection is already checked out"},
		Meaning: "AssertionPool: a second checkout while its one connection is out: two users of one pool at once"},
	{Format: `QueuePool limit of size %d overflow %d reached, connection timed out, timeout %0.2f`, Source: "SQLAlchemy",
		Keys:    []string{"QueuePool limit of size"},
		Meaning: "TimeoutError: every connection of the pool was checked out for the whole timeout: the pool is exhausted, connections leaked or held too long",
		explain: explainQueuePool},

	// pgx
	{Format: `conn busy`, Source: "pgx", Keys: []string{"conn busy"},
		Meaning: "a pgx connection used by a second goroutine while a query of the first is in progress"},

	// PostgreSQL
	{Format: `invalid frontend message type %d`, Source: "PostgreSQL", Keys: []string{"invalid frontend message type"},
		Meaning: "the server read a frontend message header from the middle of a message: two writers' bytes " +
			"interleaved on one connection; the session ends (FATAL 08P01)",
		explain: explainFrontend},
	{Format: `invalid message length`, Source: "PostgreSQL", Keys: []string{"invalid message length"},
		Meaning: "a message length no frontend sends: the stream is garbled (interleaved writers); the session ends " +
			"(pgx prints the same words for a backend message)"},
	{Format: `sorry, too many clients already`, Source: "PostgreSQL", Keys: []string{"sorry, too many clients already"},
		Meaning: "FATAL 53300: max_connections sessions are open: the deployment opens more connections than the server admits"},
	{Format: `remaining connection slots are reserved for non-replication superuser connections`, Source: "PostgreSQL",
		Keys:    []string{"remaining connection slots are reserved"},
		Meaning: "FATAL 53300: only superuser_reserved_connections slots are left: the deployment is at the server's limit"},
	{Format: `current transaction is aborted, commands ignored until end of transaction block`, Source: "PostgreSQL",
		Keys:    []string{"current transaction is aborted"},
		Meaning: "ERROR 25P02: a statement in a transaction that already failed: someone else's error, or one not rolled back"},
	{Format: `deadlock detected`, Source: "PostgreSQL", Keys: []string{"deadlock detected"},
		Meaning: "ERROR 40P01: two transactions waited for each other's locks: concurrent transactions on separate " +
			"sessions, not a sign of a shared connection by itself"},
	{Format: `there is already a transaction in progress`, Source: "PostgreSQL",
		Keys:    []string{"there is already a transaction in progress"},
		Meaning: "WARNING 25001: BEGIN inside a transaction: two users' transactions on one session"},
	{Format: `there is no transaction in progress`, Source: "PostgreSQL", Keys: []string{"there is no transaction in progress"},
		Meaning: "WARNING 25P01: COMMIT or ROLLBACK outside a transaction: another user ended it first"},

	// Gunicorn
	{Format: `WORKER TIMEOUT (pid:%d)`, Source: "Gunicorn", Keys: []string{"WORKER TIMEOUT"},
		Meaning: "the arbiter killed a worker silent for longer than its timeout: a hang, such as a read waiting for a " +
			"reply another process took",
		explain: func(h hit, _ []string) []string {
			if h.args[0] == "" {
				return nil
			}
			return []string{"worker pid " + h.args[0]}
		}},
}

func init() {
	for _, t := range table {
		t.compile()
	}
}

// Templates returns the templates poolsim knows, in report order (by
// component, then along the protocol).
func Templates() []*Template { return append([]*Template(nil), table...) }

// Find returns the template whose Format is format, or nil.
func Find(format string) *Template {
	for _, t := range table {
		if t.Format == format {
			return t
		}
	}
	return nil
}

// order is a template's place in the table (len(table) for none).
func order(format string) int {
	for i, t := range table {
		if t.Format == format {
			return i
		}
	}
	return len(table)
}

func explainSyncLoss(h hit, sql []string) []string {
	args := h.args
	if !h.partial && args[0] == "" {
		return []string{"type byte NUL: libpq's text is a C string and ends at it, right after the quote"}
	}
	if args[0] == "" || args[1] == "" {
		return nil
	}
	n, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil {
		return nil
	}
	lw := DecodeLength(args[0][0], n)
	out := []string{lw.String()}
	if ids := lw.Identify(sql); len(ids) > 0 {
		out = append(out, fmt.Sprintf("%q is inside %s, in a statement the log shows", lw.Text, strings.Join(ids, ", ")))
	}
	return out
}

// explainBackendType names the backend message type of verb i.
func explainBackendType(i int) func(h hit, _ []string) []string {
	return func(h hit, _ []string) []string {
		args := h.args
		if args[i] == "" {
			return nil
		}
		return []string{"message type " + messageName(args[i][0], backendTypes)}
	}
}

func explainIdle(h hit, _ []string) []string {
	args := h.args
	v, err := strconv.ParseUint(args[0], 16, 32)
	if err != nil {
		return nil
	}
	return []string{fmt.Sprintf("0x%s is message type %s", args[0], messageName(byte(v), backendTypes))}
}

func explainFrontend(h hit, _ []string) []string {
	args := h.args
	v, err := strconv.Atoi(args[0])
	if err != nil || v < 0 || v > 255 {
		return nil
	}
	return []string{fmt.Sprintf("%d is frontend message type %s", v, messageName(byte(v), frontendTypes))}
}

// statusMeaning says what a result status means where psycopg2 expected
// PGRES_COMMAND_OK (a transaction command's reply).
var statusMeaning = map[string]string{ // lookup only
	"PGRES_TUPLES_OK":      "rows: the reply of some SELECT (or RETURNING) reached a BEGIN, COMMIT or ROLLBACK",
	"PGRES_EMPTY_QUERY":    "an empty query's reply reached a transaction command",
	"PGRES_COPY_OUT":       "a COPY's reply reached a transaction command",
	"PGRES_COPY_IN":        "a COPY's reply reached a transaction command",
	"PGRES_COMMAND_OK":     "a command's reply where rows were expected",
	"PGRES_FATAL_ERROR":    "an error without text",
	"PGRES_NONFATAL_ERROR": "a notice-level result",
}

func explainStatus(h hit, _ []string) []string {
	args := h.args
	if args[0] == "" {
		return nil
	}
	if m, ok := statusMeaning[args[0]]; ok {
		return []string{"status " + args[0] + ": " + m}
	}
	return []string{"status " + args[0]}
}

func explainQueuePool(h hit, _ []string) []string {
	args := h.args
	if args[0] == "" {
		return nil
	}
	return []string{fmt.Sprintf("pool_size %s, max_overflow %s, pool_timeout %s s", args[0], args[1], args[2])}
}
