package diagnose

import (
	"slices"
	"strings"
)

// Report is the diagnosis of some evidence against the registered
// designs: which designs can produce the texts, ranked, which were shown
// unable to, and which texts no design produces.
type Report struct {
	// Evidence is what the texts and the log showed.
	Evidence *Evidence `json:"evidence"`
	// Templates are the evidence's templates, in template order.
	Templates []string `json:"templates"`
	// Candidates are the designs whose runs produced at least one of the
	// templates, best first: by how many of them each produced, then by
	// how often its runs showed them, then by name.
	Candidates []Candidate `json:"candidates"`
	// Unable are the designs that produced none of them, each with its
	// proofs, by name.
	Unable []Candidate `json:"unable"`
	// Unproduced are the templates no registered design produced, in
	// template order.
	Unproduced []string `json:"unproduced"`
}

// Candidate is one design judged against the evidence.
type Candidate struct {
	// Design, Summary and Size are the design's.
	Design  string `json:"design"`
	Summary string `json:"summary"`
	Size    string `json:"size"`
	// Score is how many of the evidence's templates the design produced,
	// of Of.
	Score int `json:"score"`
	Of    int `json:"of"`
	// Produces are the evidence's templates the design produced.
	Produces []Produced `json:"produces,omitempty"`
	// Missing are the evidence's templates it did not produce, each with
	// the proof it cannot (How "no runs" when there is none).
	Missing []Proof `json:"missing,omitempty"`
	// Replay is the command for the run that shows the most of the
	// evidence's templates.
	Replay string `json:"replay,omitempty"`
	// Violated are the properties its runs violated, with counts of runs,
	// of Schedules runs.
	Violated  map[string]int `json:"violated,omitempty"`
	Schedules int            `json:"schedules"`
	// Err is why the design could not be run.
	Err string `json:"error,omitempty"`
}

// Produced is one template a design produced.
type Produced struct {
	Template string `json:"template"`
	// Count is how many texts showed it in the design's runs; Example the
	// first; Replay the first run showing it.
	Count   int    `json:"count"`
	Example string `json:"example,omitempty"`
	Replay  string `json:"replay,omitempty"`
}

// Rank judges the designs against the evidence: a design is a candidate
// when its runs produced at least one of the evidence's templates, ranked
// by how many (ties broken by how often its runs showed them, then by
// name); the others are listed as unable, with the proofs they carry. A
// design that shares a connection without interleaving bytes (a Session
// or a cursor shared by threads) is judged like any other: only its runs
// decide.
func Rank(ev *Evidence, designs []Design) Report {
	rep := Report{Evidence: ev, Templates: ev.Templates()}
	produced := map[string]bool{} // lookup only
	for _, d := range designs {
		c := candidate(d, rep.Templates)
		for _, p := range c.Produces {
			produced[p.Template] = true
		}
		if c.Score > 0 {
			rep.Candidates = append(rep.Candidates, c)
		} else {
			rep.Unable = append(rep.Unable, c)
		}
	}
	slices.SortStableFunc(rep.Candidates, func(a, b Candidate) int {
		if a.Score != b.Score {
			return b.Score - a.Score
		}
		if na, nb := a.count(), b.count(); na != nb {
			return nb - na
		}
		return strings.Compare(a.Design, b.Design)
	})
	slices.SortStableFunc(rep.Unable, func(a, b Candidate) int { return strings.Compare(a.Design, b.Design) })
	for _, t := range rep.Templates {
		if !produced[t] {
			rep.Unproduced = append(rep.Unproduced, t)
		}
	}
	return rep
}

// count is how many texts of the evidence's templates the design's runs
// showed.
func (c Candidate) count() int {
	n := 0
	for _, p := range c.Produces {
		n += p.Count
	}
	return n
}

// candidate judges one design against the templates.
func candidate(d Design, templates []string) Candidate {
	c := Candidate{Design: d.Name, Summary: d.Summary, Size: d.Size, Of: len(templates), Violated: d.Violated,
		Schedules: d.Schedules, Err: d.Err}
	for _, t := range templates {
		if n := d.Produces[t]; n > 0 {
			p := Produced{Template: t, Count: n, Example: d.Examples[t]}
			for _, sh := range d.Shown {
				if slices.Contains(sh.Templates, t) {
					p.Replay = sh.Replay
					break
				}
			}
			c.Produces = append(c.Produces, p)
			c.Score++
			continue
		}
		if p := d.Proof(t); p != nil {
			c.Missing = append(c.Missing, *p)
		} else {
			how := "no runs"
			if d.Err != "" {
				how = "not run: " + d.Err
			}
			c.Missing = append(c.Missing, Proof{Template: t, Size: d.Size, How: how})
		}
	}
	// The run showing the most of the templates, the first among equals.
	best := -1
	for _, sh := range d.Shown {
		n := 0
		for _, t := range sh.Templates {
			if slices.Contains(templates, t) {
				n++
			}
		}
		if n > best && n > 0 {
			best, c.Replay = n, sh.Replay
		}
	}
	return c
}
