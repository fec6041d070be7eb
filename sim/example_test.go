package sim_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolsim/poolsim/sim"
)

// A client and an echo server on the simulated network. The same seed gives
// the same run; the recorded schedule replays it without the seed.
func Example() {
	build := func(w *sim.World) *string {
		reply := new(string)
		ln, _ := w.Listen("db:5432")
		w.Go("server", func() {
			c, _ := ln.Accept()
			io.Copy(c, c)
		}).Daemon()
		w.Go("client", func() {
			c, _ := w.Dial("db:5432")
			c.Write([]byte("ping"))
			buf := make([]byte, 4)
			io.ReadFull(c, buf)
			*reply = string(buf)
		})
		return reply
	}

	w := sim.New(sim.Random(42))
	reply := build(w)
	fmt.Println(w.Run().Kind, *reply)

	var file strings.Builder
	w.Schedule().WriteTo(&file)
	schedule, _ := sim.ReadSchedule(strings.NewReader(file.String()))
	again := sim.New(sim.Replay(schedule))
	build(again)
	fmt.Println(again.Run().Kind, again.Trace().Hash() == w.Trace().Hash())
	// Output:
	// completed ping
	// completed true
}
