package review

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// Expectation is what a design is expected to be found: "unsafe", "safe"
// (no property violated and none inconclusive) or "inconclusive", and
// optionally exactly which properties it violates.
type Expectation struct {
	Verdict  string   `toml:"verdict"`
	Violates []string `toml:"violates"`
}

// Expectations are the expected verdicts per design, as a TOML file holds
// them:
//
//	[preload-touch-db]
//	verdict = "unsafe"
//	violates = ["protocol interleaving", "reply routing"]
//
//	[gthread-queuepool]
//	verdict = "safe"
type Expectations map[string]Expectation

// LoadExpectations reads an expectations file.
func LoadExpectations(path string) (Expectations, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ex Expectations
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ex); err != nil {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return nil, fmt.Errorf("%s: %s", path, line)
	}
	for name, e := range ex {
		switch e.Verdict {
		case "unsafe", "safe", "inconclusive":
		default:
			return nil, fmt.Errorf("%s: [%s] verdict %q: want unsafe, safe or inconclusive", path, name, e.Verdict)
		}
	}
	return ex, nil
}

// Found is what the row shows in an expectation's terms.
func Found(r Row) Expectation {
	e := Expectation{Verdict: "safe"}
	switch r.Verdict {
	case Unsafe:
		e.Verdict = "unsafe"
	case Inconclusive:
		e.Verdict = "inconclusive"
	}
	for _, p := range r.Properties {
		if p.Status == Unsafe {
			e.Violates = append(e.Violates, p.Property)
		}
	}
	return e
}

// Compare returns one line per design whose verdict differs from its
// expectation (or that has none), in the rows' order.
func (ex Expectations) Compare(rows []Row) []string {
	var out []string
	for _, r := range rows {
		e, ok := ex[r.Design]
		got := Found(r)
		if !ok {
			out = append(out, fmt.Sprintf("%s: no expectation; found %s", r.Design, describe(got)))
			continue
		}
		if e.Verdict != got.Verdict {
			out = append(out, fmt.Sprintf("%s: expected %s, found %s", r.Design, describe(e), describe(got)))
			continue
		}
		if e.Violates != nil && !sameSet(e.Violates, got.Violates) {
			out = append(out, fmt.Sprintf("%s: expected %s, found %s", r.Design, describe(e), describe(got)))
		}
	}
	return out
}

func describe(e Expectation) string {
	if len(e.Violates) == 0 {
		return e.Verdict
	}
	return e.Verdict + " (" + strings.Join(e.Violates, ", ") + ")"
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// WriteExpectations writes what the rows show as an expectations file.
func WriteExpectations(w io.Writer, rows []Row) error {
	fmt.Fprintln(w, "# Expected verdicts per design: simulate review --expect FILE exits 0 when every design")
	fmt.Fprintln(w, "# is found as stated here and 1 on any change. Written by simulate review --write-expect.")
	for _, r := range rows {
		f := Found(r)
		fmt.Fprintf(w, "\n[%s]\nverdict = %q\n", r.Design, f.Verdict)
		if len(f.Violates) > 0 {
			q := make([]string, len(f.Violates))
			for i, v := range f.Violates {
				q[i] = fmt.Sprintf("%q", v)
			}
			fmt.Fprintf(w, "violates = [%s]\n", strings.Join(q, ", "))
		}
	}
	return nil
}
