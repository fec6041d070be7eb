package diagnose

import (
	"fmt"
	"strings"

	"github.com/poolsim/poolsim/scenario"
)

// Design is what poolsim knows about one registered design (a scenario):
// which templates its runs produced, a command replaying a run that shows
// them, and the templates it was shown unable to produce.
type Design struct {
	// Name is the scenario's name (or its file for one of one's own);
	// Summary its one-line summary; Size the configuration its runs had
	// (see Size).
	Name    string `json:"name"`
	Summary string `json:"summary"`
	Size    string `json:"size"`
	// Schedules is the number of runs the evidence comes from.
	Schedules int `json:"schedules"`
	// Produces counts, per template Format, the texts showing it in the
	// runs (each operation's, request's and log line's error once).
	Produces map[string]int `json:"produces,omitempty"`
	// Replay is the command for the run that shows the most templates;
	// Shown lists every run that showed any, in the order run.
	Replay string  `json:"replay,omitempty"`
	Shown  []Shown `json:"shown,omitempty"`
	// Examples holds, per template, the first text that showed it.
	Examples map[string]string `json:"examples,omitempty"`
	// Unable are the templates shown unreachable for the design, each with
	// the size and the bound or sample it holds for.
	Unable []Proof `json:"unable,omitempty"`
	// Violated counts, per property of the verdict, the runs that
	// violated it: the ground truth behind the texts (protocol
	// interleaving, reply routing, ...).
	Violated map[string]int `json:"violated,omitempty"`
	// Err is why the design could not be run, if it could not.
	Err string `json:"error,omitempty"`
}

// Shown is one run that showed templates.
type Shown struct {
	// Replay is the command that replays the run.
	Replay string `json:"replay"`
	// Templates are the Formats it showed, in template order.
	Templates []string `json:"templates"`
}

// Proof says a design cannot produce a template, within a size and a
// bound: either sampled ("no occurrence in 16 schedules") or verified by a
// bounded exhaustive search ("verified up to delay bound 2").
type Proof struct {
	// Template is the template's Format.
	Template string `json:"template"`
	// Size is the configuration it holds for, like "2 workers x 2
	// threads (gthread), 2 clients x 3 requests".
	Size string `json:"size"`
	// How is the bound in words.
	How string `json:"how"`
	// Verified says a bounded exhaustive search established it (Bound is
	// then its bound); otherwise it is a sample of Schedules runs.
	Verified  bool `json:"verified,omitempty"`
	Bound     int  `json:"bound,omitempty"`
	Schedules int  `json:"schedules"`
}

// String renders the proof on one line.
func (p Proof) String() string { return p.How + " at " + p.Size }

// SampledProof is the proof that schedules runs at size never showed
// template; how says which runs ("seeds 1-8, splits writes and bytes"),
// or "" for none.
func SampledProof(template, size string, schedules int, how string) Proof {
	s := fmt.Sprintf("no occurrence in %d schedules", schedules)
	if how != "" {
		s += " (" + how + ")"
	}
	return Proof{Template: template, Size: size, How: s, Schedules: schedules}
}

// VerifiedProof is the proof from a bounded exhaustive search that
// covered schedules schedules up to the delay bound without showing
// template at size.
func VerifiedProof(template, size string, bound, schedules int) Proof {
	return Proof{Template: template, Size: size, Verified: true, Bound: bound, Schedules: schedules,
		How: fmt.Sprintf("verified up to delay bound %d (%d schedules)", bound, schedules)}
}

// Proof returns the design's proof for the template of format, nil if it
// has none. A verified proof is preferred to a sampled one.
func (d *Design) Proof(format string) *Proof {
	var best *Proof
	for i := range d.Unable {
		p := &d.Unable[i]
		if p.Template == format && (best == nil || p.Verified && !best.Verified) {
			best = p
		}
	}
	return best
}

// AddProof records p; a verified proof replaces the sampled ones of its
// template. A proof for a template the design's runs produced is not
// recorded: a run that shows the text outweighs any bound.
func (d *Design) AddProof(p Proof) {
	if d.Produces[p.Template] > 0 {
		return
	}
	if p.Verified {
		kept := d.Unable[:0]
		for _, q := range d.Unable {
			if q.Template != p.Template || q.Verified {
				kept = append(kept, q)
			}
		}
		d.Unable = kept
	}
	d.Unable = append(d.Unable, p)
}

// Size describes the configuration a scenario runs: its servers' workers,
// threads and processes and its workload, like "2 workers x 2 threads
// (gthread), 2 clients x 3 requests".
func Size(s *scenario.Scenario) string {
	var parts []string
	if g := s.Gunicorn; g != nil {
		w := plural(g.Workers, "worker")
		if cls := g.EffectiveWorkerClass(); cls == "gthread" {
			w += " x " + plural(g.Threads, "thread") + " (gthread)"
		} else {
			w += " (" + cls + ")"
		}
		parts = append(parts, w)
	}
	if c := s.Celery; c != nil {
		parts = append(parts, plural(c.Concurrency, "prefork process"))
	}
	if t := s.Threads; t != nil {
		parts = append(parts, plural(t.Threads, "thread")+" x "+plural(s.Workload.Requests, "request"))
	}
	if s.Gunicorn != nil || s.Celery != nil {
		parts = append(parts, plural(s.Workload.Clients, "client")+" x "+plural(s.Workload.Requests, "request"))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ReplayCommand is the command that replays the run of s with seed under
// split ("" for the scenario's own).
func ReplayCommand(s *scenario.Scenario, seed uint64, split string) string {
	flags := []string{"--seed", fmt.Sprint(seed)}
	if split != "" && split != s.Run.Split {
		flags = append(flags, "--split", split)
	}
	return s.Command("run", flags...)
}
