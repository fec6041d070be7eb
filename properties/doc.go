// Package properties judges a finished simulated run from its ground
// truth: the server's record of every session and request
// (fakepg.Truth), the client's record of who parsed which reply bytes
// (fakepg.ClientTruth) and the world's trace. Each property is reported
// on its own, as held, violated (with the first offending offset or step)
// or inconclusive (with why), so that a design can be found free of one
// fault and guilty of another.
//
// The judges run after the simulation and take no scheduling decisions;
// they are deterministic all the same: they iterate slices in recorded
// order only.
package properties
