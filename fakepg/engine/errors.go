package engine

import "fmt"

// SQLSTATE codes the engine raises.
const (
	SyntaxError                 = "42601"
	UndefinedTable              = "42P01"
	UndefinedColumn             = "42703"
	UndefinedFunction           = "42883"
	UndefinedObject             = "42704"
	DatatypeMismatch            = "42804"
	CannotCoerce                = "42846"
	GroupingError               = "42803"
	InvalidColumnReference      = "42P10"
	UniqueViolation             = "23505"
	NotNullViolation            = "23502"
	InvalidTextRepresentation   = "22P02"
	InvalidBinaryRepresentation = "22P03"
	NumericValueOutOfRange      = "22003"
	DivisionByZero              = "22012"
	InFailedTransaction         = "25P02"
	ActiveTransaction           = "25001"
	NoActiveTransaction         = "25P01"
	DeadlockDetected            = "40P01"
	CantChangeRuntimeParam      = "55P02"
	FeatureNotSupported         = "0A000"
	ProtocolViolation           = "08P01"
	InvalidParameterValue       = "22023"
	TooManyConnections          = "53300"
	QueryCanceled               = "57014"
	InvalidSQLStatementName     = "26000"
	InvalidCursorName           = "34000"
	DuplicatePreparedStatement  = "42P05"
	DuplicateCursor             = "42P03"
)

// Error is an error or notice as PostgreSQL reports it in an ErrorResponse
// or NoticeResponse.
type Error struct {
	Severity   string // ERROR, FATAL, WARNING, NOTICE
	Code       string // SQLSTATE
	Message    string
	Detail     string
	Hint       string
	Position   int    // 1-based character position in the query; 0 if none
	Where      string // CONTEXT
	Schema     string
	Table      string
	Column     string
	DataType   string
	Constraint string
	Routine    string // the PostgreSQL function that raises it, for the R field
	File       string // the PostgreSQL source file, for the F field
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

func newError(code, msg string) *Error {
	return &Error{Severity: "ERROR", Code: code, Message: msg}
}

func errorf(code string, format string, args ...any) *Error {
	return newError(code, fmt.Sprintf(format, args...))
}

func warning(code, msg string) *Error {
	return &Error{Severity: "WARNING", Code: code, Message: msg}
}

// at sets the error's position and returns it.
func (e *Error) at(pos int) *Error {
	e.Position = pos
	return e
}
