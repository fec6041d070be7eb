package determinism

import (
	"go/ast"
	"go/types"
)

// clockFuncs are the functions of package time that read the real clock or
// wait on it.
var clockFuncs = map[string]bool{
	"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true,
	"AfterFunc": true, "NewTimer": true, "NewTicker": true, "Tick": true,
}

// randPackages are the packages with a global random generator.
var randPackages = map[string]bool{"math/rand": true, "math/rand/v2": true}

// seededConstructors are the functions of the rand packages that build a
// generator from a seed or from another generator, and draw nothing from
// the global one.
var seededConstructors = map[string]bool{
	"New": true, "NewSource": true, "NewPCG": true, "NewChaCha8": true, "NewZipf": true,
}

// ident reports a use (a call or a function value) of a real-clock function
// of package time or of a top-level function of a rand package.
func (c *fileCheck) ident(id *ast.Ident) {
	fn, ok := c.pass.TypesInfo.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Signature().Recv() != nil {
		return // methods, such as time.Time.After and rand.Rand.Intn, are fine
	}
	path := fn.Pkg().Path()
	switch {
	case path == "time" && clockFuncs[fn.Name()]:
		c.report(id.Pos(), ruleTime, "time."+fn.Name())
	case randPackages[path] && !seededConstructors[fn.Name()]:
		c.report(id.Pos(), ruleRand, "rand."+fn.Name()+" uses "+path+"'s global generator")
	}
}
