// Package exc holds SQLAlchemy 1.4's exception classes (sqlalchemy.exc) and
// the few Python built-in exceptions SQLAlchemy code raises (IndexError,
// AssertionError, RuntimeError), as Go errors whose Error() is exactly
// what Python's str(exc) gives, so that the texts users grep their logs
// for come out byte for byte.
//
// The texts follow lib/sqlalchemy/exc.py of SQLAlchemy 1.4.46: a class
// with a code appends " (Background on this error at:
// https://sqlalche.me/e/14/CODE)" to its message; a StatementError (and
// so every DBAPIError) puts the statement, its parameters and the code on
// lines of their own.
package exc

import (
	"fmt"
	"strings"
)

// VersionToken is the "14" in https://sqlalche.me/e/14/...: SQLAlchemy's
// major and minor version joined.
const VersionToken = "14"

// Class is an exception class: its module and name as Python prints them,
// its base class, and the code SQLAlchemy links its documentation with.
type Class struct {
	// Module is the class's module ("sqlalchemy.exc", "builtins").
	Module string
	// Name is the class's name ("TimeoutError").
	Name string
	// Base is the class it derives from (the first base, for the classes
	// with two), nil for a root.
	Base *Class
	// Code is the class-level code (DBAPIError's subclasses have one); an
	// error raised with its own code overrides it.
	Code string
	// extra is a second base (NoSuchColumnError is also a KeyError).
	extra *Class
}

// String returns the qualified name, like sqlalchemy.exc.TimeoutError.
func (c *Class) String() string {
	if c.Module == "builtins" {
		return c.Name
	}
	return c.Module + "." + c.Name
}

// IsSubclass reports whether c is of is or derives from it.
func (c *Class) IsSubclass(of *Class) bool {
	for k := c; k != nil; k = k.Base {
		if k == of || (k.extra != nil && k.extra.IsSubclass(of)) {
			return true
		}
	}
	return false
}

func class(module, name string, base *Class, code string) *Class {
	return &Class{Module: module, Name: name, Base: base, Code: code}
}

// Python's built-in exceptions that SQLAlchemy's code lets through.
var (
	Exception      = class("builtins", "Exception", nil, "")
	IndexError     = class("builtins", "IndexError", Exception, "")
	KeyError       = class("builtins", "KeyError", Exception, "")
	AssertionError = class("builtins", "AssertionError", Exception, "")
	RuntimeError   = class("builtins", "RuntimeError", Exception, "")
	TypeError      = class("builtins", "TypeError", Exception, "")
	// NotImplementedError is raised by the pool's stub dialect's ping.
	NotImplementedError = class("builtins", "NotImplementedError", RuntimeError, "")
)

// SQLAlchemy's exception classes (sqlalchemy.exc), with their codes.
var (
	SQLAlchemyError         = class("sqlalchemy.exc", "SQLAlchemyError", Exception, "")
	ArgumentError           = class("sqlalchemy.exc", "ArgumentError", SQLAlchemyError, "")
	DisconnectionError      = class("sqlalchemy.exc", "DisconnectionError", SQLAlchemyError, "")
	InvalidatePoolError     = class("sqlalchemy.exc", "InvalidatePoolError", DisconnectionError, "")
	TimeoutError            = class("sqlalchemy.exc", "TimeoutError", SQLAlchemyError, "")
	InvalidRequestError     = class("sqlalchemy.exc", "InvalidRequestError", SQLAlchemyError, "")
	PendingRollbackError    = class("sqlalchemy.exc", "PendingRollbackError", InvalidRequestError, "")
	ResourceClosedError     = class("sqlalchemy.exc", "ResourceClosedError", InvalidRequestError, "")
	NoSuchColumnError       = &Class{Module: "sqlalchemy.exc", Name: "NoSuchColumnError", Base: InvalidRequestError, extra: KeyError}
	NoResultFound           = class("sqlalchemy.exc", "NoResultFound", InvalidRequestError, "")
	MultipleResultsFound    = class("sqlalchemy.exc", "MultipleResultsFound", InvalidRequestError, "")
	StatementError          = class("sqlalchemy.exc", "StatementError", SQLAlchemyError, "")
	DBAPIError              = class("sqlalchemy.exc", "DBAPIError", StatementError, "dbapi")
	InterfaceError          = class("sqlalchemy.exc", "InterfaceError", DBAPIError, "rvf5")
	DatabaseError           = class("sqlalchemy.exc", "DatabaseError", DBAPIError, "4xp6")
	DataError               = class("sqlalchemy.exc", "DataError", DatabaseError, "9h9h")
	OperationalError        = class("sqlalchemy.exc", "OperationalError", DatabaseError, "e3q8")
	IntegrityError          = class("sqlalchemy.exc", "IntegrityError", DatabaseError, "gkpj")
	InternalError           = class("sqlalchemy.exc", "InternalError", DatabaseError, "2j85")
	ProgrammingError        = class("sqlalchemy.exc", "ProgrammingError", DatabaseError, "f405")
	NotSupportedError       = class("sqlalchemy.exc", "NotSupportedError", DatabaseError, "tw8g")
	dbapiClassesByDBAPIName = map[string]*Class{ // lookup only
		"Error": DBAPIError, "InterfaceError": InterfaceError, "DatabaseError": DatabaseError,
		"DataError": DataError, "OperationalError": OperationalError, "IntegrityError": IntegrityError,
		"InternalError": InternalError, "ProgrammingError": ProgrammingError,
		"NotSupportedError": NotSupportedError,
	}
)

