package sqlparse

import (
	"fmt"
	"strings"
)

// formatSessionStmt prints the statements of cursors and prepared
// statements for the tests, like formatStmt; it reports false for other
// statements.
func formatSessionStmt(s Stmt) (string, bool) {
	var b strings.Builder
	switch s := s.(type) {
	case *DeclareStmt:
		b.WriteString("DECLARE " + formatIdent(s.Name))
		for _, o := range []struct {
			flag CursorOptions
			word string
		}{{CursorBinary, "BINARY"}, {CursorAsensitive, "ASENSITIVE"}, {CursorInsensitive, "INSENSITIVE"},
			{CursorScroll, "SCROLL"}, {CursorNoScroll, "NO SCROLL"}, {CursorHold, "HOLD"}} {
			if s.Options&o.flag != 0 {
				b.WriteString(" " + o.word)
			}
		}
		b.WriteString(" FOR " + formatStmt(s.Query))
	case *FetchStmt:
		verb := "FETCH"
		if s.Move {
			verb = "MOVE"
		}
		b.WriteString(verb)
		dir := map[FetchDirection]string{FetchForward: "FORWARD", FetchBackward: "BACKWARD", FetchAbsolute: "ABSOLUTE", FetchRelative: "RELATIVE"}[s.Direction]
		count := fmt.Sprint(s.Count)
		if s.Count == FetchAll {
			count = "ALL"
		}
		fmt.Fprintf(&b, " %s %s %s", dir, count, formatIdent(s.Cursor))
	case *CloseStmt:
		b.WriteString("CLOSE ")
		if s.Cursor == nil {
			b.WriteString("ALL")
		} else {
			b.WriteString(formatIdent(*s.Cursor))
		}
	case *PrepareStmt:
		b.WriteString("PREPARE " + formatIdent(s.Name))
		if s.Types != nil {
			var types []string
			for _, t := range s.Types {
				types = append(types, fmt.Sprintf("%s@%d", t.Name, t.P))
			}
			b.WriteString(" (" + strings.Join(types, ", ") + ")")
		}
		b.WriteString(" AS " + formatStmt(s.Query))
	case *ExecuteStmt:
		b.WriteString("EXECUTE " + formatIdent(s.Name))
		if s.Params != nil {
			b.WriteString(" (" + formatExprs(s.Params) + ")")
		}
	case *DeallocateStmt:
		b.WriteString("DEALLOCATE ")
		if s.Name == nil {
			b.WriteString("ALL")
		} else {
			b.WriteString(formatIdent(*s.Name))
		}
	default:
		return "", false
	}
	return b.String(), true
}
