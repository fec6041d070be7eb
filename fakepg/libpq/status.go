package libpq

// ConnStatus is the status of a connection (libpq's ConnStatusType as
// returned by PQstatus).
type ConnStatus int

const (
	// ConnectionOK is CONNECTION_OK: the connection is usable.
	ConnectionOK ConnStatus = iota
	// ConnectionBad is CONNECTION_BAD: the connection failed or was lost.
	ConnectionBad

	// Startup states, never visible after Connect returns.
	connectionAwaitingResponse
	connectionAuthOK
)

// String returns libpq's enumerator name, e.g. "CONNECTION_OK".
func (s ConnStatus) String() string {
	switch s {
	case ConnectionOK:
		return "CONNECTION_OK"
	case ConnectionBad:
		return "CONNECTION_BAD"
	case connectionAwaitingResponse:
		return "CONNECTION_AWAITING_RESPONSE"
	case connectionAuthOK:
		return "CONNECTION_AUTH_OK"
	}
	return "CONNECTION_UNKNOWN"
}

// TransactionStatus is the server transaction state as seen by the client
// (libpq's PGTransactionStatusType as returned by PQtransactionStatus).
type TransactionStatus int

// The transaction states, numbered as in libpq.
const (
	PQTRANS_IDLE    TransactionStatus = iota // connection idle, no transaction
	PQTRANS_ACTIVE                           // a command is in progress
	PQTRANS_INTRANS                          // idle, in a valid transaction block
	PQTRANS_INERROR                          // idle, in a failed transaction block
	PQTRANS_UNKNOWN                          // the connection is bad
)

// String returns the constant's name, e.g. "PQTRANS_INERROR".
func (s TransactionStatus) String() string {
	switch s {
	case PQTRANS_IDLE:
		return "PQTRANS_IDLE"
	case PQTRANS_ACTIVE:
		return "PQTRANS_ACTIVE"
	case PQTRANS_INTRANS:
		return "PQTRANS_INTRANS"
	case PQTRANS_INERROR:
		return "PQTRANS_INERROR"
	case PQTRANS_UNKNOWN:
		return "PQTRANS_UNKNOWN"
	}
	return "PQTRANS_UNKNOWN"
}

// ExecStatus is the status of a result (libpq's ExecStatusType as returned
// by PQresultStatus). The numbering is libpq's.
type ExecStatus int

// The result statuses, numbered as in libpq.
const (
	PGRES_EMPTY_QUERY      ExecStatus = iota // the query string was empty
	PGRES_COMMAND_OK                         // a command that returns no rows succeeded
	PGRES_TUPLES_OK                          // a query that returns rows succeeded
	PGRES_COPY_OUT                           // COPY OUT transfer started
	PGRES_COPY_IN                            // COPY IN transfer started
	PGRES_BAD_RESPONSE                       // the server's response was not understood
	PGRES_NONFATAL_ERROR                     // a notice or warning
	PGRES_FATAL_ERROR                        // an error
	PGRES_COPY_BOTH                          // COPY BOTH transfer started
	PGRES_SINGLE_TUPLE                       // one row in single-row mode
	PGRES_PIPELINE_SYNC                      // pipeline synchronization point
	PGRES_PIPELINE_ABORTED                   // a command in an aborted pipeline
)

var execStatusNames = [...]string{
	"PGRES_EMPTY_QUERY",
	"PGRES_COMMAND_OK",
	"PGRES_TUPLES_OK",
	"PGRES_COPY_OUT",
	"PGRES_COPY_IN",
	"PGRES_BAD_RESPONSE",
	"PGRES_NONFATAL_ERROR",
	"PGRES_FATAL_ERROR",
	"PGRES_COPY_BOTH",
	"PGRES_SINGLE_TUPLE",
	"PGRES_PIPELINE_SYNC",
	"PGRES_PIPELINE_ABORTED",
}

// String returns what PQresStatus returns: the constant's name, or
// "invalid ExecStatusType code" for a value out of range.
func (s ExecStatus) String() string {
	if s < 0 || int(s) >= len(execStatusNames) {
		return "invalid ExecStatusType code"
	}
	return execStatusNames[s]
}

// asyncStatus is libpq's PGAsyncStatusType (pipeline states omitted).
type asyncStatus int

const (
	asyncIdle      asyncStatus = iota // PGASYNC_IDLE: nothing's happening
	asyncBusy                         // PGASYNC_BUSY: query in progress
	asyncReady                        // PGASYNC_READY: a result is ready for PQgetResult
	asyncReadyMore                    // PGASYNC_READY_MORE: single-row mode (unused)
	asyncCopyIn                       // PGASYNC_COPY_IN
	asyncCopyOut                      // PGASYNC_COPY_OUT
	asyncCopyBoth                     // PGASYNC_COPY_BOTH
)

// queryClass is libpq's PGQueryClass: what kind of command a queue entry is.
type queryClass int

const (
	querySimple   queryClass = iota // PGQUERY_SIMPLE: Query message
	queryExtended                   // PGQUERY_EXTENDED: full extended protocol
	queryPrepare                    // PGQUERY_PREPARE: Parse only
	queryDescribe                   // PGQUERY_DESCRIBE: Describe only
)
