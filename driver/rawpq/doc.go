// Package rawpq is the libpq client (fakepg/libpq) used directly, as a C
// program uses libpq, in the shape of the DB-API interfaces of package
// driver. There is no lock: libpq's rule that no two threads use one
// PGconn at a time is the caller's to keep, and tasks that share a
// connection reach libpq at the same time. There are no implicit
// transactions either: a transaction is open only when the caller ran
// BEGIN, and Commit and Rollback send COMMIT and ROLLBACK only when
// PQtransactionStatus says one is open.
//
// Statements without arguments go through PQexec (the simple query
// protocol, several statements allowed); with arguments through
// PQexecParams, with $1, $2, ... placeholders and the values sent as text.
// Errors are libpq's texts as PQresultErrorMessage or PQerrorMessage give
// them ("ERROR:  duplicate key value ...\n", "server closed the connection
// unexpectedly\n..."), with Class "libpq".
package rawpq
