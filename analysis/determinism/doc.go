// Package determinism checks the rules that keep code under poolsim's
// simulator deterministic.
//
// Code that runs under the simulator must let the world's strategy make every
// choice: which task runs next, when time passes, how a random draw falls,
// in which order a collection is visited. The analyzer reports each construct
// that makes such a choice behind the strategy's back, by rule:
//
//   - go: go statements (start tasks with World.Go or Process.Go).
//   - chan: channel sends, receives, select statements, range over a channel,
//     make(chan ...) and close of a channel (block on sim.Mutex and sim.Cond).
//   - sync: imports of sync and sync/atomic.
//   - time: time.Now, Since, Until, Sleep, After, AfterFunc, NewTimer,
//     NewTicker and Tick (use the world's virtual clock).
//   - rand: the top-level functions of math/rand and math/rand/v2, which draw
//     from the global generator; constructing a seeded generator (rand.New,
//     NewSource, NewPCG, NewChaCha8, NewZipf) is allowed.
//   - maprange: range over a value whose type is a map (named map types
//     included), or directly over maps.Keys, maps.Values or maps.All.
//
// A construct on a path that never runs under the simulator (serving real
// TCP, the real-time runtime), or whose order cannot matter, is allowed by a
// comment naming the rule and saying why:
//
//	//poolsim:allow go -- serves real TCP; never runs under the simulator
//	go s.serveConn(c)
//
// The comment covers its own line; on a line of its own it also covers the
// line after its comment block. An allow comment without a justification,
// with an unknown rule, or with nothing to allow is itself reported. Test files
// (_test.go) are not checked.
package determinism
