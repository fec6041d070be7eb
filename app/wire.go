package app

import (
	"encoding/binary"
	"errors"
	"io"

	"github.com/poolsim/poolsim/sim"
)

// Application messages (an HTTP request and its response, a Celery task
// message and its result) travel between simulated processes as frames:
// a 4-byte big-endian length, then the body, written in one write.

// maxFrame bounds a frame's body.
const maxFrame = 1 << 20

// errFrame reports a frame whose length word is out of range.
var errFrame = errors.New("bad frame length")

// writeFrame sends body as one frame.
func writeFrame(c *sim.Conn, body []byte) error {
	b := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(b, uint32(len(body)))
	copy(b[4:], body)
	_, err := c.Write(b)
	return err
}

// readFrame reads one frame's body.
func readFrame(c *sim.Conn) ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(h[:])
	if n > maxFrame {
		return nil, errFrame
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		return nil, err
	}
	return b, nil
}
