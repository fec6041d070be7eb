package determinism

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// allowPrefix starts every allow comment.
const allowPrefix = "//poolsim:allow"

// An allowance is one well-formed allow comment: it lets one rule's
// constructs stand on the lines it covers.
type allowance struct {
	rule  rule
	pos   token.Pos // of the comment
	lines []int     // covered: the comment's own line, and the line below its block when it stands alone
	used  bool
}

// allowances gathers the allow comments of one file, keyed by rule, and
// reports the malformed ones, which allow nothing.
func allowances(pass *analysis.Pass, f *ast.File) map[rule][]*allowance {
	tf := pass.Fset.File(f.FileStart)
	src, err := pass.ReadFile(tf.Name())
	if err != nil {
		src = nil // every allow comment is then taken to stand alone
	}
	byRule := make(map[rule][]*allowance)
	for _, group := range f.Comments {
		for _, c := range group.List {
			r, ok := parseAllow(pass, c)
			if !ok {
				continue
			}
			a := &allowance{rule: r, pos: c.Pos(), lines: []int{tf.Line(c.Pos())}}
			if standsAlone(tf, src, c.Pos()) {
				a.lines = append(a.lines, tf.Line(group.End())+1)
			}
			byRule[r] = append(byRule[r], a)
		}
	}
	return byRule
}

// parseAllow reads c as an allow comment. It reports an allow comment whose
// rule is missing or unknown or whose justification is empty, and returns
// ok only for a well-formed one.
func parseAllow(pass *analysis.Pass, c *ast.Comment) (r rule, ok bool) {
	rest, found := strings.CutPrefix(c.Text, allowPrefix)
	if !found || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return "", false
	}
	name, justification, dashes := strings.Cut(rest, "--")
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		pass.Reportf(c.Pos(), "poolsim:allow names no rule: write //poolsim:allow <rule> -- <justification>, the rule one of %s", ruleList())
		return "", false
	case !slices.Contains(rules, rule(name)):
		pass.Reportf(c.Pos(), "poolsim:allow: unknown rule %q (rules: %s)", name, ruleList())
		return "", false
	case !dashes || strings.TrimSpace(justification) == "":
		pass.Reportf(c.Pos(), "poolsim:allow %s has no justification: write //poolsim:allow %s -- <why this cannot break determinism>", name, name)
		return "", false
	}
	return rule(name), true
}

// ruleList is the rules' names, comma-separated.
func ruleList() string {
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// standsAlone reports whether only blanks precede the comment at pos on its
// line in src, the file's text. Without the text it assumes so.
func standsAlone(tf *token.File, src []byte, pos token.Pos) bool {
	end := tf.Offset(pos)
	start := tf.Offset(tf.LineStart(tf.Line(pos)))
	if src == nil || end > len(src) {
		return true
	}
	return strings.TrimSpace(string(src[start:end])) == ""
}

// allows reports whether an allowance of r covers line, and marks it used.
func allows(byRule map[rule][]*allowance, r rule, line int) bool {
	for _, a := range byRule[r] {
		if slices.Contains(a.lines, line) {
			a.used = true
			return true
		}
	}
	return false
}

// reportUnused reports the allowances that covered no finding, so that an
// allow comment does not outlive the construct it was written for.
func reportUnused(pass *analysis.Pass, byRule map[rule][]*allowance) {
	for _, r := range rules {
		for _, a := range byRule[r] {
			if !a.used {
				pass.Reportf(a.pos, "poolsim:allow %s allows nothing: no %s finding where it stands (its own line or, alone on its line, the line after its comment block)", r, r)
			}
		}
	}
}
