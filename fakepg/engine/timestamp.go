package engine

import (
	"math"
	"strconv"
	"time"
)

// Timestamptz is the type timestamp with time zone.
var Timestamptz = Type{1184, "timestamp with time zone", 8}

// Timestamp is a timestamptz value as PostgreSQL keeps it: microseconds
// since 2000-01-01 00:00:00 UTC, with the largest and smallest int64
// standing for infinity and -infinity.
type Timestamp int64

const (
	timestampInfinity    = Timestamp(math.MaxInt64)
	timestampNegInfinity = Timestamp(math.MinInt64)
	// The finite range of timestamptz (MIN_TIMESTAMP, END_TIMESTAMP):
	// 4714-11-24 00:00:00 BC up to, not including, 294277-01-01.
	minTimestamp = Timestamp(-211813488000000000)
	endTimestamp = Timestamp(9223371331200000000)
	// pgEpochUnix is 2000-01-01 00:00:00 UTC in Unix seconds.
	pgEpochUnix = 946684800
)

// TimestampOf returns t as a timestamptz, truncated to microseconds.
func TimestampOf(t time.Time) Timestamp {
	return Timestamp((t.Unix()-pgEpochUnix)*1000000 + int64(t.Nanosecond()/1000))
}

// Time returns the instant a finite timestamp stands for.
func (ts Timestamp) Time() time.Time {
	sec := floorDiv64(int64(ts), 1000000)
	usec := int64(ts) - sec*1000000
	return time.Unix(sec+pgEpochUnix, usec*1000).UTC()
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// zonedTimestamp is a timestamptz on its way to the client, with the
// session's TimeZone it is shown in.
type zonedTimestamp struct {
	ts   Timestamp
	zone *time.Location
}

// appendTimestamp appends ts in the ISO output style of timestamptz_out,
// in zone (UTC if nil): "2024-01-01 12:00:00.5+00", "... BC" before year 1.
func appendTimestamp(dst []byte, ts Timestamp, zone *time.Location) []byte {
	switch ts {
	case timestampInfinity:
		return append(dst, "infinity"...)
	case timestampNegInfinity:
		return append(dst, "-infinity"...)
	}
	if zone == nil {
		zone = time.UTC
	}
	t := ts.Time().In(zone)
	year, month, day := t.Date()
	bc := year <= 0
	if bc {
		year = 1 - year
	}
	dst = appendPadded(dst, year, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, day, 2)
	dst = append(dst, ' ')
	dst = appendPadded(dst, t.Hour(), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, t.Minute(), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, t.Second(), 2)
	if usec := t.Nanosecond() / 1000; usec != 0 {
		frac := appendPadded(nil, usec, 6)
		for frac[len(frac)-1] == '0' {
			frac = frac[:len(frac)-1]
		}
		dst = append(append(dst, '.'), frac...)
	}
	_, off := t.Zone()
	dst = appendZoneOffset(dst, off)
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendZoneOffset appends a UTC offset as EncodeTimezone does: +hh, with
// :mm and :ss only when they are not zero.
func appendZoneOffset(dst []byte, off int) []byte {
	if off < 0 {
		dst = append(dst, '-')
		off = -off
	} else {
		dst = append(dst, '+')
	}
	dst = appendPadded(dst, off/3600, 2)
	if mins, secs := off/60%60, off%60; mins != 0 || secs != 0 {
		dst = append(dst, ':')
		dst = appendPadded(dst, mins, 2)
		if secs != 0 {
			dst = append(dst, ':')
			dst = appendPadded(dst, secs, 2)
		}
	}
	return dst
}

// appendPadded appends n in decimal with at least width digits.
func appendPadded(dst []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// timestampFromUTCSeconds builds a timestamp from Unix seconds and
// microseconds, or reports false outside timestamptz's range.
func timestampFromUnix(sec, usec int64) (Timestamp, bool) {
	// keep the multiplication in range: finite timestamps are within
	// ±300000 years of 2000
	const limit = 300000 * 366 * 86400
	s := sec - pgEpochUnix
	if s > limit || s < -limit {
		return 0, false
	}
	ts := Timestamp(s*1000000 + usec)
	if ts < minTimestamp || ts >= endTimestamp {
		return 0, false
	}
	return ts, true
}
