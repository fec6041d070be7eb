package main

import (
	"errors"

	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/verdict"
)

// writeHTML writes the run's HTML report.
func writeHTML(path string, r *scenario.Run, v verdict.Verdict) error {
	return errors.New("the HTML report is not available yet")
}
