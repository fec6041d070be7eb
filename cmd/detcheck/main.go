// Command detcheck runs the determinism analyzer over packages whose code runs
// under poolsim's simulator:
//
//	go run ./cmd/detcheck ./sim/... ./fakepg/...
//
// It exits non-zero when it reports a finding. See package
// analysis/determinism for the rules and the allow-comment syntax.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/poolsim/poolsim/analysis/determinism"
)

func main() { singlechecker.Main(determinism.Analyzer) }
