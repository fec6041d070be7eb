package report

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"

	"github.com/poolsim/poolsim/sim"
)

// maxEmbeddedSchedule is the largest schedule text the report carries as
// a download link.
const maxEmbeddedSchedule = 1 << 20

// decision is one row of the schedule table.
type decision struct {
	Index     int
	Kind      string
	Choice, N int
	Task      *taskRef
	NonZero   bool
	Class     string
}

// kindCount counts a kind's decisions and its non-zero choices.
type kindCount struct {
	Kind           string
	Count, NonZero int
}

// schedule is the schedule part of the report.
type schedule struct {
	Rows  []decision
	Total int
	// NonZero counts the decisions that deviate from choice 0 ("keep
	// running", "deliver everything"); Kinds the same per kind.
	NonZero int
	Kinds   []kindCount
	// Hidden and HiddenNonZero count the decisions past the rows shown.
	Hidden, HiddenNonZero int
	// Text is the schedule file's text as a data URL to download, and
	// FileName the name it downloads as; Href is empty when the text is
	// too large to carry.
	Href     template.URL
	FileName string
	Size     int
}

// buildSchedule renders sch, showing at most limit decisions (all when
// limit < 0), with the tasks of run decisions coloured from pal.
func buildSchedule(sch *sim.Schedule, limit int, fileName string, pal *palette) (schedule, error) {
	sv := schedule{Total: len(sch.Decisions), FileName: fileName}
	for i, c := range sch.Decisions {
		nz := c.Choice != 0
		if nz {
			sv.NonZero++
		}
		sv.count(c.Kind.String(), nz)
		if limit >= 0 && i >= limit {
			sv.Hidden++
			if nz {
				sv.HiddenNonZero++
			}
			continue
		}
		d := decision{Index: i, Kind: c.Kind.String(), Choice: c.Choice, N: c.N, NonZero: nz, Class: "zero"}
		if c.Task != "" {
			t := pal.refPath(c.Task)
			d.Task = &t
		}
		if nz {
			d.Class = "delay"
		}
		sv.Rows = append(sv.Rows, d)
	}
	var b bytes.Buffer
	if _, err := sch.WriteTo(&b); err != nil {
		return sv, fmt.Errorf("report: schedule: %w", err)
	}
	sv.Size = b.Len()
	if b.Len() <= maxEmbeddedSchedule {
		sv.Href = template.URL("data:text/plain;charset=utf-8," + url.PathEscape(b.String()))
	}
	return sv, nil
}

// count adds a decision of kind to the per-kind counts.
func (sv *schedule) count(kind string, nonZero bool) {
	for i := range sv.Kinds {
		if sv.Kinds[i].Kind == kind {
			sv.Kinds[i].Count++
			if nonZero {
				sv.Kinds[i].NonZero++
			}
			return
		}
	}
	k := kindCount{Kind: kind, Count: 1}
	if nonZero {
		k.NonZero = 1
	}
	sv.Kinds = append(sv.Kinds, k)
}
