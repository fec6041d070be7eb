package engine

import "strconv"

// Tag is a CommandComplete tag: a command and, for the commands that
// count rows, the count ("SELECT 1", "INSERT 0 1", "BEGIN"). Keeping the
// count as a number lets the extended protocol report the rows of one
// Execute, and the backend render the tag without an allocation.
type Tag struct {
	Command string // "SELECT", "INSERT 0", "UPDATE", "DELETE", "BEGIN", ...
	Rows    int    // the row count, when Counted
	Counted bool   // the tag ends with a space and Rows
}

// countTag is the tag of a command that counts rows.
func countTag(command string, rows int) Tag { return Tag{Command: command, Rows: rows, Counted: true} }

// plainTag is the tag of a command without a row count.
func plainTag(command string) Tag { return Tag{Command: command} }

// Append appends the tag's text to dst.
func (t Tag) Append(dst []byte) []byte {
	dst = append(dst, t.Command...)
	if t.Counted {
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, int64(t.Rows), 10)
	}
	return dst
}

// String returns the tag's text.
func (t Tag) String() string { return string(t.Append(nil)) }
