package determinism_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/poolsim/poolsim/analysis/determinism"
)

// TestForbidden checks that each construct the rules forbid is reported,
// with the rule's remedy and how to allow it.
func TestForbidden(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), determinism.Analyzer, "forbidden")
}

// TestAllowed checks that justified allow comments, the deterministic forms
// of each construct, and test files produce no diagnostic.
func TestAllowed(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), determinism.Analyzer, "allowed")
}

// TestBadAllow checks that allow comments with an unknown rule, without a
// justification, or with nothing to allow are reported and allow nothing.
func TestBadAllow(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), determinism.Analyzer, "badallow")
}
