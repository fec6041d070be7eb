package properties

import "flag"

// Deep raises the budgets of the package's exploring tests: the runs an
// explorer may spend on an unsafe scenario, and the schedules rapid draws
// for a safe one (then -rapid.checks, default 100, instead of a few).
//
//	go test ./properties -deep
var Deep = flag.Bool("deep", false, "raise the exploration budgets of the scenario property tests")
