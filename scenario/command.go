package scenario

import (
	"strings"
)

// Command returns the simulate command line that runs verb (run, verify,
// explore) on s: the built-in scenario's name or the file, flags, then
// the overrides as --set flags, so that the command reproduces s exactly.
func (s *Scenario) Command(verb string, flags ...string) string {
	parts := []string{"simulate", verb, s.Name}
	if s.File != "" && !s.builtin() {
		parts[2] = s.File
	}
	parts = append(parts, flags...)
	for _, p := range s.Overrides {
		parts = append(parts, "--set", p.Key+"="+p.Value)
	}
	return strings.Join(parts, " ")
}
