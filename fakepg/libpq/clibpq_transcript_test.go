//go:build linux

package libpq

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// This file writes this package's side of the differential test: the same
// transcript as testdata/clibpq/driver.c writes from C libpq, line for line
// (see that file for the commands), and the line of client bytes that both
// sides end with.

// diffCase is one differential case: the server bytes, cut where recv (or
// Read) calls must return, and the commands run between connecting and
// finishing.
type diffCase struct {
	name     string
	segs     [][]byte
	password string // sent as the password parameter if not ""
	tcp      bool   // connect over loopback TCP rather than a Unix socket
	steps    []diffStep
}

// diffStep is one driver command; arg is the query, or "V C" for
// verbosity.
type diffStep struct {
	cmd string // exec, send, poll, xparams, prepare, xprepared or verbosity (connect and finish are added)
	arg string
}

// diffParamValues are the driver's param_values: "1" and NULL.
func diffParamValues() []*string {
	one := "1"
	return []*string{&one, nil}
}

// maxDiffResults is the driver's MAX_RESULTS.
const maxDiffResults = 20

// segmentStream is the server side for this package: each Read returns
// bytes of one segment only, and io.EOF after the last.
type segmentStream struct {
	segs    [][]byte
	written []byte
}

func (s *segmentStream) Read(p []byte) (int, error) {
	for len(s.segs) > 0 && len(s.segs[0]) == 0 {
		s.segs = s.segs[1:]
	}
	if len(s.segs) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.segs[0])
	s.segs[0] = s.segs[0][n:]
	return n, nil
}

func (s *segmentStream) Write(p []byte) (int, error) {
	s.written = append(s.written, p...)
	return len(p), nil
}

// goTranscript runs the case against this package. A panic ends the
// transcript with a line saying so, which C libpq's never has.
func goTranscript(dc diffCase, host, port string) (out string) {
	segs := make([][]byte, len(dc.segs))
	for i, s := range dc.segs {
		segs[i] = slices.Clone(s)
	}
	rw := &segmentStream{segs: segs}
	var b strings.Builder
	defer func() {
		if p := recover(); p != nil {
			out = b.String() + fmt.Sprintf("panic: %v\n", p)
		}
	}()
	c, _ := Connect(rw, connParams(host, port, dc))
	b.WriteString("connect\n")
	if n := c.Notices(); len(n) > 0 {
		b.WriteString("stderr " + cQuote(strings.Join(n, "")) + "\n")
	}
	c.SetNoticeProcessor(func(m string) { b.WriteString("notice " + cQuote(m) + "\n") })
	writeConn(&b, c)
	b.WriteString(".\n")
	for _, st := range dc.steps {
		b.WriteString(st.cmd + "\n")
		switch st.cmd {
		case "exec":
			writeResult(&b, c.Exec(st.arg))
			writeConn(&b, c)
		case "xparams":
			writeResult(&b, c.ExecParams(st.arg, diffParamValues(), 0))
			writeConn(&b, c)
		case "prepare":
			writeResult(&b, c.Prepare("s1", st.arg, 0))
			writeConn(&b, c)
		case "xprepared":
			writeResult(&b, c.ExecPrepared("s1", diffParamValues(), 0))
			writeConn(&b, c)
		case "send", "poll":
			runSend(&b, c, st.arg, st.cmd == "poll")
		case "verbosity":
			var v, ctx int
			if _, err := fmt.Sscanf(st.arg, "%d %d", &v, &ctx); err != nil {
				panic(err)
			}
			c.SetErrorVerbosity(Verbosity(v))
			c.SetErrorContextVisibility(ContextVisibility(ctx))
		default:
			panic("unknown step " + st.cmd)
		}
		b.WriteString(".\n")
	}
	c.Finish()
	b.WriteString("finish\n.\n")
	b.WriteString(clientBytesLine(rw.written))
	return b.String()
}

// runSend is the driver's do_send.
func runSend(b *strings.Builder, c *Conn, query string, polled bool) {
	if !c.SendQuery(query) {
		b.WriteString("sent 0\n")
		writeConn(b, c)
		return
	}
	b.WriteString("sent 1\n")
	i := 0
	for ; i < maxDiffResults; i++ {
		for polled && c.IsBusy() {
			if !c.ConsumeInput() {
				b.WriteString("consume 0\n")
				break
			}
		}
		r := c.GetResult()
		if r == nil {
			break
		}
		writeResult(b, r)
	}
	if i == maxDiffResults {
		b.WriteString("result limit\n")
	}
	writeConn(b, c)
}

