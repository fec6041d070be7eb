package sqla

import (
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/sqla/exc"
)

// wrapDBAPI is DBAPIError.instance: a DB-API exception becomes the
// DBAPIError subclass of its DB-API base class ("(psycopg2.errors.
// UniqueViolation) duplicate key value ...", then the statement, its
// parameters and the code's link); a SQLAlchemy exception raised while a
// statement ran becomes a StatementError carrying its code; any other
// error with a statement a StatementError without one.
func wrapDBAPI(statement string, hasStatement bool, params []Param, orig error, invalidated, hide bool) *exc.Error {
	e := &exc.Error{
		Statement: statement, HasStatement: hasStatement, Params: paramsRepr(params),
		Orig: orig, HideParameters: hide, ConnectionInvalidated: invalidated,
	}
	switch o := orig.(type) {
	case *driver.Error:
		e.Class = exc.ForDBAPIClass(o.Base)
		e.Message = "(" + o.Class + ") " + o.Message
	case *exc.Error:
		e.Class = exc.StatementError
		name := o.Class.Module + "." + o.Class.Name
		if o.Class.IsSubclass(exc.SQLAlchemyError) {
			e.Message = "(" + name + ") " + o.Message
			e.Code = o.Class.Code
			if o.Code != "" {
				e.Code = o.Code
			}
		} else {
			e.Message = "(" + name + ") " + o.Error()
		}
	default:
		e.Class = exc.StatementError
		e.Message = "(" + goErrorClass(orig) + ") " + orig.Error()
	}
	return e
}

// goErrorClass names a Go error that is no Python exception.
func goErrorClass(err error) string {
	if err == nil {
		return "None"
	}
	return "builtins.Exception"
}
