package pqconn

import (
	"encoding/binary"

	"github.com/poolsim/poolsim/sim"
)

// cancelRequestCode is CANCEL_REQUEST_CODE: 1234 in the high half, 5678 in
// the low.
const cancelRequestCode = 1234<<16 | 5678

// Cancel is PQcancel: from the current task's process it opens a new
// socket to addr, sends a CancelRequest carrying key, waits for the
// server to close the connection (which says the request was processed)
// and closes its end. It returns "" on success, otherwise the text libpq
// leaves in PQcancel's error buffer, e.g. "PQcancel() -- connect() failed:
// Connection refused\n".
func Cancel(w *sim.World, addr string, key Key) string {
	c, err := w.Dial(addr)
	if err != nil {
		return "PQcancel() -- connect() failed: " + errnoText(err) + "\n"
	}
	defer c.Close()
	var pkt [16]byte
	binary.BigEndian.PutUint32(pkt[0:], 16)
	binary.BigEndian.PutUint32(pkt[4:], cancelRequestCode)
	binary.BigEndian.PutUint32(pkt[8:], uint32(key.PID))
	binary.BigEndian.PutUint32(pkt[12:], key.Secret)
	if _, err := c.Write(pkt[:]); err != nil {
		return "PQcancel() -- send() failed: " + errnoText(err) + "\n"
	}
	// libpq waits with one recv for the server to close the connection
	// and ignores what it returns.
	var buf [1]byte
	_, _ = c.Read(buf[:])
	return ""
}
