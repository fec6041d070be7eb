package diagnose

import (
	"io"
	"slices"
	"strings"
	"time"
)

// Evidence is what a set of error texts and a log show: the templates
// they match, with counts and decoded details, the texts no template
// matches, and what the pids and timestamps say.
type Evidence struct {
	// Records is the number of error texts examined: each text given and
	// each log record that is an error (an ERROR or CRITICAL line, an
	// exception, or a line matching a template).
	Records int `json:"records"`
	// Matches are the templates found, in template order.
	Matches []Match `json:"matches"`
	// Unknown are the error texts no template matches, in order of first
	// appearance.
	Unknown []Unknown `json:"unknown,omitempty"`
	// Processes are the processes the log names, in order of first
	// appearance; Notes what their pids and timestamps suggest.
	Processes []Process `json:"processes,omitempty"`
	Notes     []string  `json:"notes,omitempty"`
	// SQL are the distinct statements the texts show ([SQL: ...]).
	SQL []string `json:"sql,omitempty"`

	records []errorRecord
}

// Match is one template found in the evidence.
type Match struct {
	// Template is the template's Format; Source and Meaning are its.
	Template string `json:"template"`
	Source   string `json:"source"`
	Meaning  string `json:"meaning"`
	// Count is the number of texts or records showing it (once each);
	// Partial how many of them quote only part of it.
	Count   int `json:"count"`
	Partial int `json:"partial,omitempty"`
	// Details are the decoded values (a length word's bytes, a message
	// type's name, a result status), distinct, in order of appearance.
	Details []string `json:"details,omitempty"`
	// Examples are distinct exceptions that carried it, as one line each
	// (at most three); Classes their classes.
	Examples []string `json:"examples,omitempty"`
	Classes  []string `json:"classes,omitempty"`
	// Who are the processes that logged it; First and Last when.
	Who   []string  `json:"who,omitempty"`
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
}

// Unknown is an error text no template matches.
type Unknown struct {
	// Text is the exception on one line (or the text's first line).
	Text  string `json:"text"`
	Count int    `json:"count"`
}

// errorRecord is one examined text with what it matched.
type errorRecord struct {
	rec    Record
	raised []Raised
	hits   []hit
}

// Matched reports whether the evidence shows the template of format.
func (ev *Evidence) Matched(format string) *Match {
	for i := range ev.Matches {
		if ev.Matches[i].Template == format {
			return &ev.Matches[i]
		}
	}
	return nil
}

// Templates returns the formats of the templates found, in template
// order.
func (ev *Evidence) Templates() []string {
	var out []string
	for _, m := range ev.Matches {
		out = append(out, m.Template)
	}
	return out
}

// Parse examines error texts (each one error, which may span lines: a
// traceback, SQLAlchemy's wrapped form, a log line with its prefix) and a
// log (nil for none): it matches each against the templates poolsim
// knows, unwraps SQLAlchemy's and Celery's forms, decodes libpq's length
// words, lists what matches no template, and reads the log's pids and
// timestamps. The error is the log's read error.
func Parse(texts []string, log io.Reader) (*Evidence, error) {
	var recs []Record
	for _, t := range texts {
		t = strings.TrimRight(t, "\r\n")
		if strings.TrimSpace(t) == "" {
			continue
		}
		first, rest, _ := strings.Cut(t, "\n")
		rec, ok := prefixed(first)
		if !ok {
			rec = Record{Text: t}
		} else if rest != "" {
			rec.Text += "\n" + rest
		}
		rec.Level = orDefault(rec.Level, "ERROR") // a text given is an error
		recs = append(recs, rec)
	}
	all := recs
	if log != nil {
		logged, err := ReadLog(log)
		if err != nil {
			return nil, err
		}
		all = append(all, logged...)
	}
	ev := &Evidence{}
	for _, rec := range all {
		ev.examine(rec)
	}
	ev.summarise()
	ev.Processes, ev.Notes = timeline(all, ev.records)
	return ev, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// examine matches one record; records that are no error are left out.
func (ev *Evidence) examine(rec Record) {
	raised := Unwrap(rec.Text)
	er := errorRecord{rec: rec, raised: raised}
	for _, t := range table {
		var best *hit
		for _, r := range raised {
			if h, ok := t.match(r.Message); ok && (best == nil || best.partial && !h.partial) {
				best = &h
			}
		}
		if best != nil {
			er.hits = append(er.hits, *best)
		}
	}
	isError := len(er.hits) > 0 || rec.Level == "ERROR" || rec.Level == "CRITICAL" || rec.Level == "FATAL"
	for _, r := range raised {
		isError = isError || r.Class != "" && rec.Level == ""
	}
	if !isError {
		return
	}
	ev.Records++
	ev.records = append(ev.records, er)
	for _, r := range raised {
		if r.SQL != "" && !slices.Contains(ev.SQL, r.SQL) {
			ev.SQL = append(ev.SQL, r.SQL)
		}
	}
	if len(er.hits) == 0 {
		text := firstLine(rec.Text)
		if len(raised) > 0 {
			text = raised[len(raised)-1].String()
		}
		text = shorten(text, 200)
		for i := range ev.Unknown {
			if ev.Unknown[i].Text == text {
				ev.Unknown[i].Count++
				return
			}
		}
		ev.Unknown = append(ev.Unknown, Unknown{Text: text, Count: 1})
	}
}

// summarise counts the records' hits per template, with details decoded
// against every statement the evidence shows.
func (ev *Evidence) summarise() {
	for _, t := range table {
		var m *Match
		for _, er := range ev.records {
			for _, h := range er.hits {
				if h.template != t {
					continue
				}
				if m == nil {
					ev.Matches = append(ev.Matches, Match{Template: t.Format, Source: t.Source, Meaning: t.Meaning})
					m = &ev.Matches[len(ev.Matches)-1]
				}
				m.Count++
				if h.partial {
					m.Partial++
				}
				if t.explain != nil {
					for _, d := range t.explain(h, ev.SQL) {
						addDistinct(&m.Details, d, 8)
					}
				}
				for _, r := range er.raised {
					if _, ok := t.match(r.Message); ok {
						addDistinct(&m.Examples, shorten(r.String(), 200), 3)
						if r.Class != "" {
							addDistinct(&m.Classes, r.Class, 8)
						}
					}
				}
				if w := er.rec.Who(); w != "" {
					addDistinct(&m.Who, w, 16)
				}
				if ts := er.rec.Time; !ts.IsZero() {
					if m.First.IsZero() || ts.Before(m.First) {
						m.First = ts
					}
					if ts.After(m.Last) {
						m.Last = ts
					}
				}
			}
		}
	}
}

// addDistinct appends s to *list unless it is there or the list has max
// entries.
func addDistinct(list *[]string, s string, max int) {
	if len(*list) < max && !slices.Contains(*list, s) {
		*list = append(*list, s)
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// shorten cuts s to at most n bytes, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
