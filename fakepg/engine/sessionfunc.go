package engine

import (
	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// advisoryFunc describes one of PostgreSQL's advisory lock functions.
type advisoryFunc struct {
	mode   lockMask
	owner  int  // sessionHold or xactHold
	try    bool // returns false instead of waiting
	unlock bool
}

// advisoryFuncs are the advisory lock functions, each taking a bigint key
// or two integer keys.
var advisoryFuncs = map[string]advisoryFunc{ // lookup only
	"pg_advisory_lock":                 {mode: exclusiveMode, owner: sessionHold},
	"pg_advisory_lock_shared":          {mode: shareMode, owner: sessionHold},
	"pg_try_advisory_lock":             {mode: exclusiveMode, owner: sessionHold, try: true},
	"pg_try_advisory_lock_shared":      {mode: shareMode, owner: sessionHold, try: true},
	"pg_advisory_xact_lock":            {mode: exclusiveMode, owner: xactHold},
	"pg_advisory_xact_lock_shared":     {mode: shareMode, owner: xactHold},
	"pg_try_advisory_xact_lock":        {mode: exclusiveMode, owner: xactHold, try: true},
	"pg_try_advisory_xact_lock_shared": {mode: shareMode, owner: xactHold, try: true},
	"pg_advisory_unlock":               {mode: exclusiveMode, unlock: true},
	"pg_advisory_unlock_shared":        {mode: shareMode, unlock: true},
}

// volatileFunc reports whether calls of the function name must not be
// repeated or reordered: their effects (waiting, taking locks, advancing
// a sequence) or their results (the clock) are observable.
func volatileFunc(name string) bool {
	_, advisory := advisoryFuncs[name]
	switch name {
	case "pg_sleep", "pg_advisory_unlock_all", "nextval", "currval", "clock_timestamp":
		return true
	}
	return advisory
}

// compileSessionFunc compiles the functions of session state: the advisory
// lock functions and current_setting. It reports false when x is none of
// them with these argument types; c is the call's expression, to fill in.
func (sc *scope) compileSessionFunc(x *sqlparse.FuncCall, args []*cexpr, c *cexpr) (bool, *Error) {
	if f, ok := advisoryFuncs[x.Name]; ok {
		return sc.compileAdvisory(f, args, c)
	}
	switch {
	case x.Name == "pg_advisory_unlock_all" && len(args) == 0:
		c.typ = Void
		c.eval = func(en *env) (Value, error) {
			en.sess.db.releaseAdvisory(en.sess, sessionHold)
			return VoidValue{}, nil
		}
		return true, nil
	case x.Name == "current_setting" && (len(args) == 1 || len(args) == 2):
		name, err := sc.coerce(args[0], Text, castImplicit)
		if err != nil || name == nil {
			return false, err
		}
		var missingOK *cexpr
		if len(args) == 2 {
			if missingOK, err = sc.coerce(args[1], Bool, castImplicit); err != nil || missingOK == nil {
				return false, err
			}
		}
		c.typ = Text
		c.eval = func(en *env) (Value, error) {
			n, err := name.eval(en)
			if err != nil || n == nil {
				return nil, err
			}
			ok := false
			if missingOK != nil {
				v, err := missingOK.eval(en)
				if err != nil || v == nil {
					return nil, err
				}
				ok = v.(bool)
			}
			_, v, e := en.sess.gucs.show(n.(string))
			if e != nil {
				if ok {
					return nil, nil
				}
				return nil, e
			}
			return v, nil
		}
		return true, nil
	}
	return false, nil
}

// compileAdvisory compiles an advisory lock function call: one argument
// that converts implicitly to bigint, or two that convert to integer.
func (sc *scope) compileAdvisory(f advisoryFunc, args []*cexpr, c *cexpr) (bool, *Error) {
	keys := make([]*cexpr, len(args))
	to := Int8
	switch len(args) {
	case 1:
	case 2:
		to = Int4
	default:
		return false, nil
	}
	for i, a := range args {
		k, err := sc.coerce(a, to, castImplicit)
		if err != nil || k == nil {
			return false, err
		}
		keys[i] = k
	}
	c.typ = Void
	if f.try || f.unlock {
		c.typ = Bool
	}
	c.eval = func(en *env) (Value, error) {
		var key advisoryKey
		for i, k := range keys {
			v, err := k.eval(en)
			if err != nil || v == nil {
				return nil, err // strict: a NULL key locks nothing
			}
			n := v.(int64)
			switch {
			case len(keys) == 1:
				key = advisoryKey{hi: uint32(uint64(n) >> 32), lo: uint32(n), space: 1}
			case i == 0:
				key.hi, key.space = uint32(int32(n)), 2
			default:
				key.lo = uint32(int32(n))
			}
		}
		s := en.sess
		if f.unlock {
			ok, notice := s.db.unlockAdvisory(s, key, f.mode)
			if notice != nil {
				en.notice(notice)
			}
			return ok, nil
		}
		ok, err := s.db.lockAdvisory(s, key, f.mode, f.owner, !f.try)
		if err != nil {
			return nil, err
		}
		if ok && f.owner == xactHold && len(s.subs) > 0 {
			s.advisorySub = append(s.advisorySub, advisoryGrant{key, f.mode})
		}
		if f.try {
			return ok, nil
		}
		return VoidValue{}, nil
	}
	return true, nil
}

// callsVolatile reports whether a SELECT may call a volatile function:
// an expression of a kind this walker does not know counts as one.
func callsVolatile(st *sqlparse.SelectStmt) bool {
	var exprs []sqlparse.Expr
	for _, t := range st.Targets {
		exprs = append(exprs, t.Expr)
	}
	exprs = append(exprs, st.Where, st.Limit)
	for _, j := range st.Joins {
		exprs = append(exprs, j.On)
	}
	for _, o := range st.OrderBy {
		exprs = append(exprs, o.Expr)
	}
	for _, e := range exprs {
		if exprCallsVolatile(e) {
			return true
		}
	}
	return false
}

func exprCallsVolatile(e sqlparse.Expr) bool {
	switch x := e.(type) {
	case *sqlparse.FuncCall:
		if volatileFunc(x.Name) {
			return true
		}
		for _, a := range x.Args {
			if exprCallsVolatile(a) {
				return true
			}
		}
	case *sqlparse.BinaryExpr:
		return exprCallsVolatile(x.L) || exprCallsVolatile(x.R)
	case *sqlparse.UnaryExpr:
		return exprCallsVolatile(x.X)
	case *sqlparse.TypeCast:
		return exprCallsVolatile(x.X)
	case *sqlparse.IsNullExpr:
		return exprCallsVolatile(x.X)
	case *sqlparse.InExpr:
		for _, a := range x.List {
			if exprCallsVolatile(a) {
				return true
			}
		}
		return exprCallsVolatile(x.X)
	case nil, *sqlparse.Const, *sqlparse.Param, *sqlparse.ColumnRef:
		return false
	default:
		return true
	}
	return false
}
