package engine

import (
	"fmt"
	"strings"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// The system information functions the catalog needs: version(),
// current_schema(), current_database(), the SQL-standard CURRENT_USER,
// SESSION_USER, USER, CURRENT_ROLE, CURRENT_CATALOG and CURRENT_SCHEMA,
// pg_table_is_visible(oid), and the sequence functions nextval and
// currval; and the schema qualification of function names, which the
// other functions share: every built-in function is in pg_catalog.

// versionText is what version() returns: PostgreSQL's format, with the
// fake server's version (the server_version it reports).
var versionText = "PostgreSQL " + ServerVersion + " on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit"

// compileSystemFunc compiles the functions of this file. ok is false for
// other functions (left to compileFunc); a schema qualifier other than
// pg_catalog fails here for every function, as no other schema has
// functions.
func (sc *scope) compileSystemFunc(x *sqlparse.FuncCall) (c *cexpr, ok bool, err *Error) {
	if x.Schema != "" && x.Schema != "pg_catalog" {
		if namespaceByName(x.Schema) == 0 {
			return nil, true, errorf("3F000", "schema \"%s\" does not exist", x.Schema).at(x.P)
		}
		args, err := sc.compileArgs(x.Args)
		if err != nil {
			return nil, true, err
		}
		e := errorf(UndefinedFunction, "function %s.%s(%s) does not exist", x.Schema, x.Name, argTypeList(args)).at(x.P)
		e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
		return nil, true, e
	}
	c = &cexpr{name: x.Name, nameStrength: 2, col: -1, pos: x.P}
	constant := func(t Type, f func(en *env) Value) (*cexpr, bool, *Error) {
		c.typ = t
		c.eval = func(en *env) (Value, error) { return f(en), nil }
		return c, true, nil
	}
	if x.Keyword {
		switch x.Name {
		case "current_user", "session_user", "user", "current_role":
			return constant(Name, func(en *env) Value { return en.sess.User })
		case "current_catalog":
			return constant(Name, func(en *env) Value { return en.sess.database() })
		case "current_schema":
			return constant(Name, func(en *env) Value { return en.sess.currentSchema() })
		}
		return nil, false, nil
	}
	if x.Star || len(x.Args) > 1 {
		return nil, false, nil
	}
	switch {
	case x.Name == "version" && len(x.Args) == 0:
		return constant(Text, func(*env) Value { return versionText })
	case x.Name == "current_schema" && len(x.Args) == 0:
		return constant(Name, func(en *env) Value { return en.sess.currentSchema() })
	case x.Name == "current_database" && len(x.Args) == 0:
		return constant(Name, func(en *env) Value { return en.sess.database() })
	case x.Name == "pg_table_is_visible" && len(x.Args) == 1:
		arg, err := sc.compileArgAs(x.Args[0], Oid)
		if err != nil || arg == nil {
			return nil, arg != nil || err != nil, err
		}
		c.typ = Bool
		c.eval = func(en *env) (Value, error) {
			v, err := arg.eval(en)
			if v == nil || err != nil {
				return nil, err
			}
			r, ok := en.sess.db.relationByOID(en.sess.tx, uint32(v.(int64)))
			if !ok {
				return nil, nil
			}
			return en.sess.relationVisible(r), nil
		}
		return c, true, nil
	case (x.Name == "nextval" || x.Name == "currval") && len(x.Args) == 1:
		arg, err := sc.compileArgAs(x.Args[0], Regclass)
		if err != nil || arg == nil {
			return nil, arg != nil || err != nil, err
		}
		next := x.Name == "nextval"
		c.typ = Int8
		c.eval = func(en *env) (Value, error) {
			v, err := arg.eval(en)
			if v == nil || err != nil {
				return nil, err
			}
			rc := v.(RegclassValue)
			sq := en.sess.db.sequenceByOID(en.sess.tx, rc.OID)
			if sq == nil {
				return nil, errorf("42809", "\"%s\" is not a sequence", rc.Text)
			}
			if next {
				return en.sess.nextval(sq)
			}
			return en.sess.currval(sq)
		}
		return c, true, nil
	}
	return nil, false, nil
}

// compileArgs compiles function arguments.
func (sc *scope) compileArgs(exprs []sqlparse.Expr) ([]*cexpr, *Error) {
	args := make([]*cexpr, len(exprs))
	for i, a := range exprs {
		c, err := sc.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = c
	}
	return args, nil
}

// compileArgAs compiles a function argument and coerces it to t
// implicitly; nil (without an error) when it cannot be, leaving the call
// to compileFunc's "function does not exist".
func (sc *scope) compileArgAs(e sqlparse.Expr, t Type) (*cexpr, *Error) {
	c, err := sc.compile(e)
	if err != nil {
		return nil, err
	}
	return sc.coerce(c, t, castImplicit)
}

// nextvalExpr is the default of a serial column: nextval of its sequence.
func nextvalExpr(sq *Sequence, t Type) *cexpr {
	return &cexpr{typ: t, name: "nextval", col: -1, eval: func(en *env) (Value, error) {
		return en.sess.nextval(sq)
	}}
}

// currentSchema is current_schema(): the first schema of the search path
// that exists, or NULL.
func (s *Session) currentSchema() Value {
	_, explicit := s.searchPath()
	if len(explicit) == 0 {
		return nil
	}
	return namespaceName(explicit[0])
}

// database is the name of the session's database (the startup packet's,
// which defaults to the user name).
func (s *Session) database() Value {
	if s.Database != "" {
		return s.Database
	}
	return s.User
}

// regclassOf converts a relation OID to regclass, as regclassout names
// it: the relation's name (qualified when not visible) or the number.
func (s *Session) regclassOf(oid uint32) RegclassValue {
	if r, ok := s.db.relationByOID(s.tx, oid); ok {
		return RegclassValue{OID: oid, Text: s.qualifiedRelationName(r)}
	}
	return RegclassValue{OID: oid, Text: fmt.Sprint(oid)}
}

// regclassIn resolves a relation name to regclass, as regclassin does:
// [schema.]name, unquoted names folded to lower case.
func (s *Session) regclassIn(text string) (RegclassValue, *Error) {
	parts, ok := splitQualifiedName(text)
	if !ok {
		return RegclassValue{}, errorf(FeatureNotSupported, "poolsim does not support this regclass input: \"%s\"", text)
	}
	var path []uint32
	name := parts[len(parts)-1]
	if len(parts) == 2 {
		if ns := namespaceByName(parts[0]); ns != 0 {
			path = []uint32{ns}
		}
	} else {
		path, _ = s.searchPath()
	}
	for _, ns := range path {
		if r, ok := s.db.findRelation(s.tx, ns, name); ok {
			return RegclassValue{OID: r.oid, Text: s.qualifiedRelationName(r)}, nil
		}
	}
	return RegclassValue{}, errorf(UndefinedTable, "relation \"%s\" does not exist", text)
}

// splitQualifiedName splits name or schema.name, folding unquoted parts
// to lower case and unquoting quoted ones.
func splitQualifiedName(text string) ([]string, bool) {
	var parts []string
	i := 0
	for {
		var part []byte
		if i < len(text) && text[i] == '"' {
			i++
			for {
				if i >= len(text) {
					return nil, false
				}
				if text[i] == '"' {
					if i+1 < len(text) && text[i+1] == '"' {
						part = append(part, '"')
						i += 2
						continue
					}
					i++
					break
				}
				part = append(part, text[i])
				i++
			}
		} else {
			for i < len(text) && text[i] != '.' {
				c := text[i]
				if c == '"' || c == ' ' {
					return nil, false
				}
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				part = append(part, c)
				i++
			}
		}
		if len(part) == 0 {
			return nil, false
		}
		parts = append(parts, truncateName(string(part)))
		if i == len(text) {
			break
		}
		if text[i] != '.' || len(parts) == 2 {
			return nil, false
		}
		i++
	}
	return parts, true
}

// coerceCatalog is coerce for what needs the session: conversions to
// regclass, which look relations up (a literal at once, with its
// position; other values when evaluated). It also notes the use of
// timestamp with time zone. ok is false when coerce's own rules apply.
func (sc *scope) coerceCatalog(c *cexpr, to Type, ctx castContext) (*cexpr, bool, *Error) {
	from := c.typ
	if from == Timestamptz || to == Timestamptz {
		sc.usesTimestamp = true
	}
	if to != Regclass {
		return nil, false, nil
	}
	switch {
	case from == Unknown && c.constant != nil:
		out := *c
		out.typ = to
		if c.constant.Kind == sqlparse.ConstNull {
			out.eval = func(*env) (Value, error) { return nil, nil }
			return &out, true, nil
		}
		sc.pathDependent = true
		v, err := sc.sess.regclassIn(c.constant.Text)
		if err != nil {
			return nil, true, err.at(c.pos)
		}
		out.eval = func(*env) (Value, error) { return v, nil }
		return &out, true, nil
	case isIntType(from) || from == Oid:
		return retypeIn(c, to, func(en *env, v Value) (Value, error) {
			n, err := conversion(from, Oid, castImplicit)(v)
			if err != nil {
				return nil, err
			}
			return en.sess.regclassOf(oidOf(n)), nil
		}), true, nil
	case from == Text || from == Varchar || from == Unknown && c.param == 0:
		return retypeIn(c, to, func(en *env, v Value) (Value, error) {
			rc, err := en.sess.regclassIn(v.(string))
			if err != nil {
				return nil, err
			}
			return rc, nil
		}), true, nil
	}
	return nil, false, nil
}

// retypeIn is retype for conversions that need the evaluation
// environment.
func retypeIn(c *cexpr, to Type, conv func(*env, Value) (Value, error)) *cexpr {
	out := *c
	out.typ, out.mod = to, 0
	out.pure = false // the conversion reads the catalog: never folded
	in := c.eval
	out.eval = func(en *env) (Value, error) {
		v, err := in(en)
		if v == nil || err != nil {
			return v, err
		}
		return conv(en, v)
	}
	return &out
}

// utcISO reports whether the session's TimeZone and DateStyle are those
// the engine reads and writes timestamps in: a UTC zone and ISO.
func (s *Session) utcISO() bool {
	switch strings.ToLower(s.gucs.vals["TimeZone"]) {
	case "utc", "etc/utc", "gmt", "etc/gmt", "zulu", "etc/zulu", "uct", "etc/uct":
	default:
		return false
	}
	return strings.HasPrefix(s.gucs.vals["DateStyle"], "ISO")
}

// checkTimestampSettings refuses a plan that reads or makes timestamp
// with time zone values while the session's TimeZone or DateStyle is one
// the engine does not implement.
func (s *Session) checkTimestampSettings(p *Plan) *Error {
	if p.usesTimestamp && !s.utcISO() {
		return newError(FeatureNotSupported, "poolsim does not support timestamp with time zone unless TimeZone is UTC and DateStyle is ISO")
	}
	return nil
}
