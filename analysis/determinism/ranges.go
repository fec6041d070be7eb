package determinism

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// mapIterators are the functions of package maps whose sequences follow map
// iteration order.
var mapIterators = map[string]bool{"Keys": true, "Values": true, "All": true}

// rangeStmt reports a range over a channel, over a map (by the ranged
// expression's type, so named map types too), and directly over a map
// iterator of package maps.
func (c *fileCheck) rangeStmt(rs *ast.RangeStmt) {
	t := c.pass.TypesInfo.TypeOf(rs.X)
	switch {
	case isChan(t):
		c.report(rs.For, ruleChan, "range over a channel")
	case isMap(t):
		c.report(rs.For, ruleMapRange, "range over "+c.describe(t))
	default:
		call, ok := ast.Unparen(rs.X).(*ast.CallExpr)
		if !ok {
			return
		}
		fn := typeutil.StaticCallee(c.pass.TypesInfo, call)
		if fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "maps" && mapIterators[fn.Name()] {
			c.report(rs.For, ruleMapRange, "range over maps."+fn.Name())
		}
	}
}

// describe names t for a diagnostic: its spelling, and for a named type
// also the map type underneath.
func (c *fileCheck) describe(t types.Type) string {
	qualify := types.RelativeTo(c.pass.Pkg)
	s := types.TypeString(t, qualify)
	if u := t.Underlying(); u != t {
		if _, isParam := t.(*types.TypeParam); !isParam {
			s += " (" + types.TypeString(u, qualify) + ")"
		}
	}
	return s
}

// isMap reports whether t is a map type, or a type parameter whose types
// are maps.
func isMap(t types.Type) bool {
	return typeSetHas(t, func(u types.Type) bool {
		_, ok := u.(*types.Map)
		return ok
	})
}

// typeSetHas reports whether a type t can stand for has an underlying type
// satisfying has: t's own for an ordinary type, a term of its constraint for
// a type parameter.
func typeSetHas(t types.Type, has func(types.Type) bool) bool {
	if t == nil {
		return false
	}
	if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
		return interfaceHas(tp.Constraint().Underlying().(*types.Interface), has)
	}
	return has(t.Underlying())
}

// interfaceHas reports whether a type term of the constraint iface, or of
// the constraints it embeds, has an underlying type satisfying has.
func interfaceHas(iface *types.Interface, has func(types.Type) bool) bool {
	for i := range iface.NumEmbeddeds() {
		switch e := iface.EmbeddedType(i).Underlying().(type) {
		case *types.Union:
			for j := range e.Len() {
				if has(e.Term(j).Type().Underlying()) {
					return true
				}
			}
		case *types.Interface:
			if interfaceHas(e, has) {
				return true
			}
		default:
			if has(e) {
				return true
			}
		}
	}
	return false
}
