package report

import (
	"fmt"
	"strings"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/properties"
)

// place puts the protocol-interleaving violations of the session named
// name (s) on the rows of its messages: a mixed message or a request sent
// while another's was outstanding on the frontend message holding the
// violation's offset, a reply taken by another task on the backend
// message holding it. A violation whose kind the ground truth marked
// already replaces that mark's label with its own words and step. It
// returns the violations no row holds.
func (tl *timeline) place(s *fakepg.SessionTruth, name string, rows []*row) []string {
	var unplaced []string
	for _, v := range tl.violations {
		if v.Session != name {
			continue
		}
		dir := dirFrontend
		if v.Kind == properties.ReplyTakenByOther {
			dir = dirBackend
		}
		r := holding(rows, dir, v.Offset)
		if r == nil {
			unplaced = append(unplaced, v.String())
			continue
		}
		label := v.Kind + ": " + v.Detail
		if at := fmt.Sprintf("step %d", v.Step); v.Step > 0 && !strings.Contains(v.Detail, at) {
			label += " (" + at + ")"
		}
		m := mark{Kind: v.Kind, Label: label, Step: v.Step}
		replaced := false
		for i := range r.Marks {
			if r.Marks[i].Kind == v.Kind && r.Marks[i].Step == 0 {
				r.Marks[i], replaced = m, true
				break
			}
		}
		if !replaced {
			r.Marks = append(r.Marks, m)
		}
		tl.anchors[v.String()] = r.ID
	}
	return unplaced
}

// holding returns the row of direction dir whose message holds stream
// offset off, or nil.
func holding(rows []*row, dir string, off int64) *row {
	for _, r := range rows {
		if r.Dir != dir {
			continue
		}
		if r.Off == off || (r.Off <= off && off < r.Off+int64(r.Len)) {
			return r
		}
	}
	return nil
}
