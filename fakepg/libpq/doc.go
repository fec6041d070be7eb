// Package libpq is a PostgreSQL frontend (client) that reproduces the
// behaviour of C libpq 15 byte for byte: given the same stream of server
// bytes, possibly corrupted, it yields the same results, result statuses,
// connection status and error texts as libpq 15.18.
//
// The package follows libpq's structure on purpose. Input is kept in one
// buffer with libpq's three indexes (inStart, inCursor, inEnd); messages are
// framed by pqParseInput3's rules (type byte, int32 length, the
// VALID_LONG_MESSAGE_TYPE check, waiting until the whole declared length is
// buffered), and fields are read with cursor reads bounded by the end of the
// buffered data, not by the message length, so that malformed messages fail
// in the same places and with the same texts as in libpq ("insufficient data
// in \"T\" message", "message contents do not agree with length in message
// type ...", "lost synchronization with server: ..."). Decoded bodies are
// represented with github.com/jackc/pgproto3/v2 message types.
//
// Error reporting follows the PostgreSQL 15 model: the connection's
// errorMessage accumulates text for a whole query cycle, errorReported
// remembers how much of it was already handed out in results, and internal
// errors become results lazily (error_result).
//
// The code is deterministic: it uses no goroutines, channels, package sync,
// wall-clock time or map iteration for decisions. Where libpq would poll a
// non-blocking socket, this package makes one Read call on the io.ReadWriter,
// which may block (a simulated socket) and may return any prefix of the
// available bytes.
//
// TestCLibpqDifferential backs the claim: it feeds the same server byte
// streams, cut into the same recv-sized segments, to C libpq 15 (through a
// small driver, testdata/clibpq/driver.c, built with gcc when libpq's
// development files are installed) and to this package, and compares
// results, statuses, error texts, notices and the bytes each client wrote.
// The known differences it lists are authentication methods this package
// does not implement: the SCRAM-SHA-256 exchange (the SASL mechanism list
// is read as libpq reads it) and GSSAPI, which this package refuses like a
// libpq built without it.
//
// Two additions serve the simulator. Fork copies a connection the way
// fork(2) copies a PGconn: the child's copy shares no memory with the
// parent's but reaches the same socket. SetConsumeHook reports, for every
// backend message libpq takes from its input buffer or fails on, which
// inbound stream bytes it was made of: with several readers on one socket
// these need not be contiguous.
//
// Names follow libpq: Exec is PQexec, GetResult is PQgetResult, and so on.
// The status constants keep libpq's spelling (PGRES_TUPLES_OK,
// PQTRANS_INERROR) so that texts such as psycopg2's "error with status
// PGRES_TUPLES_OK and no message from the libpq" can be produced from
// String().
package libpq
