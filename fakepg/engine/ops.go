package engine

import (
	"cmp"
	"math"
	"strings"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// castName is the output column name PostgreSQL gives a cast of a
// constant: the type's internal name.
var castName = map[string]string{
	"bigint": "int8", "int8": "int8", "integer": "int4", "int": "int4", "int4": "int4",
	"boolean": "bool", "bool": "bool", "double precision": "float8", "float8": "float8",
	"text": "text", "varchar": "varchar", "character varying": "varchar",
	"numeric": "numeric", "decimal": "numeric", "dec": "numeric", "void": "void",
	"smallint": "int2", "int2": "int2", "float": "float8",
	"timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
	"oid": "oid", "name": "name", "regclass": "regclass",
}

func (sc *scope) compileCast(x *sqlparse.TypeCast) (*cexpr, *Error) {
	in, err := sc.compile(x.X)
	if err != nil {
		return nil, err
	}
	to, ok := lookupType(x.Type)
	if !ok {
		if unsupportedTypeNames[x.Type] {
			return nil, errorf(FeatureNotSupported, "poolsim does not support type %s", x.Type).at(x.P)
		}
		return nil, errorf(UndefinedObject, "type \"%s\" does not exist", x.Type).at(x.P)
	}
	out, err := sc.coerce(in, to, castExplicit)
	if err != nil {
		if err.Code == CannotCoerce {
			err.Position = x.P // reported at the :: or CAST
		}
		return nil, err
	}
	c := *out
	c.constant, c.param, c.mod = nil, 0, 0
	if in.nameStrength == 2 {
		c.name, c.nameStrength = in.name, 2
	} else {
		c.name, c.nameStrength = castName[x.Type], 1
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
				pv, err := sc.sess.parseText(to, c.constant.Text)
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
			return retype(c, to, func(en *env, v Value) (Value, error) { return en.sess.parseText(to, v.(string)) }), nil
		}
	}
	conv := sc.conversion(from, to, ctx)
	if conv == nil {
		if ctx == castExplicit {
			return nil, errorf(CannotCoerce, "cannot cast type %s to %s", from.Name, to.Name).at(c.pos)
		}
		return nil, nil
	}
	out := retype(c, to, conv)
	if from == Timestamptz || to == Timestamptz {
		out.pure = false // stable, not immutable: it reads TimeZone
	}
	return out, nil
}

