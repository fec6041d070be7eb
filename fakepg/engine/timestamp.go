package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Timestamp is a timestamp with time zone: microseconds since 2000-01-01
// 00:00:00 UTC, PostgreSQL's own representation (and its binary format).
// The extremes are infinity and -infinity.
type Timestamp int64

// The infinite timestamps, as PostgreSQL represents them.
const (
	TimestampNegInfinity Timestamp = math.MinInt64
	TimestampInfinity    Timestamp = math.MaxInt64
)

// Timestamps are formatted and read in UTC with DateStyle ISO: the
// planner refuses statements involving timestamp with time zone under any
// other TimeZone or DateStyle (utcISO).

const (
	usPerSecond = int64(1_000_000)
	usPerDay    = 86400 * usPerSecond
	// postgresEpochJD is the Julian day of 2000-01-01.
	postgresEpochJD = 2451545
	// maxTimestampYear bounds the years this implementation reads and
	// prints (PostgreSQL's own limit is 294276).
	maxTimestampYear = 294276
)

// julianDay returns the Julian day number of a Gregorian date
// (PostgreSQL's date2j).
func julianDay(y, m, d int) int {
	if m > 2 {
		m++
		y += 4800
	} else {
		m += 13
		y += 4799
	}
	century := y / 100
	jd := y*365 - 32167
	jd += y/4 - century + century/4
	jd += 7834*m/256 + d
	return jd
}

// civilFromDays returns the date of a day count from 1970-01-01.
func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// appendTimestamp appends ts as PostgreSQL prints a timestamp with time
// zone in UTC with DateStyle ISO: 2024-01-02 03:04:05.5+00.
func appendTimestamp(dst []byte, ts Timestamp) []byte {
	switch ts {
	case TimestampInfinity:
		return append(dst, "infinity"...)
	case TimestampNegInfinity:
		return append(dst, "-infinity"...)
	}
	us := int64(ts)
	days := us / usPerDay
	rem := us % usPerDay
	if rem < 0 {
		rem += usPerDay
		days--
	}
	y, m, d := civilFromDays(int(days) + postgresEpochJD - 2440588)
	secs := rem / usPerSecond
	frac := rem % usPerSecond
	dst = fmt.Appendf(dst, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, secs/3600, secs/60%60, secs%60)
	if frac != 0 {
		f := fmt.Sprintf("%06d", frac)
		dst = append(append(dst, '.'), strings.TrimRight(f, "0")...)
	}
	return append(dst, "+00"...)
}

