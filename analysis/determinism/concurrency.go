package determinism

import (
	"fmt"
	"go/ast"
	"go/types"
	"strconv"
)

// syncPackages are the packages whose blocking the scheduler cannot see.
var syncPackages = map[string]bool{"sync": true, "sync/atomic": true}

// importSpec reports an import of sync or sync/atomic.
func (c *fileCheck) importSpec(spec *ast.ImportSpec) {
	path, err := strconv.Unquote(spec.Path.Value)
	if err == nil && syncPackages[path] {
		c.report(spec.Path.Pos(), ruleSync, fmt.Sprintf("import of %q", path))
	}
}

// selectStmt reports a select statement, once: the channel operations that
// head its cases are part of it and are not reported again.
func (c *fileCheck) selectStmt(sel *ast.SelectStmt) {
	c.report(sel.Select, ruleChan, "select statement")
	for _, clause := range sel.Body.List {
		switch comm := clause.(*ast.CommClause).Comm.(type) {
		case *ast.SendStmt:
			c.inCase[comm] = true
		case *ast.ExprStmt:
			c.inCase[ast.Unparen(comm.X)] = true
		case *ast.AssignStmt:
			c.inCase[ast.Unparen(comm.Rhs[0])] = true
		}
	}
}

// builtinCall reports make of a channel type and close of a channel.
func (c *fileCheck) builtinCall(call *ast.CallExpr) {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || len(call.Args) == 0 {
		return
	}
	b, ok := c.pass.TypesInfo.Uses[id].(*types.Builtin)
	if !ok || !isChan(c.pass.TypesInfo.TypeOf(call.Args[0])) {
		return
	}
	switch b.Name() {
	case "make":
		c.report(call.Pos(), ruleChan, "make(chan)")
	case "close":
		c.report(call.Pos(), ruleChan, "close of a channel")
	}
}

// isChan reports whether t is a channel type, or a type parameter whose
// types are channels.
func isChan(t types.Type) bool {
	return typeSetHas(t, func(u types.Type) bool {
		_, ok := u.(*types.Chan)
		return ok
	})
}
