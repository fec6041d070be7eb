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

// readFrame reads one frame's body. A frame is written in one write, so
// one read usually returns all of it; the peers of these protocols never
// send a second frame before the first is answered, so a read never
// returns bytes past the frame.
func readFrame(c *sim.Conn) ([]byte, error) {
	buf := make([]byte, 64)
	got := 0
	for got < 4 {
		n, err := c.Read(buf[got:])
		got += n
		if err != nil {
			if err == io.EOF && got > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	n := int(binary.BigEndian.Uint32(buf))
	if n > maxFrame || got > 4+n {
		return nil, errFrame
	}
	if 4+n > len(buf) {
		buf = append(buf[:got], make([]byte, 4+n-got)...)
	}
	if _, err := io.ReadFull(c, buf[got:4+n]); err != nil {
		return nil, err
	}
	return buf[4 : 4+n], nil
}
