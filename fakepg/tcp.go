package fakepg

import (
	"errors"
	"net"
	"sync"
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
		go func() {
			defer wg.Done()
			defer c.Close()
			s.ServeConn(c)
		}()
	}
}
