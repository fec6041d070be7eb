package libpq

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// libpqLine matches one error line that libpq itself produces on the
// paths a query can take. A C caller sees an error message cut at an
// embedded NUL, so the last line may be cut after the opening quote.
var libpqLine = regexp.MustCompile(`\A(?:` + strings.Join([]string{
	`lost synchronization with server: got message type "(?s:.)", length -?\d+\n`,
	`cannot allocate memory for input buffer\n`,
	`insufficient data in "[TtD]" message\n`,
	`unexpected field count in "D" message\n`,
	`message contents do not agree with length in message type "(?s:.)"\n`,
	`unexpected response from server; first received character was "(?s:.)"\n`,
	regexp.QuoteMeta(`server sent data ("D" message) without prior row description ("T" message)` + "\n"),
	regexp.QuoteMeta(closedText),
	`invalid socket\n`,
	`no connection to the server\n`,
	`connection not open\n`,
	`no error text available\n`,
	`PQexec not allowed during COPY BOTH\n`,
	`(?:lost synchronization with server: got message type|message contents do not agree with length in message type|` +
		`unexpected response from server; first received character was) "\z`,
}, "|") + `)`)

// serverErrorTexts returns every text libpq could format from an
// ErrorResponse starting anywhere in data, for the given query texts.
// Field reads may run past a message's end, as libpq's do.
func serverErrorTexts(data []byte, queries ...string) []string {
	var out []string
	for i := 0; i+5 <= len(data); i++ {
		if data[i] != 'E' {
			continue
		}
		var fields []errField
		p := i + 5
		ok := false
		for p < len(data) {
			code := data[p]
			p++
			if code == 0 {
				ok = true
				break
			}
			end := p
			for end < len(data) && data[end] != 0 {
				end++
			}
			if end >= len(data) {
				break
			}
			fields = append(fields, errField{code, string(data[p:end])})
			p = end + 1
		}
		if !ok {
			continue
		}
		for _, enc := range []encoding{encSQLASCII, encUTF8} {
			for _, q := range append(queries, "") {
				res := &Result{status: PGRES_FATAL_ERROR, errFields: fields, clientEncoding: enc, errQuery: q, hasErrQuery: q != ""}
				var b strings.Builder
				buildErrorMessage(&b, res, PQERRORS_DEFAULT, PQSHOW_CONTEXT_ERRORS)
				out = append(out, b.String())
			}
		}
	}
	// Strip longer texts first.
	sort.Slice(out, func(a, b int) bool { return len(out[a]) > len(out[b]) })
	return out
}

// checkLibpqText fails unless text is a sequence of libpq's own lines and
// of server error texts that data could have produced.
func checkLibpqText(t *testing.T, what, text string, data []byte, queries ...string) {
	t.Helper()
	var server []string
	rest := text
	for rest != "" {
		if loc := libpqLine.FindStringIndex(rest); loc != nil {
			rest = rest[loc[1]:]
			continue
		}
		if server == nil {
			server = serverErrorTexts(data, queries...)
		}
		matched := false
		for _, s := range server {
			if s != "" && strings.HasPrefix(rest, s) {
				rest = rest[len(s):]
				matched = true
				break
			}
		}
		if !matched {
			t.Fatalf("%s %q: %q is not a libpq error text", what, text, rest)
		}
	}
}

