package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration as configuration files write it: Go's
// duration text ("30s", "250us", "1m30s"), or a bare number of seconds as
// Gunicorn's and SQLAlchemy's Python settings take it (timeout = 30,
// pool_recycle = 3600, pool_timeout = 0.5). A negative number (-1) is
// SQLAlchemy's "disabled".
//
// It is a struct, not an integer type, so that a TOML integer reaches
// UnmarshalText as seconds rather than being taken as nanoseconds.
type Duration struct{ d time.Duration }

// Dur returns d as a Duration.
func Dur(d time.Duration) Duration { return Duration{d} }

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return d.d }

// String returns Go's text for the duration.
func (d Duration) String() string { return d.d.String() }

// MarshalText returns Go's text for the duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads Go's duration text or a number of seconds.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
		*d = Duration{time.Duration(f * float64(time.Second))}
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q (want Go's duration text such as \"30s\" or \"250us\", or a number of seconds)", s)
	}
	*d = Duration{v}
	return nil
}
