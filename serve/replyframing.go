package serve

import "encoding/binary"

// replyFraming follows the message boundaries of what a session wrote to
// its client, so that a shutdown sends its FATAL between two messages,
// never inside one. Before the startup packet the server writes one byte,
// "N", per SSLRequest or GSSENCRequest; everything after is typed
// messages (a type byte and a length word that counts itself).
type replyFraming struct {
	asked    int     // one-byte answers the client asked for
	answered int     // and those written
	hdr      [5]byte // the header of the message being written
	nhdr     int
	left     int  // body bytes of the message being written still to come
	ready    bool // the last whole message was ReadyForQuery
	lost     bool // the stream did not frame as expected: boundaries unknown

	key     [8]byte // BackendKeyData: pid and secret key
	nkey    int
	hasKey  bool
	inKeyed bool // the message being written is BackendKeyData
}

// expectSingles sets how many one-byte answers the client has asked for
// in all (the SSLRequests and GSSENCRequests read so far).
func (f *replyFraming) expectSingles(asked int) { f.asked = asked }

// write follows p, the next bytes written.
func (f *replyFraming) write(p []byte) {
	for len(p) > 0 && !f.lost {
		switch {
		case f.nhdr == 0 && f.left == 0 && f.answered < f.asked:
			if p[0] != 'N' {
				f.lost = true
				return
			}
			f.answered++
			p = p[1:]
		case f.nhdr < len(f.hdr):
			n := copy(f.hdr[f.nhdr:], p)
			f.nhdr += n
			p = p[n:]
			if f.nhdr == len(f.hdr) {
				length := int(int32(binary.BigEndian.Uint32(f.hdr[1:])))
				if length < 4 {
					f.lost = true
					return
				}
				f.left, f.ready, f.inKeyed, f.nkey = length-4, false, f.hdr[0] == 'K' && length == 12, 0
				f.end()
			}
		default:
			n := min(f.left, len(p))
			if f.inKeyed {
				f.nkey += copy(f.key[f.nkey:], p[:n])
			}
			f.left -= n
			p = p[n:]
			f.end()
		}
	}
}

// end closes the message being written once its body is complete.
func (f *replyFraming) end() {
	if f.left > 0 {
		return
	}
	f.nhdr = 0
	f.ready = f.hdr[0] == 'Z'
	if f.inKeyed && f.nkey == len(f.key) {
		f.hasKey = true
	}
	f.inKeyed = false
}

// idle reports whether the session's output ends with a whole
// ReadyForQuery: it has answered everything and is between messages.
func (f *replyFraming) idle() bool { return !f.lost && f.nhdr == 0 && f.left == 0 && f.ready }

// cancelKey returns the session's BackendKeyData, once written.
func (f *replyFraming) cancelKey() (pid, key uint32, ok bool) {
	if !f.hasKey {
		return 0, 0, false
	}
	return binary.BigEndian.Uint32(f.key[:4]), binary.BigEndian.Uint32(f.key[4:]), true
}
