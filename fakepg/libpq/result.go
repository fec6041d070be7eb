package libpq

import (
	"fmt"
	"strings"

	"github.com/jackc/pgproto3/v2"
)

// cmdStatusLen is CMDSTATUS_LEN: the command tag is truncated to 63 bytes.
const cmdStatusLen = 64

// errField is one field of an ErrorResponse or NoticeResponse.
type errField struct {
	code  byte
	value string
}

// Result is the result of a query (PGresult). The methods accept a nil
// *Result like libpq accepts a NULL PGresult: Status reports
// PGRES_FATAL_ERROR and ErrorMessage "".
type Result struct {
	status     ExecStatus
	fields     []pgproto3.FieldDescription
	rows       [][][]byte // nil value = SQL NULL
	binary     int        // res->binary: 0/1, or the raw COPY format byte
	paramTypes []uint32
	cmdStatus  string

	errMsg      string
	errFields   []errField // in arrival order; lookups take the last match
	errQuery    string
	hasErrQuery bool

	clientEncoding encoding
	notice         func(msg string) // the connection's notice processor when made
	noticeDefault  bool             // notice is the connection's default processor
}

// makeResult is PQmakeEmptyPGresult(conn, status) for the statuses libpq's
// internals use: it copies the connection data a result needs.
func (c *Conn) makeResult(status ExecStatus) *Result {
	return &Result{status: status, clientEncoding: c.clientEncoding, notice: c.notice, noticeDefault: c.noticeDefault}
}

// Status returns the result status (PQresultStatus).
func (r *Result) Status() ExecStatus {
	if r == nil {
		return PGRES_FATAL_ERROR
	}
	return r.status
}

// ErrorMessage returns the error text of the result
// (PQresultErrorMessage), "" if there is none.
func (r *Result) ErrorMessage() string {
	if r == nil {
		return ""
	}
	return r.errMsg
}

// ErrorField returns a field of the error or notice, by its wire code
// (PQresultErrorField with a PG_DIAG_* code): 'S' severity, 'V'
// non-localized severity, 'C' SQLSTATE, 'M' primary message, 'D' detail,
// 'H' hint, 'P' statement position, 'p' internal position, 'q' internal
// query, 'W' context, 's' schema, 't' table, 'c' column, 'd' data type, 'n'
// constraint, 'F' file, 'L' line, 'R' routine. It returns "" if absent;
// when a code was sent twice, the last value wins, as in libpq.
func (r *Result) ErrorField(code byte) string {
	v, _ := r.errorField(code)
	return v
}

func (r *Result) errorField(code byte) (string, bool) {
	if r == nil {
		return "", false
	}
	for i := len(r.errFields) - 1; i >= 0; i-- {
		if r.errFields[i].code == code {
			return r.errFields[i].value, true
		}
	}
	return "", false
}

// ErrorResponse returns the error or notice fields as a pgproto3
// ErrorResponse, or nil if the result has no fields (libpq-generated
// errors have none). Positions and line numbers are converted with C atoi.
func (r *Result) ErrorResponse() *pgproto3.ErrorResponse {
	if r == nil || len(r.errFields) == 0 {
		return nil
	}
	e := &pgproto3.ErrorResponse{}
	for _, f := range r.errFields {
		v := f.value
		switch f.code {
		case 'S':
			e.Severity = v
		case 'V':
			e.SeverityUnlocalized = v
		case 'C':
			e.Code = v
		case 'M':
			e.Message = v
		case 'D':
			e.Detail = v
		case 'H':
			e.Hint = v
		case 'P':
			e.Position = atoi(v)
		case 'p':
			e.InternalPosition = atoi(v)
		case 'q':
			e.InternalQuery = v
		case 'W':
			e.Where = v
		case 's':
			e.SchemaName = v
		case 't':
			e.TableName = v
		case 'c':
			e.ColumnName = v
		case 'd':
			e.DataTypeName = v
		case 'n':
			e.ConstraintName = v
		case 'F':
			e.File = v
		case 'L':
			e.Line = atoi(v)
		case 'R':
			e.Routine = v
		default:
			if e.UnknownFields == nil {
				e.UnknownFields = map[byte]string{}
			}
			e.UnknownFields[f.code] = v
		}
	}
	return e
}

// NTuples returns the number of rows (PQntuples).
func (r *Result) NTuples() int {
	if r == nil {
		return 0
	}
	return len(r.rows)
}

// NFields returns the number of columns (PQnfields).
func (r *Result) NFields() int {
	if r == nil {
		return 0
	}
	return len(r.fields)
}

