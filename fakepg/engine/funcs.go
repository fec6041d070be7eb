package engine

import (
	"math"
	"unicode/utf8"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// The scalar functions an ORM emits, resolved among their pg_proc
// signatures as PostgreSQL's func_select_candidate does, and evaluated with
// PostgreSQL's results and errors. Text functions behave as in the C
// locale, which the engine's text comparison also follows: lower and upper
// change ASCII letters only.

// funcSig is one signature of a built-in function.
type funcSig struct {
	args []Type
	ret  Type
	// impl computes the result from the arguments, none of them NULL (the
	// functions are strict: a NULL argument gives NULL).
	impl func(sess *Session, args []Value) (Value, error)
	// stable marks functions the planner does not fold (their result
	// depends on the transaction or the clock).
	stable bool
}

// builtinFuncs are the functions by name; lookup only.
var builtinFuncs = map[string][]funcSig{
	"length": {{args: []Type{Text}, ret: Int4, impl: func(_ *Session, a []Value) (Value, error) {
		return int64(utf8.RuneCountInString(a[0].(string))), nil
	}}},
	"lower": {{args: []Type{Text}, ret: Text, impl: func(_ *Session, a []Value) (Value, error) {
		return mapASCII(a[0].(string), 'A', 'Z', 'a'-'A'), nil
	}}},
	"upper": {{args: []Type{Text}, ret: Text, impl: func(_ *Session, a []Value) (Value, error) {
		return mapASCII(a[0].(string), 'a', 'z', 'A'-'a'), nil
	}}},
	"abs": {
		{args: []Type{Float8}, ret: Float8, impl: func(_ *Session, a []Value) (Value, error) { return math.Abs(a[0].(float64)), nil }},
		{args: []Type{Int2}, ret: Int2, impl: absInt(Int2)},
		{args: []Type{Int4}, ret: Int4, impl: absInt(Int4)},
		{args: []Type{Int8}, ret: Int8, impl: absInt(Int8)},
		{args: []Type{Numeric}, ret: Numeric, impl: func(_ *Session, a []Value) (Value, error) { return absDecimal(a[0].(Decimal)), nil }},
	},
	"round": {
		{args: []Type{Float8}, ret: Float8, impl: func(_ *Session, a []Value) (Value, error) {
			return math.RoundToEven(a[0].(float64)), nil // rint
		}},
		{args: []Type{Numeric}, ret: Numeric, impl: func(_ *Session, a []Value) (Value, error) {
			return checkDecimal(roundDecimal(a[0].(Decimal), 0))
		}},
		{args: []Type{Numeric, Int4}, ret: Numeric, impl: func(_ *Session, a []Value) (Value, error) {
			scale := min(max(a[1].(int64), -numericMaxResult), numericMaxResult)
			return checkDecimal(roundDecimal(a[0].(Decimal), int(scale)))
		}},
	},
	"now":                   {{ret: Timestamptz, impl: transactionTimestamp, stable: true}},
	"transaction_timestamp": {{ret: Timestamptz, impl: transactionTimestamp, stable: true}},
	"clock_timestamp": {{ret: Timestamptz, stable: true, impl: func(s *Session, _ []Value) (Value, error) {
		return TimestampOf(s.db.rt.Now()), nil
	}}},
}

func transactionTimestamp(s *Session, _ []Value) (Value, error) { return s.transactionStart(), nil }

func absInt(t Type) func(*Session, []Value) (Value, error) {
	return func(_ *Session, a []Value) (Value, error) {
		x := a[0].(int64)
		if x < 0 {
			return negInt(t, x)
		}
		return x, nil
	}
}

// mapASCII shifts the bytes of s from lo to hi by delta.
func mapASCII(s string, lo, hi byte, delta int) string {
	b := []byte(s)
	for i, c := range b {
		if c >= lo && c <= hi {
			b[i] = byte(int(c) + delta)
		}
	}
	return string(b)
}

// unsupportedFuncs are functions PostgreSQL has that the engine does not
// implement: calling one is refused, not reported missing.
var unsupportedFuncs = map[string]bool{
	"statement_timestamp": true, "timeofday": true, "localtimestamp": true,
	"date_trunc": true, "date_part": true, "age": true, "to_char": true, "to_timestamp": true,
	"to_date": true, "to_number": true, "make_timestamptz": true, "justify_interval": true,
	"char_length": true, "character_length": true, "octet_length": true, "bit_length": true,
	"substr": true, "strpos": true, "replace": true, "btrim": true, "ltrim": true, "rtrim": true,
	"lpad": true, "rpad": true, "left": true, "right": true, "repeat": true, "reverse": true,
	"split_part": true, "initcap": true, "concat_ws": true, "format": true, "md5": true,
	"quote_ident": true, "quote_literal": true, "quote_nullable": true, "chr": true, "ascii": true,
	"regexp_replace": true, "regexp_match": true, "regexp_matches": true, "starts_with": true,
	"ceil": true, "ceiling": true, "floor": true, "trunc": true, "sign": true, "sqrt": true,
	"cbrt": true, "power": true, "pow": true, "exp": true, "ln": true, "log": true, "log10": true,
	"mod": true, "div": true, "gcd": true, "lcm": true, "random": true, "setseed": true, "pi": true,
	"scale": true, "min_scale": true, "trim_scale": true, "width_bucket": true,
	"sum": true, "avg": true, "min": true, "max": true, "array_agg": true, "string_agg": true,
	"bool_and": true, "bool_or": true, "every": true, "json_agg": true, "jsonb_agg": true,
	"gen_random_uuid": true, "uuid_generate_v4": true, "to_json": true, "to_jsonb": true,
	"json_build_object": true, "jsonb_build_object": true, "row_to_json": true,
	"nextval": true, "currval": true, "setval": true, "lastval": true, "generate_series": true,
	"pg_typeof": true, "txid_current": true, "pg_current_xact_id": true,
}

// compileKeywordCall compiles the key word forms COALESCE, GREATEST, LEAST
// and CURRENT_TIMESTAMP.
func (sc *scope) compileKeywordCall(x *sqlparse.FuncCall) (*cexpr, *Error) {
	c := &cexpr{name: x.Name, nameStrength: 2, col: -1, pos: x.P}
	if x.Name == "current_timestamp" {
		c.typ = Timestamptz
		c.eval = func(en *env) (Value, error) { return en.sess.transactionStart(), nil }
		return c, nil
	}
	// The planner folds COALESCE's arguments up to the first constant that
	// is not NULL, and none after it.
	args := make([]*cexpr, len(x.Args))
	skipping := false
	for i, a := range x.Args {
		arg, err := sc.compile(a)
		if err != nil {
			if skipping {
				sc.noFold--
			}
			return nil, err
		}
		args[i] = arg
		if x.Name == "coalesce" && !skipping && sc.nonNullConstant(arg) {
			skipping = true
			sc.noFold++
		}
	}
	if skipping {
		sc.noFold--
	}
	context := upper(x.Name)
	t, _, err := commonType(args, context)
	if err != nil {
		return nil, err
	}
	if args, err = sc.toCommon(args, t, context); err != nil {
		return nil, err
	}
	c.typ = t
	c.pure = true
	for _, a := range args {
		c.pure = c.pure && a.pure
	}
	if x.Name == "coalesce" {
		c.eval = func(en *env) (Value, error) {
			for _, a := range args {
				v, err := a.eval(en)
				if v != nil || err != nil {
					return v, err
				}
			}
			return nil, nil
		}
		return c, nil
	}
	if t == Void && sc.deferred == nil {
		// raised when the executor sets the expression up
		sc.deferred = errorf(UndefinedFunction, "could not identify a comparison function for type %s", t.Name)
	}
	greatest := x.Name == "greatest"
	c.eval = func(en *env) (Value, error) {
		var best Value
		for _, a := range args {
			v, err := a.eval(en)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			if best != nil {
				if c := compare(t, v, best); greatest && c <= 0 || !greatest && c >= 0 {
					continue // the first of equal values stays
				}
			}
			best = v
		}
		return best, nil
	}
	return c, nil
}

// upper returns the ASCII upper case of a key word.
func upper(s string) string { return mapASCII(s, 'a', 'z', 'A'-'a') }

// compileBuiltin compiles a call of one of the built-in functions above,
// or of concat; ok is false when name and arguments match none of them.
func (sc *scope) compileBuiltin(x *sqlparse.FuncCall, args []*cexpr) (c *cexpr, ok bool, err *Error) {
	if x.Star {
		return nil, false, nil
	}
	c = &cexpr{name: x.Name, nameStrength: 2, col: -1, pos: x.P}
	if x.Name == "concat" && len(args) > 0 {
		c, err = sc.compileConcat(c, args)
		return c, true, err
	}
	sigs := builtinFuncs[x.Name]
	if sigs == nil {
		if unsupportedFuncs[x.Name] {
			return nil, true, errorf(FeatureNotSupported, "poolsim does not support the function %s", x.Name).at(x.P)
		}
		if _, isType := typeNames[x.Name]; isType && len(args) == 1 {
			return nil, true, errorf(FeatureNotSupported, "poolsim does not support function-style casts").at(x.P)
		}
		return nil, false, nil
	}
	sig, ambiguous := resolveFunc(args, sigs)
	if sig == nil {
		if ambiguous {
			e := errorf("42725", "function %s(%s) is not unique", x.Name, argTypeList(args)).at(x.P)
			e.Hint = "Could not choose a best candidate function. You might need to add explicit type casts."
			return nil, true, e
		}
		return nil, false, nil
	}
	conv := make([]*cexpr, len(args))
	c.pure = !sig.stable
	for i, a := range args {
		if conv[i], err = sc.coerce(a, sig.args[i], castImplicit); err != nil {
			return nil, true, err
		}
		c.pure = c.pure && conv[i].pure
	}
	c.typ = sig.ret
	impl := sig.impl
	c.eval = func(en *env) (Value, error) {
		vals := make([]Value, len(conv))
		for i, a := range conv {
			v, err := a.eval(en)
			if err != nil {
				return nil, err
			}
			if v == nil {
				return nil, nil
			}
			vals[i] = v
		}
		return impl(en.sess, vals)
	}
	return c, true, nil
}

// compileConcat is concat(VARIADIC "any"): the text of every argument that
// is not NULL, as its type's output function writes it.
func (sc *scope) compileConcat(c *cexpr, args []*cexpr) (*cexpr, *Error) {
	for _, a := range args {
		if a.param > 0 && a.typ == Unknown {
			return nil, errorf("42P18", "could not determine data type of parameter $%d", a.param)
		}
	}
	c.typ = Text
	c.eval = func(en *env) (Value, error) {
		var out []byte
		for _, a := range args {
			v, err := a.eval(en)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			s, err := en.sess.formatText(a.typ, v)
			if err != nil {
				return nil, err
			}
			out = append(out, s.(string)...)
		}
		return string(out), nil
	}
	return c, nil
}

// resolveFunc picks the signature a call with args resolves to, as
// func_get_detail and func_select_candidate do: an exact match, else the
// one candidate the arguments convert to implicitly, else the candidates
// with the most exact matches, then the most preferred types where
// conversion is needed, then those whose categories suit the unknown
// arguments, then, when the known arguments share one type, the one that
// takes the unknowns as that type. ambiguous reports that candidates
// remained but none could be chosen.
func resolveFunc(args []*cexpr, sigs []funcSig) (sig *funcSig, ambiguous bool) {
	in := make([]Type, len(args))
	for i, a := range args {
		in[i] = a.typ
	}
	accepts := func(s *funcSig, types []Type) bool {
		if len(s.args) != len(types) {
			return false
		}
		for i, t := range types {
			if !implicitly(t, s.args[i]) {
				return false
			}
		}
		return true
	}
	var cands []*funcSig
	for i := range sigs {
		s := &sigs[i]
		if accepts(s, in) {
			cands = append(cands, s)
		}
	}
	for _, s := range cands {
		if equalTypes(s.args, in) {
			return s, false
		}
	}
	switch len(cands) {
	case 0:
		return nil, false
	case 1:
		return cands[0], false
	}
	cands = keepMost(cands, func(s *funcSig) int {
		n := 0
		for i, t := range in {
			if t != Unknown && s.args[i] == t {
				n++
			}
		}
		return n
	})
	if len(cands) == 1 {
		return cands[0], false
	}
	cands = keepMost(cands, func(s *funcSig) int {
		n := 0
		for i, t := range in {
			if t == Unknown {
				continue
			}
			cat, _ := typeCategory(t)
			scat, spref := typeCategory(s.args[i])
			if s.args[i] == t || spref && scat == cat {
				n++
			}
		}
		return n
	})
	if len(cands) == 1 {
		return cands[0], false
	}
	if kept := byUnknownCategories(cands, in); kept != nil {
		if len(kept) == 1 {
			return kept[0], false
		}
		cands = kept
	}
	known := Unknown
	for _, t := range in {
		switch {
		case t == Unknown:
		case known == Unknown:
			known = t
		case known != t:
			return nil, true
		}
	}
	if known != Unknown {
		assumed := make([]Type, len(in))
		for i := range in {
			assumed[i] = known
		}
		var match *funcSig
		n := 0
		for _, s := range cands {
			if accepts(s, assumed) {
				match, n = s, n+1
			}
		}
		if n == 1 {
			return match, false
		}
	}
	return nil, true
}

// byUnknownCategories keeps the candidates whose types at the unknown
// arguments are in the category those positions resolve to (string if
// any candidate takes a string there, else the one category all take),
// and preferred types where any candidate takes one. It returns nil when a
// position cannot be resolved or no candidate is kept.
func byUnknownCategories(cands []*funcSig, in []Type) []*funcSig {
	type slot struct {
		cat       byte
		preferred bool
	}
	slots := map[int]slot{} // lookup only
	for i, t := range in {
		if t != Unknown {
			continue
		}
		var sl slot
		conflict := false
		for k, s := range cands {
			cat, pref := typeCategory(s.args[i])
			switch {
			case k == 0:
				sl = slot{cat, pref}
			case cat == sl.cat:
				sl.preferred = sl.preferred || pref
			case cat == 'S':
				sl = slot{cat, pref}
			default:
				conflict = true
			}
		}
		if conflict && sl.cat != 'S' {
			return nil
		}
		slots[i] = sl
	}
	if len(slots) == 0 {
		return nil
	}
	var kept []*funcSig
	for _, s := range cands {
		keep := true
		for i, t := range in {
			if t != Unknown {
				continue
			}
			cat, pref := typeCategory(s.args[i])
			if cat != slots[i].cat || slots[i].preferred && !pref {
				keep = false
				break
			}
		}
		if keep {
			kept = append(kept, s)
		}
	}
	return kept
}

// keepMost keeps the candidates with the highest score.
func keepMost(cands []*funcSig, score func(*funcSig) int) []*funcSig {
	best := -1
	var out []*funcSig
	for _, s := range cands {
		switch n := score(s); {
		case n > best:
			best, out = n, []*funcSig{s}
		case n == best:
			out = append(out, s)
		}
	}
	return out
}

func equalTypes(a, b []Type) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
