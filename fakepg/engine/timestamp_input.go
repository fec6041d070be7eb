package engine

import (
	"strings"
	"time"
)

// timestamptz input. PostgreSQL's date/time parser (datetime.c) accepts a
// great many spellings; the engine reads the ISO 8601 forms clients send
// and the special words, with PostgreSQL's errors for out-of-range
// fields, and refuses every other spelling with 0A000 rather than guess:
//
//	YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][ ][zone][ BC|AD]
//	zone: Z, UTC, GMT, ±HH, ±HH:MM, ±HHMM, ±HH:MM:SS
//	epoch, infinity, -infinity, now, today, tomorrow, yesterday
//
// A time without a zone is local time in the session's TimeZone; a local
// time that a daylight-saving change skips or repeats is resolved as
// PostgreSQL resolves it (the offset before a spring-forward gap, the
// offset after a fall-back overlap).

// zoneCache holds the session's TimeZone, loaded once per value.
type zoneCache struct {
	name string
	loc  *time.Location
}

// location returns the session's TimeZone (UTC without a session).
func (s *Session) location() *time.Location {
	if s == nil {
		return time.UTC
	}
	name := s.gucs.vals["TimeZone"]
	if s.zone.loc == nil || s.zone.name != name {
		loc, err := time.LoadLocation(name)
		if err != nil {
			loc = time.UTC // SET has validated the name; UTC is its own
		}
		s.zone = zoneCache{name, loc}
	}
	return s.zone.loc
}

// transactionStart is now(): when the session's transaction started
// (the current time outside a transaction).
func (s *Session) transactionStart() Timestamp {
	if s.block == blockDefault {
		return TimestampOf(s.db.rt.Now())
	}
	return TimestampOf(s.xactStart)
}

func timestampSyntaxError(s string) *Error {
	return errorf("22007", "invalid input syntax for type timestamp with time zone: \"%s\"", s)
}

func timestampFieldError(s string) *Error {
	return errorf("22008", "date/time field value out of range: \"%s\"", s)
}

func unsupportedTimestamp(s string) *Error {
	return errorf(FeatureNotSupported, "poolsim does not support this timestamp with time zone input: \"%s\"", s)
}

// parseTimestamp is timestamptz_in for the forms listed above.
func (s *Session) parseTimestamp(in string) (Value, error) {
	str := strings.TrimFunc(in, func(r rune) bool { return r < 0x80 && isCSpace(byte(r)) })
	switch strings.ToLower(str) {
	case "epoch":
		return Timestamp(-pgEpochUnix * 1000000), nil
	case "infinity":
		return timestampInfinity, nil
	case "-infinity":
		return timestampNegInfinity, nil
	case "now":
		return s.transactionStart(), nil
	case "today", "tomorrow", "yesterday":
		loc := s.location()
		t := s.transactionStart().Time().In(loc)
		y, m, d := t.Date()
		d += map[string]int{"today": 0, "tomorrow": 1, "yesterday": -1}[strings.ToLower(str)]
		return s.localTimestamp(in, time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 0, loc)
	case "":
		return nil, timestampSyntaxError(in)
	}
	sc := &dateScanner{s: str}
	year, ok1 := sc.number(3, 9)
	ok2 := sc.char('-')
	month, ok3 := sc.number(1, 2)
	ok4 := sc.char('-')
	day, ok5 := sc.number(1, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return nil, unsupportedTimestamp(in)
	}
	hour, minute, sec, usec := 0, 0, 0, int64(0)
	if sc.char('T') || sc.spaces() && sc.digitNext() {
		var ok bool
		if hour, ok = sc.number(1, 2); !ok || !sc.char(':') {
			return nil, unsupportedTimestamp(in)
		}
		if minute, ok = sc.number(1, 2); !ok {
			return nil, unsupportedTimestamp(in)
		}
		if sc.char(':') {
			if sec, ok = sc.number(1, 2); !ok {
				return nil, unsupportedTimestamp(in)
			}
			if sc.char('.') {
				frac := sc.digits()
				if frac == "" {
					return nil, unsupportedTimestamp(in)
				}
				usec = fractionMicros(frac)
			}
		}
	}
	sc.spaces()
	offset, hasZone, zerr := sc.zone(in)
	if zerr != nil {
		return nil, zerr
	}
	sc.spaces()
	bc := false
	if rest := strings.ToUpper(sc.rest()); rest == "BC" || rest == "AD" {
		bc = rest == "BC"
		sc.i = len(sc.s)
	}
	if sc.i != len(sc.s) {
		return nil, unsupportedTimestamp(in)
	}
	if year == 0 {
		return nil, timestampFieldError(in)
	}
	if bc {
		year = 1 - year
	}
	if month < 1 || month > 12 {
		e := timestampFieldError(in)
		e.Hint = `Perhaps you need a different "datestyle" setting.`
		return nil, e
	}
	if day < 1 || day > daysIn(year, month) || hour > 24 || minute > 59 || sec > 60 ||
		hour == 24 && (minute != 0 || sec != 0 || usec != 0) {
		return nil, timestampFieldError(in)
	}
	// the wall clock as if it were UTC; second 60 and hour 24 roll over
	wall := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC).Unix()
	if !hasZone {
		return s.localTimestamp(in, wall, usec, s.location())
	}
	ts, ok := timestampFromUnix(wall-int64(offset), usec)
	if !ok {
		return nil, errorf("22008", "timestamp out of range: \"%s\"", in)
	}
	return ts, nil
}

