package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/poolsim/poolsim/sim"
)

// Level is a log line's severity, as Python's logging names it.
type Level uint8

// The levels.
const (
	Debug Level = iota
	Info
	Warning
	Error
	Critical
)

var levelNames = [...]string{Debug: "DEBUG", Info: "INFO", Warning: "WARNING", Error: "ERROR", Critical: "CRITICAL"}

// String returns the level's name, like "CRITICAL".
func (l Level) String() string { return levelNames[l] }

// PID is the process ID the application log gives a simulated process: a
// number fixed for the run (1000 plus the process's creation ordinal), as
// a real pid is; Process.Path names the process across schedules.
func PID(p *sim.Process) int { return 1000 + p.ID() }

// LogLine is one line of the application log.
type LogLine struct {
	// Time is the virtual time since the start of the run, Step the
	// world's step when the line was written.
	Time time.Duration
	Step int
	// PID is the logging process's pid (see PID), Process its path and
	// Task the logging task's path.
	PID     int
	Process string
	Task    string
	Level   Level
	// Text is the message; an exception's message may span lines.
	Text string
}

// String renders the line in Gunicorn's log format (glogging.py,
// "%(asctime)s [%(process)d] [%(levelname)s] %(message)s" with the date
// format "[%Y-%m-%d %H:%M:%S %z]"), with the virtual wall clock (sim.Epoch
// plus Time).
func (l LogLine) String() string {
	return fmt.Sprintf("%s [%d] [%s] %s", sim.Epoch.Add(l.Time).Format("[2006-01-02 15:04:05 -0700]"), l.PID, l.Level, l.Text)
}

// Log is the application log of a run: what Gunicorn, Celery and the
// application write to their error logs, in the order written. It is the
// observer's copy, not process memory: every process appends to the same
// log, as every process of a deployment writes to one log stream.
type Log struct {
	w     *sim.World
	Lines []LogLine
}

// NewLog returns an empty log of w.
func NewLog(w *sim.World) *Log { return &Log{w: w} }

// Printf appends a line from the current task.
func (l *Log) Printf(level Level, format string, args ...any) {
	t := l.w.Current()
	line := LogLine{Time: l.w.Elapsed(), Step: l.w.Step(), Level: level, Text: fmt.Sprintf(format, args...)}
	if t != nil {
		line.PID, line.Process, line.Task = PID(t.Process()), t.Process().Path(), t.Path()
	}
	l.Lines = append(l.Lines, line)
}

// PrintfFor appends a line on behalf of process p, such as the line a
// worker's signal handler writes as the arbiter kills it.
func (l *Log) PrintfFor(p *sim.Process, level Level, format string, args ...any) {
	l.Lines = append(l.Lines, LogLine{Time: l.w.Elapsed(), Step: l.w.Step(), PID: PID(p), Process: p.Path(), Level: level,
		Text: fmt.Sprintf(format, args...)})
}

// String renders every line, one per line.
func (l *Log) String() string {
	var b strings.Builder
	for _, line := range l.Lines {
		b.WriteString(line.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Grep returns the lines whose text contains s.
func (l *Log) Grep(s string) []LogLine {
	var out []LogLine
	for _, line := range l.Lines {
		if strings.Contains(line.Text, s) {
			out = append(out, line)
		}
	}
	return out
}
