package review

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// shortNames abbreviates the properties for the table's columns.
var shortNames = map[string]string{
	"protocol interleaving": "interleave",
	"reply routing":         "routing",
	"linearizability":       "linear",
	"transaction mixing":    "txn-mix",
	"connection budget":     "budget",
	"leaked sessions":       "leaks",
	"hung tasks":            "hangs",
	"session-state leak":    "state",
	"symptom texts":         "symptoms",
}

func short(p string) string {
	if s, ok := shortNames[p]; ok {
		return s
	}
	return p
}

// mark is a standing in one cell of the table.
func mark(status string) string {
	switch status {
	case Unsafe:
		return "UNSAFE"
	case Safe:
		return "safe"
	case Sampled:
		return "ok"
	}
	return "?"
}

// columns are the properties of the rows, in the first row's order.
func columns(rows []Row) []string {
	var out []string
	for _, r := range rows {
		for _, p := range r.Properties {
			if !slices.Contains(out, p.Property) {
				out = append(out, p.Property)
			}
		}
	}
	return out
}

func cell(r Row, prop string) string {
	for _, p := range r.Properties {
		if p.Property == prop {
			return mark(p.Status)
		}
	}
	return "-"
}

// WriteTable writes the review for a terminal: one line per design with
// a column per property, then per design the size each verdict holds at,
// the replay command, symptoms, connections and latencies.
func WriteTable(w io.Writer, rows []Row) error {
	cols := columns(rows)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "DESIGN\tVERDICT")
	for _, c := range cols {
		fmt.Fprintf(tw, "\t%s", short(c))
	}
	fmt.Fprint(tw, "\tPEAK\tp50\tp99\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s", r.Design, r.Verdict)
		for _, c := range cols {
			fmt.Fprintf(tw, "\t%s", cell(r, c))
		}
		fmt.Fprintf(tw, "\t%d/%d\t%v\t%v\n", r.Peak, r.Limit, r.P50, r.P99)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\n(ok: no violation in the sampled schedules; safe: none up to the bound; ? inconclusive)")
	for _, r := range rows {
		fmt.Fprintf(w, "\n%s: %s\n  %s\n", r.Design, r.Verdict, r.Summary)
		fmt.Fprintf(w, "  sampled: %d schedules at %s\n", r.Runs, r.Size)
		if r.Proof != "" {
			fmt.Fprintf(w, "  verified: %s\n", r.Proof)
		}
		for _, p := range r.Properties {
			if p.Status == Unsafe || p.Status == Inconclusive {
				fmt.Fprintf(w, "  %s %s: %s\n", p.Property, p.Status, p.Detail)
			}
		}
		if r.Replay != "" {
			fmt.Fprintf(w, "  replay: %s\n", r.Replay)
		}
		for _, t := range sortedKeys(r.Symptoms) {
			fmt.Fprintf(w, "  symptom %q: %d\n", t, r.Symptoms[t])
		}
		if r.MissBound != "" {
			fmt.Fprintf(w, "  PCT: %s\n", r.MissBound)
		}
	}
	return nil
}

// WriteMarkdown writes the review as a Markdown table for a design
// document, followed by the counterexamples.
func WriteMarkdown(w io.Writer, rows []Row) error {
	cols := columns(rows)
	fmt.Fprint(w, "| design | verdict |")
	for _, c := range cols {
		fmt.Fprintf(w, " %s |", c)
	}
	fmt.Fprint(w, " peak connections | p50 | p99 |\n|---|---|")
	for range cols {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprint(w, "---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(w, "| `%s` | %s |", r.Design, r.Verdict)
		for _, c := range cols {
			fmt.Fprintf(w, " %s |", cell(r, c))
		}
		fmt.Fprintf(w, " %d of %d | %v | %v |\n", r.Peak, r.Limit, r.P50, r.P99)
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "- **%s** (%s): %s at %s", r.Design, r.Summary, r.Verdict, r.Size)
		if r.Proof != "" {
			fmt.Fprintf(w, "; %s", r.Proof)
		}
		if r.Replay != "" {
			fmt.Fprintf(w, "; replay: `%s`", r.Replay)
		}
		if ts := sortedKeys(r.Symptoms); len(ts) > 0 {
			fmt.Fprintf(w, "; symptoms: %s", strings.Join(ts, "; "))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// WriteJSON writes the rows as one JSON document.
func WriteJSON(w io.Writer, rows []Row) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Designs []Row `json:"designs"`
	}{rows})
}

func sortedKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