// localTimestamp resolves a wall-clock time in loc (given as Unix seconds
// of the same wall clock in UTC) to an instant.
func (s *Session) localTimestamp(in string, wall, usec int64, loc *time.Location) (Value, error) {
	offsetAt := func(unix int64) int64 {
		_, off := time.Unix(unix, 0).In(loc).Zone()
		return int64(off)
	}
	before, after := offsetAt(wall-86400), offsetAt(wall+86400)
	unix := wall - before
	if before != after {
		// the offset after the change wherever it gives this wall clock
		// (also in an overlap, where both do); in a gap, where neither
		// does, the offset before it
		if offsetAt(wall-after) == after {
			unix = wall - after
		}
	}
	ts, ok := timestampFromUnix(unix, usec)
	if !ok {
		return nil, errorf("22008", "timestamp out of range: \"%s\"", in)
	}
	return ts, nil
}

// fractionMicros rounds a decimal fraction of a second to microseconds,
// halves to even as rint does.
func fractionMicros(digits string) int64 {
	for len(digits) < 7 {
		digits += "0"
	}
	micro := int64(0)
	for _, c := range digits[:6] {
		micro = micro*10 + int64(c-'0')
	}
	rest := digits[6:]
	switch {
	case rest[0] > '5', rest[0] == '5' && strings.Trim(rest[1:], "0") != "":
		micro++
	case rest[0] == '5' && micro%2 == 1:
		micro++
	}
	return micro
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dateScanner reads the fields of a date/time string.
type dateScanner struct {
	s string
	i int
}

func (sc *dateScanner) rest() string { return sc.s[sc.i:] }

func (sc *dateScanner) char(c byte) bool {
	if sc.i < len(sc.s) && sc.s[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

func (sc *dateScanner) digitNext() bool { return sc.i < len(sc.s) && isDigit(sc.s[sc.i]) }

func (sc *dateScanner) spaces() bool {
	start := sc.i
	for sc.i < len(sc.s) && isCSpace(sc.s[sc.i]) {
		sc.i++
	}
	return sc.i > start
}

func (sc *dateScanner) digits() string {
	start := sc.i
	for sc.i < len(sc.s) && isDigit(sc.s[sc.i]) {
		sc.i++
	}
	return sc.s[start:sc.i]
}

// number reads a number of minDigits to maxDigits digits.
func (sc *dateScanner) number(minDigits, maxDigits int) (int, bool) {
	d := sc.digits()
	if len(d) < minDigits || len(d) > maxDigits {
		return 0, false
	}
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	return n, true
}

// zone reads an optional zone: Z, UTC, GMT or a numeric offset. It returns
// the offset east of UTC in seconds.
func (sc *dateScanner) zone(in string) (int, bool, *Error) {
	rest := sc.rest()
	for _, name := range []string{"UTC", "GMT", "Z"} {
		if len(rest) >= len(name) && strings.EqualFold(rest[:len(name)], name) &&
			(len(rest) == len(name) || isCSpace(rest[len(name)])) {
			sc.i += len(name)
			return 0, true, nil
		}
	}
	if rest == "" || rest[0] != '+' && rest[0] != '-' {
		return 0, false, nil
	}
	sign := 1
	if rest[0] == '-' {
		sign = -1
	}
	sc.i++
	d := sc.digits()
	var h, m, s int
	switch {
	case len(d) == 1 || len(d) == 2:
		h = atoiDigits(d)
		if sc.char(':') {
			mm, ok := sc.number(2, 2)
			if !ok {
				return 0, false, unsupportedTimestamp(in)
			}
			m = mm
			if sc.char(':') {
				ss, ok := sc.number(2, 2)
				if !ok {
					return 0, false, unsupportedTimestamp(in)
				}
				s = ss
			}
		}
	case len(d) == 4:
		h, m = atoiDigits(d[:2]), atoiDigits(d[2:])
	default:
		return 0, false, unsupportedTimestamp(in)
	}
	if h > 15 || m > 59 || s > 59 {
		return 0, false, errorf("22009", "time zone displacement out of range: \"%s\"", in)
	}
	return sign * (h*3600 + m*60 + s), true, nil
}

func atoiDigits(d string) int {
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	return n
}
