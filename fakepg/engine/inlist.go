package engine

import "github.com/poolsim/poolsim/fakepg/sqlparse"

// x IN (list) and x NOT IN (list), transformed as transformAExprIn does:
// the items without column references, when there are several and they
// share a type with x, become one x = ANY (array) test (x <> ALL for NOT
// IN) whose items are converted to that type; every other item is its own
// x = item test, and the tests are ORed (ANDed for NOT IN). Operator errors
// are reported at IN (at NOT for NOT IN). NULLs follow SQL's three-valued
// logic: x IN (1, NULL) is true when x = 1 and NULL otherwise.

func (sc *scope) compileIn(x *sqlparse.InExpr) (*cexpr, *Error) {
	left, err := sc.compile(x.X)
	if err != nil {
		return nil, err
	}
	op := "="
	if x.Not {
		op = "<>"
	}
	var all, arrayItems, varItems []*cexpr
	for _, item := range x.List {
		c, err := sc.compile(item)
		if err != nil {
			return nil, err
		}
		all = append(all, c)
		if containsColumn(item) {
			varItems = append(varItems, c)
		} else {
			arrayItems = append(arrayItems, c)
		}
	}
	rest := all        // the items compared one by one, in list order
	var array []*cexpr // the x = ANY (array) comparisons
	if len(arrayItems) > 1 {
		t, ok, _ := commonType(append([]*cexpr{left}, arrayItems...), "")
		if ok && allImplicitly(append([]*cexpr{left}, arrayItems...), t) {
			items, err := sc.toCommon(arrayItems, t, "IN")
			if err != nil {
				return nil, err
			}
			for _, item := range items {
				cmp, err := sc.binary(op, left, item, x.P)
				if err != nil {
					return nil, err
				}
				array = append(array, cmp)
			}
			rest = varItems
		}
	}
	var tests []*cexpr // the comparisons of the other items
	for _, item := range rest {
		cmp, err := sc.binary(op, left, item, x.P)
		if err != nil {
			return nil, err
		}
		tests = append(tests, cmp)
	}
	pure := left.pure
	for _, c := range append(array, tests...) {
		pure = pure && c.pure
	}
	and := x.Not
	return &cexpr{typ: Bool, name: "?column?", col: -1, pos: left.pos, pure: pure, eval: func(en *env) (Value, error) {
		result := Value(and) // true for an empty AND, false for an empty OR
		add := func(v Value) bool {
			switch {
			case v == nil:
				result = nil
			case v.(bool) != and:
				result = !and
				return true // decided
			}
			return false
		}
		if array != nil {
			// the array is built (its items evaluated) before the
			// comparisons
			vals := make([]Value, len(array))
			for i, c := range array {
				v, err := c.eval(en)
				if err != nil {
					return nil, err
				}
				vals[i] = v
			}
			for _, v := range vals {
				if add(v) {
					return result, nil
				}
			}
		}
		for _, c := range tests {
			v, err := c.eval(en)
			if err != nil {
				return nil, err
			}
			if add(v) {
				return result, nil
			}
		}
		return result, nil
	}}, nil
}

// allImplicitly reports whether every argument converts to t implicitly
// (verify_common_type).
func allImplicitly(args []*cexpr, t Type) bool {
	for _, a := range args {
		if !implicitly(a.typ, t) {
			return false
		}
	}
	return true
}

// containsColumn reports whether e refers to a column (contains a Var).
func containsColumn(e sqlparse.Expr) bool {
	switch x := e.(type) {
	case *sqlparse.ColumnRef:
		return true
	case *sqlparse.FuncCall:
		for _, a := range x.Args {
			if containsColumn(a) {
				return true
			}
		}
	case *sqlparse.BinaryExpr:
		return containsColumn(x.L) || containsColumn(x.R)
	case *sqlparse.UnaryExpr:
		return containsColumn(x.X)
	case *sqlparse.TypeCast:
		return containsColumn(x.X)
	case *sqlparse.IsNullExpr:
		return containsColumn(x.X)
	case *sqlparse.InExpr:
		if containsColumn(x.X) {
			return true
		}
		for _, a := range x.List {
			if containsColumn(a) {
				return true
			}
		}
	}
	return false
}