// diffParams are the parameters whose values the transcripts show.
var diffParams = []string{"client_encoding", "server_version", "standard_conforming_strings", "application_name", "TimeZone"}

// writeConn is the driver's print_conn.
func writeConn(b *strings.Builder, c *Conn) {
	fmt.Fprintf(b, "conn %s %s pid=%d version=%d\n", c.Status(), c.TransactionStatus(), c.BackendPID(), c.ServerVersion())
	b.WriteString("errmsg " + cQuote(c.ErrorMessage()) + "\n")
	for _, p := range diffParams {
		if v := c.ParameterStatus(p); v != "" {
			b.WriteString("param " + p + " " + cQuote(v) + "\n")
		}
	}
	for n := c.Notifies(); n != nil; n = c.Notifies() {
		fmt.Fprintf(b, "notify %d %s %s\n", int32(n.PID), cQuote(n.Channel), cQuote(n.Payload))
	}
}

// writeResult is the driver's print_result.
func writeResult(b *strings.Builder, r *Result) {
	if r == nil {
		b.WriteString("result null\n")
		return
	}
	fmt.Fprintf(b, "result %s ntuples=%d nfields=%d binary=%d nparams=%d\n",
		r.Status(), r.NTuples(), r.NFields(), r.BinaryTuples(), r.NParams())
	for i, f := range r.Fields() {
		fmt.Fprintf(b, "field %d %s table=%d col=%d type=%d size=%d mod=%d format=%d\n", i, cQuote(string(f.Name)),
			f.TableOID, int16(f.TableAttributeNumber), f.DataTypeOID, f.DataTypeSize, f.TypeModifier, f.Format)
	}
	for i := range r.NTuples() {
		for j := range r.NFields() {
			fmt.Fprintf(b, "value %d %d ", i, j)
			if r.GetIsNull(i, j) {
				b.WriteString("null\n")
			} else {
				b.WriteString(cQuote(r.GetValue(i, j)) + "\n")
			}
		}
	}
	b.WriteString("cmdstatus " + cQuote(r.CmdStatus()) + "\n")
	tuples := r.CmdTuples()
	b.WriteString("cmdtuples " + cQuote(tuples) + "\n")
	b.WriteString("error " + cQuote(r.ErrorMessage()) + "\n")
	for code := byte('A'); code <= 'z'; code++ {
		if (code > 'Z' && code < 'a') || r.ErrorField(code) == "" {
			continue
		}
		b.WriteString("errfield " + string(code) + " " + cQuote(r.ErrorField(code)) + "\n")
	}
	b.WriteString("verbose " + cQuote(r.VerboseErrorMessage(PQERRORS_VERBOSE, PQSHOW_CONTEXT_ALWAYS)) + "\n")
}

// cQuote is the driver's quote: printable ASCII as is, backslash and double
// quote escaped, \n and \t, every other byte as \xHH.
func cQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, `\x%02x`, c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// clientBytesLine renders what a client wrote: the startup packet as its
// protocol version and its parameters in sorted order (libpq and this
// package send them in different orders, which servers do not see), then
// the rest of the bytes.
func clientBytesLine(b []byte) string {
	if len(b) >= 8 {
		n := int(binary.BigEndian.Uint32(b))
		if n >= 8 && n <= len(b) && b[n-1] == 0 {
			fields := strings.Split(string(b[8:n-1]), "\x00")
			if len(fields)%2 == 1 && fields[len(fields)-1] == "" {
				fields = fields[:len(fields)-1]
			}
			var pairs []string
			for i := 0; i+1 < len(fields); i += 2 {
				pairs = append(pairs, fields[i]+"="+fields[i+1])
			}
			slices.Sort(pairs)
			return "startup " + strconv.Itoa(int(binary.BigEndian.Uint32(b[4:]))) + " " +
				cQuote(strings.Join(pairs, " ")) + "\nclient " + cQuote(string(b[n:])) + "\n"
		}
	}
	return "client " + cQuote(string(b)) + "\n"
}
