package engine

import (
	"math"
	"strconv"
	"time"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// cexpr is a compiled expression: its type and how to evaluate it.
type cexpr struct {
	typ  Type
	eval func(*env) (Value, error)
	// name is the output column name PostgreSQL would give the
	// expression (FigureColname); "?column?" when it has none.
	name string
	// nameStrength ranks names like FigureColname: 2 for a column or
	// function name, 1 for a cast's type name, 0 for none.
	nameStrength int
	// col is the table column an expression that is a plain column
	// reference reads (its index in a joined row), or -1.
	col int
	// mod is the column's type modifier (see Column.typeMod), 0 if none.
	mod int32
	// agg marks an aggregate (count); aggArg is its argument, nil for
	// count(*). The select executor computes aggregates itself.
	agg    bool
	aggArg *cexpr
	// constant is set for literals, so unknown-typed ones can be coerced
	// at compile time with PostgreSQL's errors and positions.
	constant *sqlparse.Const
	param    int // 1-based parameter number for a bare $n, else 0
	pos      int
	// pure marks an expression of constants only, which the planner
	// evaluates once (PostgreSQL's constant folding: its errors come
	// before any row description).
	pure bool
}

// fold evaluates a pure expression at plan time.
func fold(c *cexpr) (*cexpr, *Error) {
	if !c.pure {
		return c, nil
	}
	v, err := c.eval(&env{})
	if err != nil {
		return nil, asError(err)
	}
	out := *c
	out.eval = func(*env) (Value, error) { return v, nil }
	return &out, nil
}

// env is what an expression is evaluated against.
type env struct {
	row      []Value // the current row of the statement's table
	excluded []Value // ON CONFLICT's proposed row
	params   []Value
	sess     *Session
}

// scope is what names resolve to while compiling.
type scope struct {
	table    *Table // the first FROM item, or the target of INSERT, UPDATE, DELETE
	alias    string // the name the table is referenced by (alias or table name)
	hasAlias bool
	excluded bool // excluded.col is allowed (ON CONFLICT DO UPDATE)
	params   *paramTypes

	sess *Session
	// rels are the tables names resolve in: the FROM items in order (or
	// the statement's target), each with its columns' place in a joined
	// row. An ON condition sees only rels[visibleFrom:].
	rels        []*scopeRel
	visibleFrom int
	// context names a clause that allows no column references:
	// "DEFAULT" while compiling a column default.
	context string
	// usesTimestamp is set when the statement reads or makes a
	// timestamp with time zone (see utcISO).
	usesTimestamp bool
	// pathDependent is set when a name was resolved along the search
	// path while compiling (a regclass literal).
	pathDependent bool
}

// scopeRel is a table in a scope.
type scopeRel struct {
	table    *Table
	alias    string // the reference name: the alias, or the table's name
	hasAlias bool
	offset   int // the index of the table's first column in a joined row
}

// maxParams is the most parameters a Bind message can carry; PostgreSQL
// accepts higher $n in Parse, but no Bind could ever supply them.
const maxParams = 65535

// paramTypes collects the types of $n parameters as they are inferred.
type paramTypes struct {
	none  bool   // the simple protocol: no parameters exist
	types []Type // OID 0: not yet known
	fixed []bool // given by the client in Parse
	used  []bool
}

func newParamTypes(oids []uint32) *paramTypes {
	p := &paramTypes{}
	for i, oid := range oids {
		p.grow(i + 1)
		if t, ok := typeByOID(oid); ok && t != Unknown {
			p.types[i], p.fixed[i] = t, true
		}
	}
	return p
}

func (p *paramTypes) grow(n int) {
	for len(p.types) < n {
		p.types = append(p.types, Type{})
		p.fixed = append(p.fixed, false)
		p.used = append(p.used, false)
	}
}

// final returns every parameter's type, unknown ones becoming text, or
// PostgreSQL's error for a parameter whose type nothing determines.
func (p *paramTypes) final() ([]Type, *Error) {
	out := make([]Type, len(p.types))
	for i, t := range p.types {
		switch {
		case t.OID != 0:
			out[i] = t
		case !p.used[i]:
			return nil, errorf("42P18", "could not determine data type of parameter $%d", i+1)
		default:
			out[i] = Text
		}
	}
	return out, nil
}

// compile turns a parsed expression into a cexpr.
func (sc *scope) compile(e sqlparse.Expr) (*cexpr, *Error) {
	switch x := e.(type) {
	case *sqlparse.Const:
		return compileConst(x)
	case *sqlparse.Param:
		if x.N < 1 || x.N > maxParams || sc.params.none {
			return nil, errorf("42P02", "there is no parameter $%d", x.N).at(x.P)
		}
		sc.params.grow(x.N)
		sc.params.used[x.N-1] = true
		n := x.N
		c := &cexpr{typ: sc.params.types[n-1], name: "?column?", col: -1, param: n, pos: x.P}
		if c.typ.OID == 0 {
			c.typ = Unknown
		}
		c.eval = func(en *env) (Value, error) { return en.params[n-1], nil }
		return c, nil
	case *sqlparse.ColumnRef:
		return sc.compileColumn(x)
	case *sqlparse.FuncCall:
		return sc.compileFunc(x)
	case *sqlparse.BinaryExpr:
		return sc.compileBinary(x)
	case *sqlparse.UnaryExpr:
		return sc.compileUnary(x)
	case *sqlparse.TypeCast:
		return sc.compileCast(x)
	case *sqlparse.Default:
		return nil, newError(SyntaxError, "DEFAULT is not allowed in this context").at(x.P)
	case *sqlparse.IsNullExpr:
		in, err := sc.compile(x.X)
		if err != nil {
			return nil, err
		}
		not := x.Not
		return &cexpr{typ: Bool, name: "?column?", col: -1, pos: x.P, pure: in.pure, eval: func(en *env) (Value, error) {
			v, err := in.eval(en)
			if err != nil {
				return nil, err
			}
			return (v == nil) != not, nil
		}}, nil
	}
	return nil, errorf(FeatureNotSupported, "poolsim does not support this expression")
}

func compileConst(x *sqlparse.Const) (*cexpr, *Error) {
	c := &cexpr{name: "?column?", col: -1, constant: x, pos: x.P, pure: true}
	var v Value
	switch x.Kind {
	case sqlparse.ConstInt:
		n, err := strconv.ParseInt(x.Text, 10, 64)
		switch {
		case err != nil:
			c.typ, v = Numeric, x.Text
		case n >= math.MinInt32 && n <= math.MaxInt32:
			c.typ, v = Int4, n
		default:
			c.typ, v = Int8, n
		}
	case sqlparse.ConstFloat:
		c.typ, v = Numeric, x.Text
	case sqlparse.ConstString:
		c.typ, v = Unknown, x.Text
	case sqlparse.ConstNull:
		c.typ, v = Unknown, nil
	case sqlparse.ConstBool:
		c.typ, v = Bool, x.Text == "true"
	}
	c.eval = func(*env) (Value, error) { return v, nil }
	return c, nil
}

func (sc *scope) compileColumn(x *sqlparse.ColumnRef) (*cexpr, *Error) {
	if sc.context == "DEFAULT" {
		return nil, newError(FeatureNotSupported, "cannot use column reference in DEFAULT expression").at(x.P)
	}
	if x.Table == "excluded" && sc.excluded {
		i := sc.table.column(x.Column)
		if i < 0 {
			return nil, errorf(UndefinedColumn, "column %s.%s does not exist", x.Table, x.Column).at(x.P)
		}
		c := &cexpr{typ: sc.table.Columns[i].Type, name: x.Column, nameStrength: 2, col: -1, pos: x.P}
		c.eval = func(en *env) (Value, error) { return en.excluded[i], nil }
		return c, sc.columnUsable(sc.table, i, x)
	}
	var rel *scopeRel
	i := -1
	if x.Table == "" {
		for _, r := range sc.rels[sc.visibleFrom:] {
			if j := r.table.column(x.Column); j >= 0 {
				if rel != nil {
					return nil, errorf("42702", "column reference \"%s\" is ambiguous", x.Column).at(x.P)
				}
				rel, i = r, j
			}
		}
		if rel == nil {
			if systemColumns[x.Column] && len(sc.rels) > 0 {
				return nil, errorf(FeatureNotSupported, "poolsim does not support the system column %s", x.Column).at(x.P)
			}
			return nil, sc.missingColumn(x)
		}
	} else {
		var err *Error
		if rel, err = sc.findRel(x.Table, x.P); err != nil {
			return nil, err
		}
		if i = rel.table.column(x.Column); i < 0 {
			if systemColumns[x.Column] {
				return nil, errorf(FeatureNotSupported, "poolsim does not support the system column %s", x.Column).at(x.P)
			}
			return nil, errorf(UndefinedColumn, "column %s.%s does not exist", x.Table, x.Column).at(x.P)
		}
	}
	col := rel.table.Columns[i]
	at := rel.offset + i
	c := &cexpr{typ: col.Type, name: x.Column, nameStrength: 2, col: at, pos: x.P, mod: col.typeMod()}
	c.eval = func(en *env) (Value, error) { return en.row[at], nil }
	return c, sc.columnUsable(rel.table, i, x)
}

// columnUsable refuses the columns of system catalogs whose types the
// engine lacks, and notes timestamp with time zone columns.
func (sc *scope) columnUsable(t *Table, i int, x *sqlparse.ColumnRef) *Error {
	if t.Columns[i].unsupported {
		return errorf(FeatureNotSupported, "poolsim does not support the column %s.%s", t.Name, x.Column).at(x.P)
	}
	if t.Columns[i].Type == Timestamptz {
		sc.usesTimestamp = true
	}
	return nil
}

// findRel returns the FROM item a qualified column reference names, with
// PostgreSQL's errors for a name that is no such item or one this part of
// the query cannot see.
func (sc *scope) findRel(name string, pos int) (*scopeRel, *Error) {
	for i, r := range sc.rels {
		if r.alias == name {
			if i < sc.visibleFrom {
				e := errorf(UndefinedTable, "invalid reference to FROM-clause entry for table \"%s\"", name).at(pos)
				e.Hint = "There is an entry for table \"" + name + "\", but it cannot be referenced from this part of the query."
				return nil, e
			}
			return r, nil
		}
	}
	for _, r := range sc.rels {
		if r.hasAlias && r.table.Name == name {
			e := errorf(UndefinedTable, "invalid reference to FROM-clause entry for table \"%s\"", name).at(pos)
			e.Hint = "Perhaps you meant to reference the table alias \"" + r.alias + "\"."
			return nil, e
		}
	}
	return nil, errorf(UndefinedTable, "missing FROM-clause entry for table \"%s\"", name).at(pos)
}

// missingColumn is the error for an unqualified name no visible table
// has as a column.
func (sc *scope) missingColumn(x *sqlparse.ColumnRef) *Error {
	for _, r := range sc.rels {
		if r.alias == x.Column {
			return errorf(FeatureNotSupported, "poolsim does not support whole-row references").at(x.P)
		}
	}
	e := errorf(UndefinedColumn, "column \"%s\" does not exist", x.Column).at(x.P)
	for _, r := range sc.rels[:sc.visibleFrom] {
		if r.table.column(x.Column) >= 0 {
			e.Hint = "There is a column named \"" + x.Column + "\" in table \"" + r.alias + "\", but it cannot be referenced from this part of the query."
			break
		}
	}
	return e
}

// relOf returns the scope table whose column a joined row's index at is,
// and the column's number in it.
func (sc *scope) relOf(at int) (*scopeRel, int) {
	for i := len(sc.rels) - 1; i >= 0; i-- {
		if r := sc.rels[i]; at >= r.offset {
			return r, at - r.offset
		}
	}
	return nil, -1
}

// width is the number of columns of a row joined from every table of
// the scope.
func (sc *scope) width() int {
	if len(sc.rels) == 0 {
		return 0
	}
	last := sc.rels[len(sc.rels)-1]
	return last.offset + len(last.table.Columns)
}

func (sc *scope) compileFunc(x *sqlparse.FuncCall) (*cexpr, *Error) {
	if c, ok, err := sc.compileSystemFunc(x); ok {
		return c, err
	}
	args := make([]*cexpr, len(x.Args))
	for i, a := range x.Args {
		c, err := sc.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = c
	}
	c := &cexpr{name: x.Name, nameStrength: 2, col: -1, pos: x.P}
	switch {
	case x.Name == "count" && (x.Star || len(args) == 1):
		c.typ, c.agg = Int8, true
		if !x.Star {
			c.aggArg = args[0]
		}
		return c, nil
	case x.Name == "pg_backend_pid" && len(args) == 0:
		c.typ = Int4
		c.eval = func(en *env) (Value, error) { return int64(en.sess.PID), nil }
		return c, nil
	case x.Name == "pg_sleep" && len(args) == 1:
		arg, err := sc.coerce(args[0], Float8, castImplicit)
		if err != nil {
			return nil, err
		}
		if arg != nil {
			c.typ = Void
			c.eval = func(en *env) (Value, error) {
				v, err := arg.eval(en)
				if err != nil || v == nil {
					return VoidValue{}, err
				}
				if err := en.sess.sleep(time.Duration(v.(float64) * float64(time.Second))); err != nil {
					return nil, err
				}
				return VoidValue{}, nil
			}
			return c, nil
		}
	}
	fname := x.Name
	if x.Schema != "" {
		fname = x.Schema + "." + x.Name
	}
	e := errorf(UndefinedFunction, "function %s(%s) does not exist", fname, argTypeList(args)).at(x.P)
	e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
	return nil, e
}

func argTypeList(args []*cexpr) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += ", "
		}
		s += a.typ.Name
	}
	return s
}

