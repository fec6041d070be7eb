package report

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/verdict"
)

// The limits Options' zero fields stand for.
const (
	// DefaultMessagesPerSession is the number of messages of a session's
	// timeline always shown; beyond them only the messages around marked
	// ones are.
	DefaultMessagesPerSession = 400
	// DefaultSessions is the number of sessions without a mark shown
	// (sessions with a mark are always shown).
	DefaultSessions = 40
	// DefaultScheduleRows is the number of decisions the schedule table
	// shows.
	DefaultScheduleRows = 3000
)

// Options tune a report. The zero value is the default report.
type Options struct {
	// ScheduleFile is the path the run's schedule was saved to, for the
	// replay command; empty prints "simulate replay FILE" (the report
	// carries the schedule as a download either way).
	ScheduleFile string
	// MessagesPerSession, Sessions and ScheduleRows cap the timeline and
	// the schedule table (zero: the defaults; negative: no cap).
	MessagesPerSession int
	Sessions           int
	ScheduleRows       int
	// PorcupineTimeout bounds the linearizability check behind the
	// history view (zero: verdict.DefaultPorcupineTimeout).
	PorcupineTimeout time.Duration
}

// ErrNoEvents is returned for a run whose trace kept no events: the
// timeline needs the steps of the socket writes and reads
// (scenario.Options.KeepEvents).
var ErrNoEvents = errors.New("report: the run kept no trace events (run it with KeepEvents)")

// WriteHTML writes the report of run r, judged as v, to w with the
// default options. The run must have kept its events
// (scenario.Options.KeepEvents).
func WriteHTML(w io.Writer, r *scenario.Run, v verdict.Verdict) error {
	return Write(w, r, v, Options{})
}

// Write writes the report of run r, judged as v, to w.
func Write(w io.Writer, r *scenario.Run, v verdict.Verdict, opts Options) error {
	p, err := build(r, v, opts)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := pageTemplate.Execute(bw, p); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return bw.Flush()
}

//go:embed page.tmpl
var pageText string

//go:embed style.css
var styleText string

//go:embed script.js
var scriptText string

// pageTemplate renders a page.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"step":      stepText,
	"arrow":     arrow,
	"markClass": markClass,
}).Parse(pageText))

// stepText renders a step; -1 (unknown) as a dash.
func stepText(step int) string {
	if step < 0 {
		return "—"
	}
	return fmt.Sprint(step)
}

// arrow renders a row's direction.
func arrow(dir string) string {
	switch dir {
	case dirFrontend:
		return "client → server"
	case dirBackend:
		return "server → client"
	}
	return "client parse"
}

// markClass returns the class of a mark of kind: "misframed" or
// "interleaved".
func markClass(kind string) string {
	if kind == Misframed {
		return "misframed"
	}
	return "interleaved"
}

// page is everything the template shows.
type page struct {
	Title    string
	Verdict  verdictPart
	Sessions []*session
	// SessionCount is the number of server sessions; Omitted those not
	// shown; Unplaced the violations on no session shown.
	SessionCount, Omitted int
	Unplaced              []string
	PerSession            int
	History               history
	Schedule              schedule
	Style                 template.CSS
	Script                template.JS
}

// build gathers the page of run r.
func build(r *scenario.Run, v verdict.Verdict, opts Options) (*page, error) {
	limit := func(n, def int) int {
		if n == 0 {
			return def
		}
		return max(n, -1)
	}
	perSession := limit(opts.MessagesPerSession, DefaultMessagesPerSession)
	maxSessions := limit(opts.Sessions, DefaultSessions)
	p := &page{Title: fmt.Sprintf("poolsim: %s, seed %d", v.Scenario, v.Seed), PerSession: perSession,
		Style: template.CSS(styleText), Script: template.JS(scriptText)}
	tl := &timeline{pal: newPalette(), perSession: perSession,
		violations: interleavingViolations(v), anchors: map[string]string{}}
	if r.Err == nil {
		if len(r.World.Trace().Events()) == 0 {
			return nil, ErrNoEvents
		}
		tl.ix = properties.NewStreamStepsBoth(r.World.Trace(), r.Truth.Sessions)
		tl.run = runParts{truth: r.Truth, wires: r.Database.Sessions}
		tl.parses = groupParses(r.ClientTruth)
		p.sessions(tl, maxSessions)
		timeout := opts.PorcupineTimeout
		if timeout == 0 {
			timeout = verdict.DefaultPorcupineTimeout
		}
		h, err := buildHistory(r, timeout)
		if err != nil {
			return nil, err
		}
		p.History = h
		rows := limit(opts.ScheduleRows, DefaultScheduleRows)
		if p.Schedule, err = buildSchedule(r.Schedule(), rows, scheduleName(v), tl.pal); err != nil {
			return nil, err
		}
	}
	p.Verdict = buildVerdict(v, r.Scenario.Summary, opts.ScheduleFile, tl.anchors)
	return p, nil
}

// sessions builds the timeline of every session with a mark and of the
// first maxSessions others (all when maxSessions < 0).
func (p *page) sessions(tl *timeline, maxSessions int) {
	shown := map[string]bool{} // lookup only
	plain := 0
	for i, s := range tl.run.truth.Sessions {
		sv := tl.build(s, i+1)
		p.SessionCount++
		if sv.Marked == 0 && len(sv.Unplaced) == 0 {
			if maxSessions >= 0 && plain >= maxSessions {
				p.Omitted++
				continue
			}
			plain++
		}
		shown[sv.Name] = true
		p.Sessions = append(p.Sessions, sv)
	}
	for _, v := range tl.violations {
		if !shown[v.Session] {
			p.Unplaced = append(p.Unplaced, v.String())
		}
	}
}

// scheduleName is the file name the report's schedule downloads as.
func scheduleName(v verdict.Verdict) string {
	return fmt.Sprintf("%s-seed%d.schedule", v.Scenario, v.Seed)
}
