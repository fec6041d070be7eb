package sim

import (
	"fmt"
	"io"
	"time"
)

// echoWorkload builds a multi-task network workload in w: a server process
// that accepts clients and echoes what they send, and clients in the main
// process that share a mutex-protected counter, sleep on the virtual clock,
// send framed messages and read the echoes back. It touches every kind of
// decision: task switches, read splits and timers due at one instant.
func echoWorkload(w *World, clients int) {
	server := w.NewProcess("server")
	var ln *Listener
	server.Go("listener", func() {
		var err error
		if ln, err = w.Listen("db:5432"); err != nil {
			panic(err)
		}
		for i := 0; ; i++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			server.Go(fmt.Sprintf("session%d", i), func() { echo(w, c) })
		}
	}).Daemon()
	mu := w.NewMutex("counter")
	counter := 0
	for i := range clients {
		w.Go(fmt.Sprintf("client%d", i), func() {
			w.Sleep(time.Duration(i%2) * time.Millisecond)
			var c *Conn
			for {
				var err error
				if c, err = w.Dial("db:5432"); err == nil {
					break
				}
				w.Sleep(time.Millisecond)
			}
			for j := range 3 {
				mu.Lock()
				counter++
				seq := counter
				mu.Unlock()
				msg := fmt.Sprintf("c%d-m%d-s%d", i, j, seq)
				// header and body as separate writes, like a client that
				// flushes a length prefix first
				c.Write([]byte{byte(len(msg))})
				c.Write([]byte(msg))
				reply := make([]byte, 1+len(msg))
				if _, err := io.ReadFull(c, reply); err != nil {
					panic(fmt.Sprintf("client %d: %v", i, err))
				}
				w.Note(string(reply[1:]))
			}
			c.Close()
		})
	}
}

// echo copies every byte a session receives back to its sender.
func echo(w *World, c *Conn) {
	buf := make([]byte, 64)
	for {
		n, err := c.Read(buf)
		if err != nil {
			c.Close()
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

// runEcho runs the echo workload under s and returns the world.
func runEcho(s Strategy, opts ...Option) (*World, Outcome) {
	w := New(s, opts...)
	echoWorkload(w, 3)
	return w, w.Run()
}
