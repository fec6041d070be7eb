package diagnose

import (
	"fmt"
	"slices"
	"strings"
)

// String renders the report for a terminal: the templates matched with
// their decoded details, what the pids and timestamps say, the ranked
// candidates with their replay commands, the designs shown unable, the
// texts no design produces and the unknown texts.
func (r Report) String() string {
	var b strings.Builder
	ev := r.Evidence
	fmt.Fprintf(&b, "Evidence: %d error %s, %d %s matched, %d unknown\n", ev.Records, noun(ev.Records, "text", "texts"),
		len(ev.Matches), noun(len(ev.Matches), "template", "templates"), len(ev.Unknown))
	for _, m := range ev.Matches {
		part := ""
		if m.Partial == m.Count {
			part = " (quoted in part)"
		} else if m.Partial > 0 {
			part = fmt.Sprintf(" (%d quoted in part)", m.Partial)
		}
		fmt.Fprintf(&b, "  %3dx %-10s %s%s\n", m.Count, m.Source, oneLine(m.Template), part)
		for _, d := range m.Details {
			fmt.Fprintf(&b, "         %s\n", d)
		}
		fmt.Fprintf(&b, "         means: %s\n", m.Meaning)
		if len(m.Who) > 0 {
			fmt.Fprintf(&b, "         logged by: %s\n", strings.Join(m.Who, ", "))
		}
	}
	if len(ev.Notes) > 0 {
		b.WriteString("\nWhat the pids and timestamps say:\n")
		for _, n := range ev.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	if len(r.Templates) == 0 {
		b.WriteString("\nNo text matches a template poolsim knows: no design to rank.\n")
	} else {
		fmt.Fprintf(&b, "\nDesigns whose runs produce these texts (ranked by how many of the %d):\n", len(r.Templates))
		if len(r.Candidates) == 0 {
			b.WriteString("  none\n")
		}
		for i, c := range r.Candidates {
			fmt.Fprintf(&b, "  %d. %s: %d of %d  (%s)\n", i+1, c.Design, c.Score, c.Of, c.Summary)
			fmt.Fprintf(&b, "       runs:     %d at %s\n", c.Schedules, c.Size)
			for _, p := range c.Produces {
				fmt.Fprintf(&b, "       produces  %s  (%d %s)\n", oneLine(p.Template), p.Count, noun(p.Count, "text", "texts"))
			}
			for _, p := range c.Missing {
				how := p.How
				if p.Size != c.Size {
					how = p.String()
				}
				fmt.Fprintf(&b, "       not seen  %s: %s\n", oneLine(p.Template), how)
			}
			if c.Replay != "" {
				fmt.Fprintf(&b, "       replay:   %s\n", c.Replay)
			}
			if t := truth(c); t != "" {
				fmt.Fprintf(&b, "       ground truth: %s\n", t)
			}
		}
		if len(r.Unable) > 0 {
			b.WriteString("\nDesigns shown unable to produce any of them:\n")
			for _, c := range r.Unable {
				fmt.Fprintf(&b, "  %s  (%s)\n", c.Design, c.Summary)
				if how, ok := sameProof(c.Missing); ok {
					fmt.Fprintf(&b, "       none of the %d: %s\n", len(c.Missing), how)
					continue
				}
				for _, p := range c.Missing {
					fmt.Fprintf(&b, "       %s: %s\n", oneLine(p.Template), p.String())
				}
			}
		}
		b.WriteString("\nTexts no registered design produces:\n")
		if len(r.Unproduced) == 0 {
			b.WriteString("  none: every text is produced by at least one design\n")
		}
		for _, t := range r.Unproduced {
			fmt.Fprintf(&b, "  %s\n", oneLine(t))
		}
	}
	if len(ev.Unknown) > 0 {
		b.WriteString("\nTexts no template matches:\n")
		for _, u := range ev.Unknown {
			fmt.Fprintf(&b, "  %3dx %s\n", u.Count, u.Text)
		}
	}
	return b.String()
}

// sameProof returns the proofs' common rendering when they all read
// alike.
func sameProof(ps []Proof) (string, bool) {
	if len(ps) == 0 {
		return "", false
	}
	s := ps[0].String()
	for _, p := range ps[1:] {
		if p.String() != s {
			return "", false
		}
	}
	return s, true
}

// truth renders the properties a candidate's runs violated.
func truth(c Candidate) string {
	var parts []string
	for _, p := range sortedKeys(c.Violated) {
		parts = append(parts, fmt.Sprintf("%s violated in %d of %d runs", p, c.Violated[p], c.Schedules))
	}
	return strings.Join(parts, "; ")
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// oneLine renders a template's format on one line (libpq's "server
// closed the connection unexpectedly" spans three).
func oneLine(s string) string {
	return strings.NewReplacer("\n\t", " ", "\n", " ").Replace(s)
}

func noun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
