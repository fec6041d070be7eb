package pool

import "time"

// Stamp is a time.time() reading: the world's virtual time, and a
// sequence number that orders readings taken at the same virtual instant.
//
// SQLAlchemy decides whether a connection predates an invalidation by
// comparing time.time() readings (Pool._invalidate_time against
// _ConnectionRecord.starttime) and notes that this assumes measurable time
// passes between the two; in a real process it does. Virtual time stands
// still between scheduler steps, so a reading also takes the next value of
// a counter of its pool: two readings are never equal, and the later one
// is greater, as in CPython on a real clock.
type Stamp struct {
	// At is the virtual time elapsed since the run started.
	At time.Duration
	// Seq orders readings with the same At.
	Seq uint64
}

// After reports whether s is later than t.
func (s Stamp) After(t Stamp) bool {
	if s.At != t.At {
		return s.At > t.At
	}
	return s.Seq > t.Seq
}

// IsZero reports whether s is the zero reading (Python's 0 default).
func (s Stamp) IsZero() bool { return s == Stamp{} }

// now reads the pool's clock.
func (p *Pool) now() Stamp {
	p.seq++
	return Stamp{At: p.w.Elapsed(), Seq: p.seq}
}