func (sc *scope) compileUnary(x *sqlparse.UnaryExpr) (*cexpr, *Error) {
	in, err := sc.compile(x.X)
	if err != nil {
		return nil, err
	}
	c := &cexpr{name: "?column?", col: -1, pos: x.P, pure: in.pure}
	switch x.Op {
	case "NOT":
		if in, err = sc.boolean(in, "NOT"); err != nil {
			return nil, err
		}
		c.typ = Bool
		c.eval = func(en *env) (Value, error) {
			v, err := in.eval(en)
			if v == nil || err != nil {
				return nil, err
			}
			return !v.(bool), nil
		}
		return c, nil
	case "-", "+":
		if in.constant != nil && in.typ == Numeric {
			text := x.Op + in.constant.Text
			c.typ = Numeric
			c.eval = func(*env) (Value, error) { return text, nil }
			return c, nil
		}
		if in.typ == Unknown {
			e := errorf("42725", "operator is not unique: %s unknown", x.Op).at(x.P)
			e.Hint = "Could not choose a best candidate operator. You might need to add explicit type casts."
			return nil, e
		}
		switch in.typ {
		case Int4, Int8, Float8, Int2:
		default:
			return nil, operatorError(x.Op, nil, in, x.P)
		}
		c.typ = in.typ
		neg := x.Op == "-"
		t := in.typ
		c.eval = func(en *env) (Value, error) {
			v, err := in.eval(en)
			if v == nil || err != nil || !neg {
				return v, err
			}
			if f, ok := v.(float64); ok {
				return -f, nil
			}
			return checkRange(t, -v.(int64))
		}
		return c, nil
	}
	return nil, errorf(FeatureNotSupported, "poolsim does not support the operator %s", x.Op).at(x.P)
}

// operatorError is PostgreSQL's "operator does not exist" error.
func operatorError(op string, l, r *cexpr, pos int) *Error {
	var e *Error
	if l == nil {
		e = errorf(UndefinedFunction, "operator does not exist: %s %s", op, r.typ.Name)
	} else {
		e = errorf(UndefinedFunction, "operator does not exist: %s %s %s", l.typ.Name, op, r.typ.Name)
	}
	e.Hint = "No operator matches the given name and argument types. You might need to add explicit type casts."
	return e.at(pos)
}

// checkRange fails with 22003 when v does not fit t.
func checkRange(t Type, v int64) (Value, error) {
	if t == Int2 {
		return checkInt2(v)
	}
	if t == Int4 && (v < math.MinInt32 || v > math.MaxInt32) {
		return nil, newError(NumericValueOutOfRange, "integer out of range")
	}
	return v, nil
}
