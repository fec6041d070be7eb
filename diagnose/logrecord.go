package diagnose

import (
	"bufio"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Record is one entry of a log: what its first line's prefix says (time,
// pid or process name, level) and its text, the lines that continue it (a
// traceback, SQLAlchemy's [SQL: ...]) included.
type Record struct {
	// Line is the line number of its first line (from 1).
	Line int `json:"line"`
	// Time is when it was logged; zero when the line has no timestamp.
	Time time.Time `json:"time,omitzero"`
	// PID is the logging process's pid (Gunicorn's "[1234]"), 0 if
	// unknown; Process the process's name where the log names it instead
	// (Celery's "ForkPoolWorker-1").
	PID     int    `json:"pid,omitempty"`
	Process string `json:"process,omitempty"`
	// Level is the level's name ("ERROR"), "" if the line has none.
	Level string `json:"level,omitempty"`
	// Text is the message without the prefix.
	Text string `json:"text"`
}

// Who names the record's process: "pid 1234", a process name, or "".
func (r Record) Who() string {
	switch {
	case r.PID != 0:
		return "pid " + strconv.Itoa(r.PID)
	case r.Process != "":
		return r.Process
	}
	return ""
}

// The log formats whose prefixes are understood.
var (
	// Gunicorn's error log: "[2024-05-01 12:00:01 +0000] [1234] [INFO] msg".
	gunicornLine = regexp.MustCompile(`^\[(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?: ?[+-]\d\d:?\d\d|Z)?)\] \[(\d+)\] \[([A-Z]+)\] ?(.*)$`)
	// Celery's worker log: "[2024-05-01 12:00:01,234: ERROR/ForkPoolWorker-1] msg".
	celeryLine = regexp.MustCompile(`^\[(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?): ([A-Z]+)/([^\]]+)\] ?(.*)$`)
	// Flask's default handler: "[2024-05-01 12:00:01,234] ERROR in app: msg".
	flaskLine = regexp.MustCompile(`^\[(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?)\] ([A-Z]+) in ([\w.]+): ?(.*)$`)
)

// prefixed decodes a line's log prefix; ok is false for a line without
// one.
func prefixed(line string) (r Record, ok bool) {
	if m := gunicornLine.FindStringSubmatch(line); m != nil {
		r.Time = parseTime(m[1])
		r.PID, _ = strconv.Atoi(m[2])
		r.Level, r.Text = m[3], m[4]
		return r, true
	}
	if m := celeryLine.FindStringSubmatch(line); m != nil {
		r.Time = parseTime(m[1])
		r.Level, r.Process, r.Text = m[2], m[3], m[4]
		return r, true
	}
	if m := flaskLine.FindStringSubmatch(line); m != nil {
		r.Time = parseTime(m[1])
		r.Level, r.Text = m[2], m[4]
		return r, true
	}
	return Record{}, false
}

// parseTime reads a log timestamp; a time without a zone is UTC. It
// returns the zero time for what it cannot read.
func parseTime(s string) time.Time {
	s = strings.Replace(s, ",", ".", 1)
	s = strings.Replace(s, "T", " ", 1)
	for _, layout := range []string{"2006-01-02 15:04:05.999999999 -0700", "2006-01-02 15:04:05.999999999 -07:00",
		"2006-01-02 15:04:05.999999999-0700", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// continues reports whether an unprefixed line continues the record
// before it, in a log without prefixes: a traceback's parts and
// SQLAlchemy's lines after a message.
func continues(line string) bool {
	if line == "" || line[0] == ' ' || line[0] == '\t' {
		return true
	}
	for _, p := range []string{"Traceback (most recent call last):", "During handling of the above exception",
		"The above exception was the direct cause", "[SQL: ", "[parameters: ", "(Background on this error at:"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// ReadLog splits a log into records. A line with a known prefix
// (Gunicorn's, Celery's, Flask's) starts a record and the unprefixed lines
// after it continue it; in a log without prefixes, each line starts a
// record unless it continues a traceback or an exception's message.
func ReadLog(r io.Reader) ([]Record, error) {
	br := bufio.NewReader(r)
	var out []Record
	var text []string
	cur := -1
	waiting := false  // inside a traceback, before its exception line
	finished := false // the record holds a traceback with its exception line
	chained := false  // the last line was "During handling ..." or "The above exception ..."
	flush := func() {
		if cur >= 0 {
			out[cur].Text = strings.TrimRight(strings.Join(text, "\n"), "\n")
		}
		text = nil
	}
	start := func(rec Record) {
		flush()
		out = append(out, rec)
		cur = len(out) - 1
		text = []string{rec.Text}
		waiting, finished, chained = false, false, false
	}
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if line == "" && err != nil {
			break
		}
		line = strings.TrimRight(line, "\r\n")
		traceback := strings.HasPrefix(line, "Traceback (most recent call last):")
		if rec, ok := prefixed(line); ok {
			rec.Line = n
			start(rec)
			line = rec.Text
			traceback = strings.HasPrefix(line, "Traceback (most recent call last):")
		} else {
			switch {
			case cur >= 0 && out[cur].Level != "":
				text = append(text, line) // a prefixed record takes every unprefixed line
			case cur >= 0 && traceback && (!finished || chained):
				text = append(text, line)
			case cur >= 0 && !traceback && (waiting || continues(line)):
				text = append(text, line)
			case strings.TrimSpace(line) == "":
				// a blank line between records
			default:
				start(Record{Line: n, Text: line})
			}
		}
		switch {
		case traceback:
			waiting, chained = true, false
		case strings.HasPrefix(line, "During handling of the above exception"),
			strings.HasPrefix(line, "The above exception was the direct cause"):
			chained = true
		case waiting && line != "" && line[0] != ' ':
			waiting, finished = false, true // the exception line
		}
		if err != nil {
			break
		}
	}
	flush()
	return out, nil
}