// parseTimestamp reads timestamp with time zone input in the ISO forms
// applications send: YYYY-MM-DD, optionally followed by T or spaces and
// HH:MM[:SS[.fraction]], optionally followed by a zone (Z, UTC, GMT,
// +HH, +HHMM, +HH:MM, +HH:MM:SS); and infinity, -infinity and epoch.
// A time without a zone is in the session's time zone, which is UTC (see
// utcISO). Other input PostgreSQL may accept is refused with 0A000.
func parseTimestamp(in string) (Value, error) {
	s := strings.ToLower(strings.TrimSpace(in))
	switch s {
	case "infinity", "+infinity":
		return TimestampInfinity, nil
	case "-infinity":
		return TimestampNegInfinity, nil
	case "epoch":
		return Timestamp(-946684800 * usPerSecond), nil
	}
	unsupported := func() error {
		return errorf(FeatureNotSupported, "poolsim does not support this timestamp with time zone input: \"%s\"", in)
	}
	outOfRange := func() error {
		return errorf("22008", "date/time field value out of range: \"%s\"", in)
	}
	r := &numReader{s: s}
	y, ok1 := r.digits(1, 6)
	ok2 := r.char('-')
	mo, ok3 := r.digits(1, 2)
	ok4 := r.char('-')
	d, ok5 := r.digits(1, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return nil, unsupported()
	}
	var hh, mi, ss int
	var fsec float64
	hasTime := false
	if r.char('t') || r.spaces() {
		r.spaces()
		if r.peekDigit() {
			hasTime = true
			var ok bool
			if hh, ok = r.digits(1, 2); !ok || !r.char(':') {
				return nil, unsupported()
			}
			if mi, ok = r.digits(1, 2); !ok {
				return nil, unsupported()
			}
			if r.char(':') {
				if ss, ok = r.digits(1, 2); !ok {
					return nil, unsupported()
				}
				if r.peek() == '.' {
					start := r.i
					r.i++
					for r.peekDigit() {
						r.i++
					}
					f, err := strconv.ParseFloat("0"+r.s[start:r.i], 64)
					if err != nil {
						return nil, unsupported()
					}
					fsec = f
				}
			}
		}
	}
	offset := int64(0) // seconds east of UTC
	r.spaces()
	switch {
	case r.i == len(r.s):
	case r.word("z"), r.word("utc"), r.word("gmt"), r.word("zulu"):
	case r.peek() == '+' || r.peek() == '-':
		if !hasTime {
			return nil, unsupported()
		}
		sign := int64(1)
		if r.peek() == '-' {
			sign = -1
		}
		r.i++
		start := r.i
		oh, ok := r.digits(1, 4)
		if !ok {
			return nil, unsupported()
		}
		om, os := 0, 0
		if r.i-start > 2 { // +HHMM
			oh, om = oh/100, oh%100
		} else if r.char(':') {
			if om, ok = r.digits(2, 2); !ok {
				return nil, unsupported()
			}
			if r.char(':') {
				if os, ok = r.digits(2, 2); !ok {
					return nil, unsupported()
				}
			}
		}
		if oh > 15 || om > 59 || os > 59 {
			return nil, errorf("22009", "time zone displacement out of range: \"%s\"", in)
		}
		offset = sign * int64(oh*3600+om*60+os)
	default:
		return nil, unsupported()
	}
	r.spaces()
	if r.i != len(r.s) {
		return nil, unsupported()
	}
	if y < 1 || y > maxTimestampYear {
		return nil, unsupported()
	}
	if mo < 1 || mo > 12 {
		e := outOfRange().(*Error)
		e.Hint = `Perhaps you need a different "datestyle" setting.`
		return nil, e
	}
	if d < 1 || d > daysIn(y, mo) || hh > 24 || mi > 59 || ss > 60 ||
		hh == 24 && (mi != 0 || ss != 0 || fsec != 0) {
		return nil, outOfRange()
	}
	us := int64(math.RoundToEven(fsec * 1e6))
	days := int64(julianDay(y, mo, d) - postgresEpochJD)
	t := days*usPerDay + (int64(hh)*3600+int64(mi)*60+int64(ss)-offset)*usPerSecond + us
	return Timestamp(t), nil
}

// numReader scans the fields of a date/time string.
type numReader struct {
	s string
	i int
}

func (r *numReader) peek() byte {
	if r.i < len(r.s) {
		return r.s[r.i]
	}
	return 0
}

func (r *numReader) peekDigit() bool { c := r.peek(); return '0' <= c && c <= '9' }

// digits reads min to max decimal digits.
func (r *numReader) digits(min, max int) (int, bool) {
	n, start := 0, r.i
	for r.i-start < max && r.peekDigit() {
		n = n*10 + int(r.s[r.i]-'0')
		r.i++
	}
	return n, r.i-start >= min
}

func (r *numReader) char(c byte) bool {
	if r.peek() == c {
		r.i++
		return true
	}
	return false
}

func (r *numReader) spaces() bool {
	start := r.i
	for r.peek() == ' ' {
		r.i++
	}
	return r.i > start
}

// word reads w if it ends the input or is followed by a space.
func (r *numReader) word(w string) bool {
	if !strings.HasPrefix(r.s[r.i:], w) {
		return false
	}
	end := r.i + len(w)
	if end < len(r.s) && r.s[end] != ' ' {
		return false
	}
	r.i = end
	return true
}
