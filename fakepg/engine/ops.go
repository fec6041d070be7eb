package engine

import (
	"cmp"
	"math"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// castName is the output column name PostgreSQL gives a cast of a
// constant: the type's internal name.
var castName = map[string]string{
	"bigint": "int8", "int8": "int8", "integer": "int4", "int": "int4", "int4": "int4",
	"boolean": "bool", "bool": "bool", "double precision": "float8", "float8": "float8",
	"text": "text", "varchar": "varchar", "character varying": "varchar",
	"numeric": "numeric", "decimal": "numeric", "void": "void",
}

func (sc *scope) compileCast(x *sqlparse.TypeCast) (*cexpr, *Error) {
	in, err := sc.compile(x.X)
	if err != nil {
		return nil, err
	}
	to, ok := lookupType(x.Type)
	if !ok {
		return nil, errorf(UndefinedObject, "type \"%s\" does not exist", x.Type).at(x.P)
	}
	out, err := sc.coerce(in, to, castExplicit)
	if err != nil {
		return nil, err
	}
	c := *out
	c.constant, c.param, c.mod = nil, 0, 0
	if in.nameStrength == 2 {
		c.name, c.nameStrength = in.name, 2
	} else {
		c.name, c.nameStrength = castName[x.Type], 1
		if n, ok := catalogCastNames[x.Type]; ok {
			c.name = n
		}
	}
	return &c, nil
}

// castContext is PostgreSQL's coercion context.
type castContext int

const (
	castImplicit   castContext = iota // operands of operators and functions
	castAssignment                    // INSERT values and UPDATE SET
	castExplicit                      // CAST and ::
)

// coerce converts c to type to in the given context, or fails with
// PostgreSQL's error for that context.
func (sc *scope) coerce(c *cexpr, to Type, ctx castContext) (*cexpr, *Error) {
	from := c.typ
	if from == to {
		return c, nil
	}
	if out, ok, err := sc.coerceCatalog(c, to, ctx); ok {
		return out, err
	}
	if from == Unknown {
		switch {
		case c.param > 0:
			if !sc.params.fixed[c.param-1] {
				sc.params.types[c.param-1] = to
				out := *c
				out.typ = to
				return &out, nil
			}
		case c.constant != nil:
			var v Value
			if c.constant.Kind != sqlparse.ConstNull {
				pv, err := ParseText(to, c.constant.Text)
				if err != nil {
					return nil, err.(*Error).at(c.pos)
				}
				v = pv
			}
			out := *c
			out.typ = to
			out.eval = func(*env) (Value, error) { return v, nil }
			return &out, nil
		default:
			return retype(c, to, func(v Value) (Value, error) { return ParseText(to, v.(string)) }), nil
		}
	}
	conv := conversion(from, to, ctx)
	if conv == nil {
		if ctx == castExplicit {
			return nil, errorf("42846", "cannot cast type %s to %s", from.Name, to.Name).at(c.pos)
		}
		return nil, nil
	}
	return retype(c, to, conv), nil
}

// retype wraps c with a conversion of its non-null values.
func retype(c *cexpr, to Type, conv func(Value) (Value, error)) *cexpr {
	out := *c
	out.typ, out.mod = to, 0
	in := c.eval
	out.eval = func(en *env) (Value, error) {
		v, err := in(en)
		if v == nil || err != nil {
			return v, err
		}
		return conv(v)
	}
	return &out
}

// conversion returns the cast from one type to another allowed in ctx, or
// nil.
func conversion(from, to Type, ctx castContext) func(Value) (Value, error) {
	if f, ok := catalogConversion(from, to, ctx); ok {
		return f
	}
	isInt := func(t Type) bool { return t == Int4 || t == Int8 }
	switch {
	case from == Int4 && to == Int8:
		return func(v Value) (Value, error) { return v, nil }
	case isInt(from) && to == Float8:
		return func(v Value) (Value, error) { return float64(v.(int64)), nil }
	case isInt(from) && to == Numeric:
		return func(v Value) (Value, error) { return strconv.FormatInt(v.(int64), 10), nil }
	case from == Numeric && to == Float8:
		return func(v Value) (Value, error) { return ParseText(Float8, v.(string)) }
	case from == Int8 && to == Int4 && ctx >= castAssignment:
		return func(v Value) (Value, error) { return checkRange(Int4, v.(int64)) }
	case (from == Float8 || from == Numeric) && isInt(to) && ctx >= castAssignment:
		return func(v Value) (Value, error) {
			f, ok := v.(float64)
			if !ok {
				pf, err := ParseText(Float8, v.(string))
				if err != nil {
					return nil, err
				}
				f = pf.(float64)
			}
			r := math.RoundToEven(f)
			if r < math.MinInt64 || r > math.MaxInt64 {
				return nil, newError(NumericValueOutOfRange, "bigint out of range")
			}
			return checkRange(to, int64(r))
		}
	case to == Text && ctx >= castAssignment:
		return func(v Value) (Value, error) { s, _ := FormatText(from, v); return s, nil }
	case from == Text && ctx == castExplicit:
		return func(v Value) (Value, error) { return ParseText(to, v.(string)) }
	case from == Bool && to == Int4 && ctx == castExplicit:
		return func(v Value) (Value, error) {
			if v.(bool) {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case isInt(from) && to == Bool && ctx == castExplicit:
		return func(v Value) (Value, error) { return v.(int64) != 0, nil }
	}
	return nil
}

// assign coerces an INSERT or UPDATE value to its column's type.
func (sc *scope) assign(c *cexpr, col Column) (*cexpr, *Error) {
	out, err := sc.coerce(c, col.Type, castAssignment)
	if err != nil {
		return nil, err
	}
	if out == nil {
		e := errorf(DatatypeMismatch, "column \"%s\" is of type %s but expression is of type %s", col.Name, col.Type.Name, c.typ.Name).at(c.pos)
		e.Hint = "You will need to rewrite or cast the expression."
		return nil, e
	}
	if n := col.Length; n > 0 {
		out = retype(out, col.Type, func(v Value) (Value, error) { return checkVarchar(v.(string), n, false) })
	}
	return out, nil
}

// boolean coerces a condition (WHERE, AND, OR) to boolean.
func (sc *scope) boolean(c *cexpr, what string) (*cexpr, *Error) {
	out, err := sc.coerce(c, Bool, castImplicit)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, errorf(DatatypeMismatch, "argument of %s must be type boolean, not type %s", what, c.typ.Name).at(c.pos)
	}
	return out, nil
}

// unify brings the operands of a binary operator to one type: an unknown
// operand takes the other's type, integers widen to bigint, numbers to
// double precision.
func (sc *scope) unify(l, r *cexpr) (*cexpr, *cexpr, *Error) {
	var err *Error
	switch {
	case l.typ == Unknown && r.typ == Unknown:
		if l, err = sc.coerce(l, Text, castImplicit); err != nil {
			return nil, nil, err
		}
		r, err = sc.coerce(r, Text, castImplicit)
		return l, r, err
	case l.typ == Unknown:
		l, err = sc.coerce(l, r.typ, castImplicit)
		return l, r, err
	case r.typ == Unknown:
		r, err = sc.coerce(r, l.typ, castImplicit)
		return l, r, err
	}
	rank := map[Type]int{Int4: 1, Int8: 2, Numeric: 3, Float8: 4}
	if rank[l.typ] > 0 && rank[r.typ] > 0 && l.typ != r.typ {
		to := l.typ
		if rank[r.typ] > rank[l.typ] {
			to = r.typ
		}
		if to == Numeric {
			to = Float8
		}
		l, _ = sc.coerce(l, to, castImplicit)
		r, _ = sc.coerce(r, to, castImplicit)
	}
	return l, r, nil
}

func (sc *scope) compileBinary(x *sqlparse.BinaryExpr) (*cexpr, *Error) {
	l, err := sc.compile(x.L)
	if err != nil {
		return nil, err
	}
	r, err := sc.compile(x.R)
	if err != nil {
		return nil, err
	}
	c := &cexpr{name: "?column?", col: -1, pos: l.pos, pure: l.pure && r.pure}
	switch x.Op {
	case "AND", "OR":
		if l, err = sc.boolean(l, x.Op); err != nil {
			return nil, err
		}
		if r, err = sc.boolean(r, x.Op); err != nil {
			return nil, err
		}
		c.typ = Bool
		c.eval = logical(x.Op == "AND", l, r)
		return c, nil
	case "||":
		lt, err := sc.textOperand(l)
		if err != nil {
			return nil, err
		}
		rt, err := sc.textOperand(r)
		if err != nil {
			return nil, err
		}
		if lt == nil || rt == nil {
			return nil, operatorError(x.Op, l, r, x.P)
		}
		l, r = lt, rt
		c.typ = Text
		c.eval = binaryEval(l, r, func(a, b Value) (Value, error) { return a.(string) + b.(string), nil })
		return c, nil
	}
	lu, ru, err := sc.unifyCatalog(l, r)
	if err != nil {
		return nil, err
	}
	if lu == nil || ru == nil {
		return nil, operatorError(x.Op, l, r, x.P)
	}
	if lu == nil || ru == nil || lu.typ != ru.typ {
		return nil, operatorError(x.Op, l, r, x.P)
	}
	l, r = lu, ru
	switch x.Op {
	case "=", "<>", "<", "<=", ">", ">=":
		switch l.typ {
		case Int4, Int8, Float8, Numeric, Text, Bool, Int2, Oid, Timestamptz, Name, Char, Varchar, Regclass:
		default:
			return nil, operatorError(x.Op, l, r, x.P)
		}
		c.typ = Bool
		op, t := x.Op, l.typ
		c.eval = binaryEval(l, r, func(a, b Value) (Value, error) { return compareOp(op, compare(t, a, b)), nil })
		return c, nil
	case "+", "-", "*", "/", "%":
		if l.typ != Int4 && l.typ != Int8 && l.typ != Float8 && l.typ != Int2 {
			return nil, operatorError(x.Op, l, r, x.P)
		}
		c.typ = l.typ
		c.eval = binaryEval(l, r, arith(x.Op, l.typ))
		return c, nil
	}
	return nil, errorf(FeatureNotSupported, "poolsim does not support the operator %s", x.Op).at(x.P)
}

// textOperand makes an operand of || text (unknown literals and any
// other type convert, as anynonarray || text does).
func (sc *scope) textOperand(c *cexpr) (*cexpr, *Error) {
	if c.typ == Text {
		return c, nil
	}
	if c.typ == Unknown {
		return sc.coerce(c, Text, castImplicit)
	}
	t := c.typ
	return retype(c, Text, func(v Value) (Value, error) { s, _ := FormatText(t, v); return s, nil }), nil
}

// binaryEval evaluates both operands and applies f unless one is NULL.
func binaryEval(l, r *cexpr, f func(a, b Value) (Value, error)) func(*env) (Value, error) {
	return func(en *env) (Value, error) {
		a, err := l.eval(en)
		if err != nil {
			return nil, err
		}
		b, err := r.eval(en)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		return f(a, b)
	}
}

// logical is AND or OR with SQL's three-valued logic.
func logical(and bool, l, r *cexpr) func(*env) (Value, error) {
	return func(en *env) (Value, error) {
		a, err := l.eval(en)
		if err != nil {
			return nil, err
		}
		if a != nil && a.(bool) != and {
			return !and, nil // FALSE AND x, TRUE OR x
		}
		b, err := r.eval(en)
		if err != nil {
			return nil, err
		}
		switch {
		case b != nil && b.(bool) != and:
			return !and, nil
		case a == nil || b == nil:
			return nil, nil
		}
		return and, nil
	}
}

// compare orders two non-null values of type t: numbers by value (NaN
// after every other number and equal to itself, as PostgreSQL orders
// float8 and numeric), text byte by byte (the C collation), false before
// true.
func compare(t Type, a, b Value) int {
	switch x := a.(type) {
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		return compareFloat(x, b.(float64))
	case string:
		if t == Numeric {
			return compareFloat(numericValue(x), numericValue(b.(string)))
		}
		return strings.Compare(x, b.(string))
	case Timestamp:
		return cmp.Compare(x, b.(Timestamp))
	case RegclassValue:
		return cmp.Compare(x.OID, b.(RegclassValue).OID)
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	return 0
}

// compareFloat orders float8 values as PostgreSQL does: NaN equals NaN
// and sorts after every other value.
func compareFloat(x, y float64) int {
	switch xn, yn := math.IsNaN(x), math.IsNaN(y); {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	}
	return cmp.Compare(x, y)
}

// numericValue is a numeric's value as a float8. Numerics are kept as the
// text they were read from, which ParseText has checked.
func numericValue(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func compareOp(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// arith applies an arithmetic operator with PostgreSQL's overflow and
// division errors.
func arith(op string, t Type) func(a, b Value) (Value, error) {
	if t == Float8 {
		return func(a, b Value) (Value, error) {
			x, y := a.(float64), b.(float64)
			switch op {
			case "+":
				return x + y, nil
			case "-":
				return x - y, nil
			case "*":
				return x * y, nil
			case "/":
				if y == 0 {
					return nil, newError(DivisionByZero, "division by zero")
				}
				return x / y, nil
			}
			return math.Mod(x, y), nil
		}
	}
	overflow := "bigint out of range"
	switch t {
	case Int4:
		overflow = "integer out of range"
	case Int2:
		overflow = "smallint out of range"
	}
	return func(a, b Value) (Value, error) {
		x, y := a.(int64), b.(int64)
		var r int64
		ok := true
		switch op {
		case "+":
			r = x + y
			ok = (r > x) == (y > 0)
		case "-":
			r = x - y
			ok = (r < x) == (y > 0)
		case "*":
			r = x * y
			ok = x == 0 || (r/x == y && !(x == -1 && y == math.MinInt64))
		case "/", "%":
			if y == 0 {
				return nil, newError(DivisionByZero, "division by zero")
			}
			if op == "/" {
				r = x / y
			} else {
				r = x % y
			}
		}
		if !ok {
			return nil, newError(NumericValueOutOfRange, overflow)
		}
		if t == Int4 && (r < math.MinInt32 || r > math.MaxInt32) || t == Int2 && (r < math.MinInt16 || r > math.MaxInt16) {
			return nil, newError(NumericValueOutOfRange, overflow)
		}
		return r, nil
	}
}
