package verify

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkVerify runs the searches of the issue with and without the
// reduction: the proof for the 2 x 2 QueuePool scenario at delay bounds 1
// and 2, and the search for preload_app without dispose up to its first
// counterexample. It reports the schedules run, the runs pruned, the
// distinct traces and the runs per second; time one search each with
//
//	go test ./verify -run '^$' -bench . -cpu 1 -benchtime 1x
func BenchmarkVerify(b *testing.B) {
	cases := []struct {
		name string
		p    Program
		cfg  Config
	}{
		{"queuepool-2x2/bound-1", ScenarioProgram(queuePool2x2(b), 1, nil), Config{Bound: 1}},
		{"queuepool-2x2/bound-2", ScenarioProgram(queuePool2x2(b), 1, nil), Config{Bound: 2}},
		{"preload-no-dispose/bound-2", ScenarioProgram(preloadNoDispose(b), 1, nil), Config{Bound: 2, StopAtViolation: true}},
	}
	for _, c := range cases {
		for _, reduce := range []bool{true, false} {
			mode := "plain"
			if reduce {
				mode = "reduced"
			}
			b.Run(fmt.Sprintf("%s/%s", c.name, mode), func(b *testing.B) {
				cfg := c.cfg
				cfg.Reduction = reduce
				var r Result
				start := time.Now()
				for range b.N {
					r = Search(c.p, cfg)
				}
				per := time.Since(start) / time.Duration(b.N)
				b.ReportMetric(float64(r.Schedules), "schedules")
				b.ReportMetric(float64(r.Pruned), "pruned")
				b.ReportMetric(float64(r.Classes), "traces")
				b.ReportMetric(float64(r.Schedules+r.Pruned)/per.Seconds(), "runs/s")
				b.Logf("%s [%v]", r.Statement(), per.Round(time.Millisecond))
			})
		}
	}
}
