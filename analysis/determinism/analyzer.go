package determinism

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Analyzer reports the constructs that make choices behind the simulator's
// strategy (go statements, channels, sync, the real clock, the global
// random generator, map iteration order) in code that runs under it, except
// where a justified //poolsim:allow comment allows them.
var Analyzer = &analysis.Analyzer{
	Name: "determinism",
	Doc: "report nondeterminism in code that runs under poolsim's simulator\n\n" +
		"Rejects go statements, channel operations, imports of sync and sync/atomic, " +
		"the real clock (time.Now, Sleep, timers), the global math/rand generators, and " +
		"range over maps. A line carrying //poolsim:allow <rule> -- <justification>, or " +
		"the line below such a comment, is allowed that rule; rules are go, chan, sync, " +
		"time, rand and maprange. Test files are not checked.",
	Run: run,
}

// run checks every non-test file of the package.
func run(pass *analysis.Pass) (any, error) {
	for _, f := range pass.Files {
		if strings.HasSuffix(pass.Fset.File(f.FileStart).Name(), "_test.go") {
			continue
		}
		checkFile(pass, f)
	}
	return nil, nil
}

// A fileCheck is the state of checking one file: its allowances, and the
// channel operations already reported as part of a select statement.
type fileCheck struct {
	pass    *analysis.Pass
	tf      *token.File
	allowed map[rule][]*allowance
	inCase  map[ast.Node]bool
}

// checkFile reports the findings of f that no allowance covers, then the
// allowances that covered nothing.
func checkFile(pass *analysis.Pass, f *ast.File) {
	c := &fileCheck{
		pass:    pass,
		tf:      pass.Fset.File(f.FileStart),
		allowed: allowances(pass, f),
		inCase:  make(map[ast.Node]bool),
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportSpec:
			c.importSpec(n)
		case *ast.GoStmt:
			c.report(n.Go, ruleGo, "go statement")
		case *ast.SelectStmt:
			c.selectStmt(n)
		case *ast.SendStmt:
			if !c.inCase[n] {
				c.report(n.Arrow, ruleChan, "channel send")
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && !c.inCase[n] {
				c.report(n.OpPos, ruleChan, "channel receive")
			}
		case *ast.RangeStmt:
			c.rangeStmt(n)
		case *ast.CallExpr:
			c.builtinCall(n)
		case *ast.Ident:
			c.ident(n)
		}
		return true
	})
	reportUnused(pass, c.allowed)
}

// report reports a finding of rule r at pos unless an allowance covers it.
func (c *fileCheck) report(pos token.Pos, r rule, what string) {
	if allows(c.allowed, r, c.tf.Line(pos)) {
		return
	}
	c.pass.Report(analysis.Diagnostic{Pos: pos, Category: string(r), Message: message(r, what)})
}
