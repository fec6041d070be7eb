package fakepg

import (
	"errors"
	"log"
	"net"
	"runtime/debug"
	"sync" //poolsim:allow sync -- serves real TCP; never runs under the simulator
)

// Serve accepts connections on ln and runs a session for each in its own
// goroutine, until ln is closed; it then waits for the sessions to end and
// returns nil. The server must have been created with engine.RealRuntime.
func (s *Server) Serve(ln net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		wg.Add(1)
		//poolsim:allow go -- serves real TCP: one goroutine per accepted connection
		go func() {
			defer wg.Done()
			defer c.Close()
			defer func() {
				// a bug in one session must not take the server down; the
				// client sees its connection close, as when a backend dies
				if r := recover(); r != nil {
					log.Printf("fakepg: session panicked: %v\n%s", r, debug.Stack())
				}
			}()
			s.ServeConn(c)
		}()
	}
}