// FuzzClientInput feeds arbitrary server bytes as the reply to a query:
// Exec must return (the reader ends with EOF), the result must be nil or
// have a valid status, and error texts must be libpq's. The consume hook
// must report disjoint ranges of the input in order, each message's full
// extent unless framing failed.
func FuzzClientInput(f *testing.F) {
	seeds := [][]byte{
		[]byte("ity_1_id\x00\x00\x00\x00\x00\x17\x00\x04"),
		cat(rowDesc(col{"a", 23}, col{"activity_1_id", 23}), dataRow(sp("1"), nil), cmdComplete("SELECT 1"), ready('I')),
		cat(msg('T', i16(2), cstr("a"), i32(0), i16(0), i32(23), i16(4), i32(-1), i16(0))),
		cat(dataRow(sp("1")), cmdComplete("SELECT 1"), ready('I')),
		cat(errResp('E', "S", "ERROR", "C", "42P01", "M", `relation "x" does not exist`, "P", "15"), ready('E')),
		cat(msg('H', []byte{0}, i16(1), i16(0)), msg('d', []byte("1\n")), msg('c'), cmdComplete("COPY 1"), ready('I')),
		cat(cmdComplete("SELECT 0"), ready('I'), ready('I'), msg('Y'), msg(0x80)),
		cat(rowDesc(col{"a", 23}), []byte{'D'}, i32(0x7fffffff)),
		cat(msg('E', []byte("SERROR\x00Mno terminator")), ready('I')),
		cat(msg('S', cstr("client_encoding"), cstr("UTF8")), msg('Y', []byte("abc")), cmdComplete("SELECT 0"), ready('I'),
			cmdComplete("SELECT 0"), ready('T')),
	}
	for i, s := range seeds {
		f.Add(s, uint8(i%4))
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		const q1, q2 = "select * from x", "select 2"
		srv := newServer(data)
		if chunk > 0 {
			srv.chunked(int(chunk))
		}
		c := NewConn(srv)
		consumed := record(c)
		r := c.Exec(q1)
		if r != nil {
			if s := r.Status(); s < PGRES_EMPTY_QUERY || s > PGRES_PIPELINE_ABORTED {
				t.Fatalf("invalid status %d", s)
			}
			if r.Status() == PGRES_FATAL_ERROR && r.ErrorMessage() == "" && c.Status() == ConnectionOK {
				t.Fatalf("fatal error without text on a good connection")
			}
			if r.ErrorResponse() == nil {
				checkLibpqText(t, "result error", r.ErrorMessage(), data, q1)
			}
		}
		// A nil result with an empty error message is possible: a stale
		// ReadyForQuery can end the query before any result.
		checkLibpqText(t, "connection error", c.ErrorMessage(), data, q1)
		if c.Status() == ConnectionBad && c.IsBusy() {
			t.Fatal("IsBusy on a bad connection")
		}

		// Whatever state the reply left, the next Exec ends too.
		if r2 := c.Exec(q2); r2 != nil && r2.ErrorResponse() == nil {
			checkLibpqText(t, "second result error", r2.ErrorMessage(), data, q1, q2)
		}
		checkLibpqText(t, "connection error after a second Exec", c.ErrorMessage(), data, q1, q2)
		c.Finish()
		if c.Status() != ConnectionBad {
			t.Fatal("Finish left the connection usable")
		}
		checkConsumed(t, *consumed, data)
	})
}

// checkConsumed checks the consume hook's records of a connection that
// read data from offset 0 and skipped no startup.
func checkConsumed(t *testing.T, consumed []Consumed, data []byte) {
	t.Helper()
	next := int64(0)
	for _, m := range consumed {
		total := 0
		for _, r := range m.Ranges {
			if r.Off < next || r.Len <= 0 || r.Off+int64(r.Len) > int64(len(data)) {
				t.Fatalf("range %+v of %+v overlaps or leaves the input (next %d, %d bytes)", r, m, next, len(data))
			}
			next = r.Off + int64(r.Len)
			total += r.Len
		}
		if len(m.Ranges) == 0 || data[m.Ranges[0].Off] != m.Type {
			t.Fatalf("record %+v does not start with its type byte", m)
		}
		if strings.Contains(m.Error, "lost synchronization with server") {
			if total < 5 || total > max(5, int(m.Length)+1) {
				t.Fatalf("sync loss record %+v covers %d bytes", m, total)
			}
		} else if total != int(m.Length)+1 {
			t.Fatalf("record %+v covers %d bytes", m, total)
		}
		if m.Error != "" {
			checkLibpqText(t, "consumed error", m.Error, data)
		}
	}
}