// BinaryTuples returns PQbinaryTuples: 1 if there is at least one column
// and every column is in binary format, else 0. For a COPY result it is the
// overall format byte of the CopyInResponse/CopyOutResponse as a C char,
// which a well-behaved server sends as 0 or 1.
func (r *Result) BinaryTuples() int {
	if r == nil {
		return 0
	}
	return r.binary
}

// Fields returns the column descriptions, as received in RowDescription.
func (r *Result) Fields() []pgproto3.FieldDescription {
	if r == nil {
		return nil
	}
	return r.fields
}

// Rows returns the row values; a nil value is SQL NULL, an empty non-nil
// slice is the empty string.
func (r *Result) Rows() [][][]byte {
	if r == nil {
		return nil
	}
	return r.rows
}

// internalNotice reports an out-of-range access through the result's notice
// processor, as libpq does.
func (r *Result) internalNotice(format string, args ...any) {
	internalNotice(r.notice, fmt.Sprintf(format, args...))
}

func (r *Result) checkField(col int) bool {
	if r == nil {
		return false
	}
	if col < 0 || col >= len(r.fields) {
		r.internalNotice("column number %d is out of range 0..%d", col, len(r.fields)-1)
		return false
	}
	return true
}

func (r *Result) checkTupleField(row, col int) bool {
	if r == nil {
		return false
	}
	if row < 0 || row >= len(r.rows) {
		r.internalNotice("row number %d is out of range 0..%d", row, len(r.rows)-1)
		return false
	}
	if col < 0 || col >= len(r.fields) {
		r.internalNotice("column number %d is out of range 0..%d", col, len(r.fields)-1)
		return false
	}
	return true
}

// FName returns the name of a column (PQfname), "" if out of range (libpq
// returns NULL and emits a notice).
func (r *Result) FName(col int) string {
	if !r.checkField(col) {
		return ""
	}
	return string(r.fields[col].Name)
}

// FType returns the type OID of a column (PQftype), 0 if out of range.
func (r *Result) FType(col int) uint32 {
	if !r.checkField(col) {
		return 0
	}
	return r.fields[col].DataTypeOID
}

// FFormat returns the format code of a column (PQfformat), 0 if out of
// range.
func (r *Result) FFormat(col int) int {
	if !r.checkField(col) {
		return 0
	}
	return int(r.fields[col].Format)
}

// GetValue returns a field value (PQgetvalue): "" for NULL, and "" with a
// notice when out of range (libpq returns NULL).
func (r *Result) GetValue(row, col int) string {
	if !r.checkTupleField(row, col) {
		return ""
	}
	return string(r.rows[row][col])
}

// GetIsNull reports whether a field is NULL (PQgetisnull); out of range
// counts as NULL, with a notice.
func (r *Result) GetIsNull(row, col int) bool {
	if !r.checkTupleField(row, col) {
		return true
	}
	return r.rows[row][col] == nil
}

// GetLength returns the length of a field value in bytes (PQgetlength).
func (r *Result) GetLength(row, col int) int {
	if !r.checkTupleField(row, col) {
		return 0
	}
	return len(r.rows[row][col])
}

// NParams returns the number of parameters of a described statement
// (PQnparams).
func (r *Result) NParams() int {
	if r == nil {
		return 0
	}
	return len(r.paramTypes)
}

// CmdStatus returns the command tag (PQcmdStatus), truncated to 63 bytes
// like libpq's.
func (r *Result) CmdStatus() string {
	if r == nil {
		return ""
	}
	return r.cmdStatus
}

// CmdTuples returns the row count of INSERT, UPDATE, DELETE, MERGE, SELECT,
// MOVE, FETCH and COPY command tags (PQcmdTuples), otherwise "". A tag with
// a malformed count gives "" and the notice "could not interpret result
// from server: TAG".
func (r *Result) CmdTuples() string {
	if r == nil {
		return ""
	}
	s := r.cmdStatus
	var p string
	switch {
	case strings.HasPrefix(s, "INSERT "):
		rest := s[7:]
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			return r.interpretError()
		}
		p = rest[i+1:]
	case strings.HasPrefix(s, "SELECT "), strings.HasPrefix(s, "DELETE "), strings.HasPrefix(s, "UPDATE "):
		p = s[7:]
	case strings.HasPrefix(s, "FETCH "), strings.HasPrefix(s, "MERGE "):
		p = s[6:]
	case strings.HasPrefix(s, "MOVE "), strings.HasPrefix(s, "COPY "):
		p = s[5:]
	default:
		return ""
	}
	if p == "" {
		return r.interpretError()
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return r.interpretError()
		}
	}
	return p
}

func (r *Result) interpretError() string {
	r.internalNotice("could not interpret result from server: %s", r.cmdStatus)
	return ""
}
