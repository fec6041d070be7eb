// Package allowed holds constructs the analyzer accepts: justified allow
// comments, and the deterministic forms of each rule's construct.
package allowed

import (
	"sync" //poolsim:allow sync -- real-TCP path; never runs under the simulator
	"time"
)

var guard sync.Mutex

func serve() {}

// realTCP carries each rule's construct under an allow comment, on the
// construct's line or alone on the line above.
func realTCP(m map[string]int) (n int) {
	go serve() //poolsim:allow go -- serves real TCP; never runs under the simulator

	//poolsim:allow go -- serves real TCP; never runs under the simulator
	go serve()

	//poolsim:allow chan -- real-TCP path: hands a connection to its server
	// A second line of explanation belongs to the same comment block.
	ch := make(chan int, 1)
	ch <- 1 //poolsim:allow chan -- real-TCP path
	//poolsim:allow chan -- real-TCP path: the select and its cases
	select {
	case v := <-ch:
		n += v
	default:
	}
	start := time.Now() //poolsim:allow time -- real-TCP path: the wall clock
	//poolsim:allow time -- real-TCP path: the wall clock
	time.Sleep(time.Since(start))
	for _, v := range m { //poolsim:allow maprange -- a sum does not depend on order
		n += v
	}
	return n
}
