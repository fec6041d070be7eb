package diagnose

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Process is one process a log names, with when it booted and the errors
// it logged that match a template.
type Process struct {
	// Who names it: "pid 1234" or a process name (Celery's
	// "ForkPoolWorker-1"); PID is its pid if known.
	Who string `json:"who"`
	PID int    `json:"pid,omitempty"`
	// Role is "master" (Gunicorn's arbiter), "worker", "replacement
	// worker" (booted after a worker exited), or "" when the log does not
	// say.
	Role string `json:"role,omitempty"`
	// Booted is when Gunicorn logged "Booting worker with pid: N".
	Booted time.Time `json:"booted,omitzero"`
	// Errors counts its error records that match a template; FirstError
	// is the time of the first.
	Errors     int       `json:"errors"`
	FirstError time.Time `json:"first_error,omitzero"`
}

// BootWindow is how soon after its boot a worker's first error counts as
// right after the boot; Together how close errors of several processes
// must be to count as at once.
const (
	BootWindow = 60 * time.Second
	Together   = time.Second
)

var (
	bootLine      = regexp.MustCompile(`Booting worker with pid: (\d+)`)
	listeningLine = regexp.MustCompile(`Listening at: \S+ \((\d+)\)`)
	exitLine      = regexp.MustCompile(`Worker exiting \(pid: ?\d+\)|Autorestarting worker after current request|WORKER TIMEOUT \(pid:\d+\)`)
)

// timeline reads the processes from the records and says what the
// template-matched errors' pids and timestamps suggest.
func timeline(all []Record, errs []errorRecord) ([]Process, []string) {
	var procs []Process
	find := func(who string, pid int) *Process {
		for i := range procs {
			if procs[i].Who == who {
				return &procs[i]
			}
		}
		procs = append(procs, Process{Who: who, PID: pid})
		return &procs[len(procs)-1]
	}
	exited, stamped := false, false
	for _, r := range all {
		stamped = stamped || !r.Time.IsZero() || r.Who() != ""
		if m := listeningLine.FindStringSubmatch(r.Text); m != nil {
			pid, _ := strconv.Atoi(m[1])
			find("pid "+m[1], pid).Role = "master"
		}
		if m := bootLine.FindStringSubmatch(r.Text); m != nil {
			pid, _ := strconv.Atoi(m[1])
			p := find("pid "+m[1], pid)
			p.Booted, p.Role = r.Time, "worker"
			if exited {
				p.Role = "replacement worker"
			}
		}
		if exitLine.MatchString(r.Text) {
			exited = true
		}
	}
	var matched []errorRecord
	for _, er := range errs {
		if len(er.hits) == 0 || er.rec.Who() == "" {
			continue
		}
		matched = append(matched, er)
		p := find(er.rec.Who(), er.rec.PID)
		p.Errors++
		if t := er.rec.Time; !t.IsZero() && (p.FirstError.IsZero() || t.Before(p.FirstError)) {
			p.FirstError = t
		}
	}
	if !stamped {
		return nil, []string{"the texts carry no pids or timestamps: nothing to say about which processes failed when"}
	}
	var notes []string
	var soon, again []string
	var erring []string
	for _, p := range procs {
		if p.Errors == 0 {
			continue
		}
		erring = append(erring, p.Who)
		if p.Booted.IsZero() || p.FirstError.IsZero() {
			continue
		}
		if d := p.FirstError.Sub(p.Booted); d >= 0 && d <= BootWindow {
			s := fmt.Sprintf("%s %s after it booted", p.Who, span(d))
			if p.Role == "replacement worker" {
				again = append(again, s)
			} else {
				soon = append(soon, s)
			}
		}
	}
	if len(soon) > 0 {
		notes = append(notes, "first errors right after boot ("+strings.Join(soon, "; ")+"): errors as soon as a worker "+
			"starts point to state inherited through fork, such as a connection the master opened before forking "+
			"(preload_app with a query at import) that the workers then share")
	}
	if len(again) > 0 {
		notes = append(notes, "replacement workers fail too ("+strings.Join(again, "; ")+"): each worker forked after "+
			"another exited (max_requests, a timeout) inherits the master's connections again")
	}
	for _, p := range procs {
		if p.Role == "master" && p.Errors > 0 {
			notes = append(notes, fmt.Sprintf("the master (%s) logged errors itself: it uses the database, so what it "+
				"holds when it forks is shared with its workers", p.Who))
		}
	}
	notes = append(notes, together(matched)...)
	if len(erring) == 1 {
		notes = append(notes, fmt.Sprintf("every matched error comes from one process (%s): threads of one process "+
			"sharing a connection (a Session, a cursor, a module-level connection) explain that as well as fork does", erring[0]))
	}
	return procs, notes
}

// together finds the moments when several processes logged matched
// errors within Together of each other.
func together(matched []errorRecord) []string {
	var timed []errorRecord
	for _, er := range matched {
		if !er.rec.Time.IsZero() {
			timed = append(timed, er)
		}
	}
	slices.SortStableFunc(timed, func(a, b errorRecord) int { return a.rec.Time.Compare(b.rec.Time) })
	var notes []string
	clusters := 0
	for i := 0; i < len(timed); {
		j := i + 1
		for j < len(timed) && timed[j].rec.Time.Sub(timed[j-1].rec.Time) <= Together {
			j++
		}
		var who []string
		for _, er := range timed[i:j] {
			addDistinct(&who, er.rec.Who(), 8)
		}
		if len(who) > 1 {
			clusters++
			if clusters <= 3 {
				within := "in the same second"
				if d := timed[j-1].rec.Time.Sub(timed[i].rec.Time); d > 0 {
					within = "within " + span(d) + " of each other"
				}
				notes = append(notes, fmt.Sprintf("at %s %s logged errors %s: several processes failing at once "+
					"fits one connection shared between them (each reads part of the other's reply)",
					timed[i].rec.Time.Format("2006-01-02 15:04:05"), and(who), within))
			}
		}
		i = j
	}
	if clusters > 3 {
		notes = append(notes, fmt.Sprintf("(%d more such moments)", clusters-3))
	}
	return notes
}

// and joins names as a sentence does: "a, b and c".
func and(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// span renders a duration for a note.
func span(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
