// Package pqconn is what the libpq-based drivers (driver/psycopg and
// driver/rawpq) share below libpq itself: opening a libpq connection over
// a simulated socket as PQconnectdb does, the socket as a PGconn holds it
// (its descriptor, whether libpq has closed it, its copy in a forked
// child), PQcancel's CancelRequest on a new socket, and the DB-API class
// an SQLSTATE belongs to.
package pqconn
