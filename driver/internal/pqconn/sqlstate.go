package pqconn

// BaseException is psycopg2's base_exception_from_sqlstate: the exception
// class, among psycopg2's own, that an SQLSTATE without a class of its own
// raises and that the class of one with its own derives from. It returns
// one of OperationalError, NotSupportedError, ProgrammingError, DataError,
// IntegrityError, InternalError, TransactionRollbackError,
// QueryCanceledError and DatabaseError.
func BaseException(sqlstate string) string {
	if len(sqlstate) < 2 {
		return "DatabaseError"
	}
	switch sqlstate[0] {
	case '0':
		switch sqlstate[1] {
		case '8': // connection exception
			return "OperationalError"
		case 'A': // feature not supported
			return "NotSupportedError"
		}
	case '2':
		switch sqlstate[1] {
		case '0', '1': // case not found, cardinality violation
			return "ProgrammingError"
		case '2': // data exception
			return "DataError"
		case '3': // integrity constraint violation
			return "IntegrityError"
		case '4', '5': // invalid cursor state, invalid transaction state
			return "InternalError"
		case '6', '7', '8': // invalid statement name, triggered data change, invalid authorization
			return "OperationalError"
		case 'B', 'D', 'F': // dependent privileges, invalid transaction termination, SQL routine
			return "InternalError"
		}
	case '3':
		switch sqlstate[1] {
		case '4': // invalid cursor name
			return "OperationalError"
		case '8', '9', 'B': // external routine, external routine invocation, savepoint
			return "InternalError"
		case 'D', 'F': // invalid catalog name, invalid schema name
			return "ProgrammingError"
		}
	case '4':
		switch sqlstate[1] {
		case '0': // transaction rollback
			return "TransactionRollbackError"
		case '2', '4': // syntax error or access rule violation, WITH CHECK OPTION
			return "ProgrammingError"
		}
	case '5': // insufficient resources, program limit, object state, operator intervention, system error
		if sqlstate == "57014" {
			return "QueryCanceledError"
		}
		return "OperationalError"
	case 'F': // configuration file error
		return "InternalError"
	case 'H': // foreign data wrapper error
		return "OperationalError"
	case 'P': // PL/pgSQL error
		return "InternalError"
	case 'X': // internal error
		return "InternalError"
	}
	return "DatabaseError"
}

// DBAPIBase is the PEP 249 class a psycopg2 exception class derives from:
// the class itself, except for psycopg2.extensions' TransactionRollbackError
// and QueryCanceledError, which derive from OperationalError.
func DBAPIBase(class string) string {
	switch class {
	case "TransactionRollbackError", "QueryCanceledError":
		return "OperationalError"
	}
	return class
}
