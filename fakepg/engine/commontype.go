package engine

// Type categories and select_common_type (parse_coerce.c), which COALESCE,
// GREATEST, LEAST and IN lists use to find the type their values share.

// typeCategory is pg_type.typcategory: the group of types implicit
// casts move within; preferred marks the type the group resolves to.
func typeCategory(t Type) (category byte, preferred bool) {
	switch t {
	case Bool:
		return 'B', true
	case Int2, Int4, Int8, Numeric:
		return 'N', false
	case Float8:
		return 'N', true
	case Text:
		return 'S', true
	case Timestamptz:
		return 'D', true
	case Varchar, Name:
		return 'S', false
	case Char:
		return 'Z', false
	case Oid:
		return 'N', true
	case Regclass:
		return 'N', false
	case Unknown:
		return 'X', false
	}
	return 'P', false
}

// implicitly reports whether a value of type from converts to type to
// without an explicit cast (an unknown literal converts to anything).
func implicitly(from, to Type) bool {
	if from == to || from == Unknown || catalogImplicit(from, to) {
		return true
	}
	rank := map[Type]int{Int2: 1, Int4: 2, Int8: 3, Numeric: 4, Float8: 5}
	return rank[from] > 0 && rank[to] > rank[from]
}

// commonType is select_common_type: the type of the first argument unless
// a later one of the same category is one the earlier ones convert to
// implicitly (and not back), staying on a preferred type; text when all
// are unknown. Arguments of different categories fail with 42804
// "<context> types X and Y cannot be matched" at the mismatching one, or,
// without a context, make ok false.
func commonType(args []*cexpr, context string) (t Type, ok bool, err *Error) {
	t = args[0].typ
	same := true
	for _, a := range args[1:] {
		if a.typ != t {
			same = false
		}
	}
	if same && t != Unknown {
		return t, true, nil
	}
	pcat, ppref := typeCategory(t)
	for _, a := range args[1:] {
		n := a.typ
		if n == Unknown || n == t {
			continue
		}
		ncat, npref := typeCategory(n)
		switch {
		case t == Unknown:
			t, pcat, ppref = n, ncat, npref
		case ncat != pcat:
			if context == "" {
				return Type{}, false, nil
			}
			return Type{}, false, errorf(DatatypeMismatch, "%s types %s and %s cannot be matched", context, t.Name, n.Name).at(a.pos)
		case !ppref && implicitly(t, n) && !implicitly(n, t):
			t, pcat, ppref = n, ncat, npref
		}
	}
	if t == Unknown {
		t = Text
	}
	return t, true, nil
}

// toCommon converts every argument to the common type t, as
// coerce_to_common_type does (unknown literals are read as t, with their
// input errors at their positions).
func (sc *scope) toCommon(args []*cexpr, t Type, context string) ([]*cexpr, *Error) {
	out := make([]*cexpr, len(args))
	for i, a := range args {
		c, err := sc.coerce(a, t, castImplicit)
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, errorf(CannotCoerce, "%s could not convert type %s to %s", context, a.typ.Name, t.Name).at(a.pos)
		}
		out[i] = c
	}
	return out, nil
}
