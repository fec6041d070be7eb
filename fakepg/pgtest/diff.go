package pgtest

import (
	"fmt"
	"strings"
)

// diffContext is how many equal lines a hunk shows around a change.
const diffContext = 3

// maxDiffCells bounds the work of the line matching; beyond it the
// differing middle of the transcripts is shown as removed then added.
const maxDiffCells = 4 << 20

// Diff compares two transcripts line by line, as String renders them, and
// returns "" when they are equal. Otherwise it returns a unified diff
// ("-" lines only in a, "+" lines only in b) whose lines carry the step
// number and session name, and whose hunk headers name the first step
// that differs.
func Diff(a, b Transcript) string {
	x, y := a.lines(), b.lines()
	ops := diffLines(x, y)
	changed := false
	for _, op := range ops {
		if op.kind != ' ' {
			changed = true
			break
		}
	}
	if !changed {
		return ""
	}
	la, lb := a.Server, b.Server
	if la == "" || la == lb {
		la = "a " + la
	}
	if lb == "" || lb == a.Server {
		lb = "b " + lb
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", strings.TrimSpace(la), strings.TrimSpace(lb))
	for _, h := range hunks(ops) {
		out.WriteString(h)
	}
	return out.String()
}

// diffOp is one line of an edit script: ' ' in both, '-' only in a, '+'
// only in b; ai and bi are its line numbers (0-based) on each side.
type diffOp struct {
	kind   byte
	line   string
	ai, bi int
}

// diffLines returns an edit script from x to y with a longest common
// subsequence of lines kept.
func diffLines(x, y []string) []diffOp {
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var ops []diffOp
	for i := 0; i < pre; i++ {
		ops = append(ops, diffOp{' ', x[i], i, i})
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]
	n, m := len(mx), len(my)
	if n*m > maxDiffCells {
		for i, l := range mx {
			ops = append(ops, diffOp{'-', l, pre + i, pre})
		}
		for j, l := range my {
			ops = append(ops, diffOp{'+', l, pre + n, pre + j})
		}
	} else {
		// lcs[i][j] is the LCS length of mx[i:] and my[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if mx[i] == my[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && mx[i] == my[j]:
				ops = append(ops, diffOp{' ', mx[i], pre + i, pre + j})
				i++
				j++
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, diffOp{'-', mx[i], pre + i, pre + j})
				i++
			default:
				ops = append(ops, diffOp{'+', my[j], pre + i, pre + j})
				j++
			}
		}
	}
	for k := 0; k < suf; k++ {
		ops = append(ops, diffOp{' ', x[len(x)-suf+k], len(x) - suf + k, len(y) - suf + k})
	}
	return ops
}

// hunks renders the changes of ops with diffContext lines around them,
// merging hunks that touch.
func hunks(ops []diffOp) []string {
	var out []string
	for start := 0; start < len(ops); {
		if ops[start].kind == ' ' {
			start++
			continue
		}
		lo := max(start-diffContext, 0)
		hi := start // one past the last op of the hunk
		for k := start; k < len(ops) && k <= hi+2*diffContext; k++ {
			if ops[k].kind != ' ' {
				hi = k + 1
			}
		}
		end := min(hi+diffContext, len(ops))
		out = append(out, renderHunk(ops[lo:end], ops[start].line))
		start = end
	}
	return out
}

// renderHunk renders one hunk; first is its first changed line, whose step
// and session the header names.
func renderHunk(ops []diffOp, first string) string {
	aStart, bStart := ops[0].ai, ops[0].bi
	aLen, bLen := 0, 0
	var body strings.Builder
	for _, op := range ops {
		switch op.kind {
		case ' ':
			aLen++
			bLen++
		case '-':
			aLen++
		case '+':
			bLen++
		}
		body.WriteByte(op.kind)
		body.WriteString(op.line)
		body.WriteByte('\n')
	}
	where, _, _ := strings.Cut(first, " > ")
	where, _, _ = strings.Cut(where, " < ")
	where, _, _ = strings.Cut(where, " ! ")
	where = strings.Replace(strings.TrimPrefix(where, "#"), " ", " session ", 1)
	return fmt.Sprintf("@@ -%d,%d +%d,%d @@ step %s\n%s", aStart+1, aLen, bStart+1, bLen, where, body.String())
}
