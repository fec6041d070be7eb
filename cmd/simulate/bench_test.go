package main

import (
	"io"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/poolsim/poolsim/explore"
	"github.com/poolsim/poolsim/scenario"
)

// BenchmarkExploreParallel measures explore's throughput with --parallel 1
// and --parallel 2 in the same run (runs/s, checks included), on the
// 2-process x 2-thread x 3-request scenario, with the command's collector
// setting: run it with -cpu 2 and compare the two (the target is 1.8x on
// two cores).
func BenchmarkExploreParallel(b *testing.B) {
	s, err := scenario.Lookup("gthread-queuepool")
	if err != nil {
		b.Fatal(err)
	}
	tg := explore.Target{Scenario: s, Seed: 1}
	e := &env{stdout: io.Discard, stderr: io.Discard}
	defer debug.SetGCPercent(tuneGC()) // as the command runs
	const runs = 128
	for _, p := range []int{1, 2} {
		b.Run("parallel="+strconv.Itoa(p), func(b *testing.B) {
			total := 0
			start := time.Now()
			for i := 0; b.Loop(); i++ {
				lo := 1 + uint64(i)*runs
				res, err := explorePieces(e, tg, explore.Config{Strategy: explore.Random, KeepGoing: true}, lo, lo+runs, time.Time{}, p, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				total += res.Runs
			}
			b.ReportMetric(float64(total)/time.Since(start).Seconds(), "runs/s")
		})
	}
}