// ForDBAPIClass returns the DBAPIError subclass that wraps a DB-API
// exception whose DB-API base class is named name ("IntegrityError",
// "OperationalError", ...), as DBAPIError.instance finds it by walking the
// exception's MRO; DBAPIError itself for an unknown name.
func ForDBAPIClass(name string) *Class {
	if c, ok := dbapiClassesByDBAPIName[name]; ok {
		return c
	}
	return DBAPIError
}

// Error is a raised exception. Its Error() is str(exc).
type Error struct {
	// Class is the exception's class.
	Class *Class
	// Message is args[0]; for a StatementError the "(module.Class) text"
	// line.
	Message string
	// Code overrides the class's code when set (TimeoutError is raised
	// with code "3o7r", PendingRollbackError with "8s2b").
	Code string
	// Statement, Params and HasStatement are a StatementError's statement
	// and the repr of its parameters ("" when there were none).
	Statement    string
	Params       string
	HasStatement bool
	// HideParameters is create_engine's hide_parameters.
	HideParameters bool
	// Orig is the wrapped exception (a DB-API error), if any.
	Orig error
	// ConnectionInvalidated is DBAPIError.connection_invalidated.
	ConnectionInvalidated bool
	// InvalidatePool is DisconnectionError.invalidate_pool (true for
	// InvalidatePoolError).
	InvalidatePool bool
	// NoArgs marks an exception raised without arguments: str() is then
	// "()" for SQLAlchemy's classes and "" for built-ins.
	NoArgs bool
}

// New returns an exception of class c with message msg.
func New(c *Class, msg string) *Error { return &Error{Class: c, Message: msg} }

// Newf returns an exception of class c with a formatted message.
func Newf(c *Class, format string, args ...any) *Error {
	return &Error{Class: c, Message: fmt.Sprintf(format, args...)}
}

// WithCode returns an exception of class c with message msg, raised with
// code (SQLAlchemy's code= keyword).
func WithCode(c *Class, msg, code string) *Error {
	return &Error{Class: c, Message: msg, Code: code}
}

// code returns the effective code.
func (e *Error) code() string {
	if e.Code != "" {
		return e.Code
	}
	return e.Class.Code
}

// codeStr is HasDescriptionCode._code_str.
func (e *Error) codeStr() string {
	c := e.code()
	if c == "" {
		return ""
	}
	return "(Background on this error at: https://sqlalche.me/e/" + VersionToken + "/" + c + ")"
}

// message is SQLAlchemyError._message.
func (e *Error) message() string {
	if e.NoArgs {
		if e.Class.IsSubclass(SQLAlchemyError) {
			return "()"
		}
		return ""
	}
	return e.Message
}

// Error returns str(exc).
func (e *Error) Error() string {
	if !e.Class.IsSubclass(SQLAlchemyError) {
		return e.message()
	}
	if !e.Class.IsSubclass(StatementError) {
		if cs := e.codeStr(); cs != "" {
			return e.message() + " " + cs
		}
		return e.message()
	}
	// StatementError._sql_message
	details := []string{e.message()}
	if e.HasStatement && e.Statement != "" {
		details = append(details, "[SQL: "+e.Statement+"]")
		if e.Params != "" {
			if e.HideParameters {
				details = append(details, "[SQL parameters hidden due to hide_parameters=True]")
			} else {
				details = append(details, "[parameters: "+e.Params+"]")
			}
		}
	}
	if cs := e.codeStr(); cs != "" {
		details = append(details, cs)
	}
	return strings.Join(details, "\n")
}

// Traceback returns the last line of a Python traceback for the
// exception: "module.Class: str(exc)", or just the class when str() is
// empty.
func (e *Error) Traceback() string {
	s := e.Error()
	if s == "" {
		return e.Class.String()
	}
	return e.Class.String() + ": " + s
}

// Unwrap returns the wrapped exception.
func (e *Error) Unwrap() error { return e.Orig }

// IsA reports whether err is (or wraps, through Unwrap) an *Error of class
// c or a subclass of it.
func IsA(err error, c *Class) bool {
	for err != nil {
		if e, ok := err.(*Error); ok && e.Class.IsSubclass(c) {
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// As returns err as an *Error when it is one (not looking through
// wrapping).
func As(err error) (*Error, bool) {
	e, ok := err.(*Error)
	return e, ok
}
