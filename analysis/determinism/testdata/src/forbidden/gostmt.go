// Package forbidden holds one of each construct the analyzer rejects.
package forbidden

func work() {}

func startTask() {
	go work()   // want `^go statement: code under simulation must start tasks with sim \(World.Go / Process.Go\) \(to allow it: //poolsim:allow go -- <justification>\)$`
	go func() { // want `go statement`
		work()
	}()
}
