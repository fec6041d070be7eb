package pgtest

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgproto3/v2"
)

// renderError renders an ErrorResponse or NoticeResponse after its type
// letter: severity, SQLSTATE, message, then the other fields present in
// the order PostgreSQL sends them, without file, line and routine.
func renderError(m *pgproto3.ErrorResponse) string {
	var b strings.Builder
	b.WriteString(printable(m.Severity) + " " + printable(m.Code) + " " + printable(m.Message))
	field := func(label, value string) {
		if value != "" {
			b.WriteString(" | " + label + " " + printable(value))
		}
	}
	if m.SeverityUnlocalized != m.Severity {
		b.WriteString(" | V " + strconv.Quote(m.SeverityUnlocalized))
	}
	detail := m.Detail
	if m.Code == "40P01" {
		detail = normalizeDeadlock(detail)
	}
	field("DETAIL", detail)
	field("HINT", m.Hint)
	field("CONTEXT", m.Where)
	field("SCHEMA", m.SchemaName)
	field("TABLE", m.TableName)
	field("COLUMN", m.ColumnName)
	field("DATATYPE", m.DataTypeName)
	field("CONSTRAINT", m.ConstraintName)
	if m.Position != 0 {
		field("POS", strconv.Itoa(int(m.Position)))
	}
	if m.InternalPosition != 0 {
		field("INTERNAL POS", strconv.Itoa(int(m.InternalPosition)))
	}
	field("INTERNAL QUERY", m.InternalQuery)
	keys := make([]int, 0, len(m.UnknownFields))
	for k := range m.UnknownFields {
		keys = append(keys, int(k))
	}
	sort.Ints(keys)
	for _, k := range keys {
		field("?"+printable(string([]byte{byte(k)})), m.UnknownFields[byte(k)])
	}
	return b.String()
}

// deadlockNumber matches the numbers in a deadlock DETAIL that differ from
// run to run: "Process 123 waits for ShareLock on transaction 456; blocked
// by process 789." and "... tuple (0,1) of relation 16385 of database 5".
var deadlockNumber = regexp.MustCompile(`\b([Pp]rocess|transaction|relation|database) ([0-9]+)\b`)

// normalizeDeadlock replaces process, transaction, relation and database
// numbers in a deadlock DETAIL by <pid1>, <xid1>, <rel1>, <db1>, ...,
// numbered by first appearance, so that who waits for whom stays visible.
func normalizeDeadlock(detail string) string {
	prefix := map[string]string{"process": "pid", "transaction": "xid", "relation": "rel", "database": "db"}
	seen := map[string]string{}
	count := map[string]int{}
	return deadlockNumber.ReplaceAllStringFunc(detail, func(s string) string {
		m := deadlockNumber.FindStringSubmatch(s)
		kind := prefix[strings.ToLower(m[1])]
		key := kind + " " + m[2]
		if _, ok := seen[key]; !ok {
			count[kind]++
			seen[key] = "<" + kind + strconv.Itoa(count[kind]) + ">"
		}
		return m[1] + " " + seen[key]
	})
}
