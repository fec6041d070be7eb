package model

import (
	"time"

	"github.com/anishathalye/porcupine"
)

// Result is a check's answer.
type Result string

// The answers.
const (
	// Ok: the history is linearizable.
	Ok Result = "ok"
	// Illegal: no linearization of some key's operations exists.
	Illegal Result = "illegal"
	// Unknown: the check timed out before it could tell; never read it
	// as Ok.
	Unknown Result = "unknown"
)

// Check judges ops for linearizability against the kv model, giving up
// after timeout (0 means no limit) with Unknown. The LinearizationInfo
// feeds WriteHTML. Check starts goroutines and a timer (porcupine's): call
// it after a simulated run, never inside one.
//
// When one key's operations are illegal but another key's check times out,
// porcupine answers Unknown.
func Check(ops []Op, timeout time.Duration) (Result, porcupine.LinearizationInfo) {
	res, info := porcupine.CheckOperationsVerbose(KV(), History(ops), timeout)
	switch res {
	case porcupine.Ok:
		return Ok, info
	case porcupine.Illegal:
		return Illegal, info
	}
	return Unknown, info
}