// retype wraps c with a conversion of its non-null values.
func retype(c *cexpr, to Type, conv castFunc) *cexpr {
	out := *c
	out.typ, out.mod = to, 0
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

// castFunc converts a non-null value; the environment gives the session
// whose settings (TimeZone, DateStyle, extra_float_digits) the type's
// input and output functions read when it is evaluated.
type castFunc func(en *env, v Value) (Value, error)

// conversion returns the cast from one type to another allowed in ctx (the
// casts of pg_cast among the engine's types, and the I/O conversions to
// and from text), or nil.
func (sc *scope) conversion(from, to Type, ctx castContext) castFunc {
	if f, ok := sc.catalogConversion(from, to, ctx); ok {
		return f
	}
	numeric := func(t Type) bool { return isInteger(t) || t == Numeric || t == Float8 }
	if numeric(from) && numeric(to) {
		// widening casts are implicit, narrowing ones need assignment
		rank := map[Type]int{Int2: 1, Int4: 2, Int8: 3, Numeric: 4, Float8: 5}
		if rank[to] < rank[from] && ctx < castAssignment {
			return nil
		}
		return func(_ *env, v Value) (Value, error) { return convertNumber(v, from, to) }
	}
	switch {
	case to == Text && ctx >= castAssignment:
		if from == Bool {
			// booltext, not boolout: true becomes 'true'
			return func(_ *env, v Value) (Value, error) {
				if v.(bool) {
					return "true", nil
				}
				return "false", nil
			}
		}
		return func(en *env, v Value) (Value, error) { return en.sess.formatText(from, v) }
	case from == Text && ctx == castExplicit:
		return func(en *env, v Value) (Value, error) { return en.sess.parseText(to, v.(string)) }
	case from == Bool && to == Int4 && ctx == castExplicit:
		return func(_ *env, v Value) (Value, error) {
			if v.(bool) {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case from == Int4 && to == Bool && ctx == castExplicit:
		return func(_ *env, v Value) (Value, error) { return v.(int64) != 0, nil }
	}
	return nil
}

// convertNumber converts a value between the numeric types, with the
// casts' rounding and range errors.
func convertNumber(v Value, from, to Type) (Value, error) {
	switch {
	case isInteger(from) && isInteger(to):
		return checkRange(to, v.(int64))
	case isInteger(from) && to == Numeric:
		return DecimalFromInt(v.(int64)), nil
	case isInteger(from):
		return float64(v.(int64)), nil
	case from == Numeric && to == Float8:
		return decimalToFloat(v.(Decimal))
	case from == Numeric:
		n, err := decimalToInt(v.(Decimal), to)
		if err != nil {
			return nil, err
		}
		return n, nil
	case to == Numeric:
		return decimalFromFloat(v.(float64)), nil
	}
	n, err := floatToInt(v.(float64), to)
	if err != nil {
		return nil, err
	}
	return n, nil
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
		out = retype(out, col.Type, func(_ *env, v Value) (Value, error) { return checkVarchar(v.(string), n, false) })
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
// operand takes the other's type, and of two numeric types the narrower
// converts to the wider (smallint, integer, bigint, numeric, double
// precision), as PostgreSQL's operator resolution and its cross-type
// integer operators give.
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
	rank := map[Type]int{Int2: 1, Int4: 2, Int8: 3, Numeric: 4, Float8: 5}
	if rank[l.typ] > 0 && rank[r.typ] > 0 && l.typ != r.typ {
		to := l.typ
		if rank[r.typ] > rank[l.typ] {
			to = r.typ
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
	// a constant FALSE decides an AND, TRUE an OR: the planner does not
	// fold what follows
	skip := (x.Op == "AND" || x.Op == "OR") && sc.decided(l, x.Op == "OR")
	if skip {
		sc.noFold++
	}
	r, err := sc.compile(x.R)
	if skip {
		sc.noFold--
	}
	if err != nil {
		return nil, err
	}
	return sc.binary(x.Op, l, r, x.P)
}

// binary applies the binary operator op, written at position pos, to two
// compiled operands.
func (sc *scope) binary(op string, l, r *cexpr, pos int) (*cexpr, *Error) {
	var err *Error
	c := &cexpr{name: "?column?", col: -1, pos: l.pos, pure: l.pure && r.pure}
	switch op {
	case "AND", "OR":
		if l, err = sc.boolean(l, op); err != nil {
			return nil, err
		}
		if r, err = sc.boolean(r, op); err != nil {
			return nil, err
		}
		c.typ = Bool
		c.eval = logical(op == "AND", l, r)
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
		if lt == nil || rt == nil || !textLike(l.typ) && !textLike(r.typ) {
			// text || anynonarray and anynonarray || text need a text side
			return nil, operatorError(op, l, r, pos)
		}
		l, r = lt, rt
		c.typ = Text
		c.eval = binaryEval(l, r, func(a, b Value) (Value, error) { return a.(string) + b.(string), nil })
		return c, nil
	}
	if e := timestampArithmetic(op, l, r, pos); e != nil {
		return nil, e
	}
	lu, ru, err := sc.unifyCatalog(l, r)
	if err != nil {
		return nil, err
	}
	if lu == nil || ru == nil || lu.typ != ru.typ {
		return nil, operatorError(op, l, r, pos)
	}
	// errors name the operand types as written
	l0, r0 := l, r
	l, r = lu, ru
	switch op {
	case "=", "<>", "<", "<=", ">", ">=":
		switch l.typ {
		case Int2, Int4, Int8, Float8, Numeric, Text, Bool, Timestamptz, Oid, Name, Char, Varchar, Regclass:
		default:
			return nil, operatorError(op, l0, r0, pos)
		}
		c.typ = Bool
		t := l.typ
		c.eval = binaryEval(l, r, func(a, b Value) (Value, error) { return compareOp(op, compare(t, a, b)), nil })
		return c, nil
	case "+", "-", "*", "/", "%":
		if !isInteger(l.typ) && l.typ != Numeric && (l.typ != Float8 || op == "%") {
			return nil, operatorError(op, l0, r0, pos)
		}
		c.typ = l.typ
		c.eval = binaryEval(l, r, arith(op, l.typ))
		return c, nil
	}
	return nil, errorf(FeatureNotSupported, "poolsim does not support the operator %s", op).at(pos)
}

// textLike reports whether an operand of type t can be the text side of
// || (unknown literals and the string types, which convert to text
// implicitly).
func textLike(t Type) bool { return t == Unknown || isStringType(t) }

// textOperand makes an operand of || text (unknown literals and any
// other type convert, as anynonarray || text does).
func (sc *scope) textOperand(c *cexpr) (*cexpr, *Error) {
	if c.typ == Text {
		return c, nil
	}
	if c.typ == Unknown {
		return sc.coerce(c, Text, castImplicit)
	}
	// the operand converts to text as its cast to text does
	return sc.coerce(c, Text, castAssignment)
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
// true, timestamps in time, regclass values by OID.
func compare(t Type, a, b Value) int {
	switch x := a.(type) {
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		return compareFloat(x, b.(float64))
	case Decimal:
		return compareDecimal(x, b.(Decimal))
	case Timestamp:
		return cmp.Compare(x, b.(Timestamp))
	case string:
		return strings.Compare(x, b.(string))
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

// arith applies an arithmetic operator to two values of type t with
// PostgreSQL's overflow and division errors.
func arith(op string, t Type) func(a, b Value) (Value, error) {
	switch t {
	case Float8:
		return func(a, b Value) (Value, error) { return floatArith(op, a.(float64), b.(float64)) }
	case Numeric:
		return func(a, b Value) (Value, error) { return decimalArith(op, a.(Decimal), b.(Decimal)) }
	}
	return func(a, b Value) (Value, error) { return intArith(op, t, a.(int64), b.(int64)) }
}

// timestampArithmetic is the error for + and - on timestamptz: with an
// interval (an unknown literal resolves to one) or between two
// timestamps PostgreSQL computes, but the engine has no interval type.
func timestampArithmetic(op string, l, r *cexpr, pos int) *Error {
	if l.typ != Timestamptz && r.typ != Timestamptz || op != "+" && op != "-" {
		return nil
	}
	other := r.typ
	if l.typ != Timestamptz {
		other = l.typ
	}
	if other == Unknown || op == "-" && l.typ == Timestamptz && other == Timestamptz {
		return errorf(FeatureNotSupported, "poolsim does not support interval arithmetic").at(pos)
	}
	return nil
}
