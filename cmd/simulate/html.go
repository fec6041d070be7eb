package main

import (
	"os"

	"github.com/poolsim/poolsim/report"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/verdict"
)

// writeHTML writes the run's HTML report to path; schedule names the
// run's saved schedule, if any, for the replay command it shows.
func writeHTML(path string, r *scenario.Run, v verdict.Verdict, schedule string) error {
	return writeFile(path, func(f *os.File) error {
		return report.Write(f, r, v, report.Options{ScheduleFile: schedule})
	})
}
