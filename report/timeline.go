package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/sim"
)

// The directions of a timeline row.
const (
	dirFrontend = "frontend" // client to server
	dirBackend  = "backend"  // server to client
	dirClient   = "client"   // bytes a client task framed where the server wrote no message
)

// Misframed is the kind of the mark on a client's parse that does not
// match the message the server wrote there: bytes from the middle of a
// message taken as a message of their own (the source of texts like
// `got message type "t", length 1954111281`).
const Misframed = "misframed"

// mark is one thing the timeline points out on a message.
type mark struct {
	Kind  string // a properties kind, or Misframed
	Label string // the sentence the reader sees
	Step  int    // the step of the violation; 0 when unknown
}

// row is one line of a session's timeline: a message, or a gap standing
// for messages not shown.
type row struct {
	ID   string // the row's anchor
	Seq  int    // the message's position in the session's timeline, from 1
	Dir  string
	Name string // the message's name, like "RowDescription"
	Type string // its type byte as on the wire; empty for startup packets
	Off  int64
	Len  int
	// Step is the step its first byte was written at, ReadStep the step
	// its last byte was read at (-1: never).
	Step, ReadStep int
	Writers        []taskRef
	// Readers are the tasks that parsed it (ReadHow "parsed"), or read
	// it from the socket when nothing records who parsed it; Socket the
	// socket readers when they differ from the parsers.
	Readers, Socket []taskRef
	ReadHow         string
	// Request is the request's ordinal in the session (0: the startup
	// exchange; -1: none), Owner the task that sent it.
	Request int
	Owner   *taskRef
	Note    string
	Marks   []mark
	// Gap, on a gap row, is the number of messages it stands for.
	Gap int

	key rowKey
}

// rowKey orders a session's rows: by the step the first byte was written,
// then frontend before backend, then by offset; a client's parse follows
// the backend message it starts in.
type rowKey struct {
	step, dir int
	off       int64
	sub       int
}

func (a rowKey) less(b rowKey) bool {
	if a.step != b.step {
		return a.step < b.step
	}
	if a.dir != b.dir {
		return a.dir < b.dir
	}
	if a.off != b.off {
		return a.off < b.off
	}
	return a.sub < b.sub
}

// Interleaved reports whether the row marks an interleaving (anything but
// a misframed parse).
func (r *row) Interleaved() bool {
	for _, m := range r.Marks {
		if m.Kind != Misframed {
			return true
		}
	}
	return false
}

// Class returns the row's CSS classes.
func (r *row) Class() string {
	if r.Gap > 0 {
		return "gap"
	}
	c := "msg " + r.Dir
	if r.Interleaved() {
		c += " interleaved"
	}
	for _, m := range r.Marks {
		if m.Kind == Misframed {
			c += " misframed"
			break
		}
	}
	return c
}

// ReqText renders the row's request ordinal.
func (r *row) ReqText() string {
	switch {
	case r.Request == 0:
		return "startup"
	case r.Request > 0:
		return fmt.Sprintf("#%d", r.Request)
	}
	return "—"
}

// session is one server session's part of the timeline.
type session struct {
	ID, Name, User string
	PID            int32
	Opener         taskRef
	Backend        taskRef
	AdmitStep      int
	End            string
	EndStep        int
	Streams        string
	// Rows are the rows shown; Total the session's messages, Shown those
	// of them shown, Marked those marked.
	Rows                 []*row
	Total, Shown, Marked int
	// Unplaced are violations on the session that no message shown
	// carries.
	Unplaced []string
}

// Elided reports whether rows were left out.
func (s *session) Elided() bool { return s.Shown < s.Total }

// timeline builds the session timelines of one run.
type timeline struct {
	run        runParts
	ix         *properties.StreamSteps
	pal        *palette
	parses     *clientParses
	violations []properties.Violation
	perSession int
	// anchors maps a placed violation (its String) to the row carrying it.
	anchors map[string]string // lookup only
}

// runParts is what the timeline needs of a run.
type runParts struct {
	truth *fakepg.Truth
	wires []*app.Wire
}

// wire returns the wire log of the session whose inbound stream is in.
func (rp runParts) wire(in *sim.Stream) *app.Wire {
	for _, w := range rp.wires {
		if w.Inbound == in {
			return w
		}
	}
	return nil
}

// build returns the timeline of session s, the ordinal-th one.
func (tl *timeline) build(s *fakepg.SessionTruth, ordinal int) *session {
	sv := &session{ID: fmt.Sprintf("s%d", ordinal), Name: s.Name(), User: s.User, PID: s.PID,
		Opener: tl.pal.ref(s.Opener()), Backend: tl.pal.ref(s.Backend), AdmitStep: s.AdmitStep,
		End: s.End.String(), EndStep: s.EndStep}
	if s.EndDetail != "" {
		sv.End += ": " + s.EndDetail
	}
	if s.Inbound != nil && s.Outbound != nil {
		sv.Streams = s.Inbound.Name() + " / " + s.Outbound.Name()
	}
	rows := tl.frontendRows(s)
	rows = append(rows, tl.backendRows(s)...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].key.less(rows[j].key) })
	for i, r := range rows {
		r.Seq = i + 1
		r.ID = fmt.Sprintf("%s-m%d", sv.ID, r.Seq)
	}
	sv.Unplaced = tl.place(s, sv.Name, rows)
	sv.Total = len(rows)
	sv.Rows, sv.Shown = elide(rows, tl.perSession)
	for _, r := range rows {
		if len(r.Marks) > 0 {
			sv.Marked++
		}
	}
	return sv
}

// frontendRows returns a row for every startup packet and request
// message of s, with the tasks that wrote its bytes and the server task
// that read them.
func (tl *timeline) frontendRows(s *fakepg.SessionTruth) []*row {
	var rows []*row
	in := s.Inbound
	add := func(m fakepg.MessageTruth, req int, own *sim.Task) {
		r := &row{Dir: dirFrontend, Name: frontendName(m.Type, m.Code), Off: m.Off, Len: m.Len,
			Step: tl.ix.Written(in, m.Off), ReadStep: tl.ix.Read(in, m.Off+int64(max(m.Len, 1))-1),
			Writers: tl.pal.refs(m.Writers), ReadHow: "parsed", Request: req}
		if m.Type != 0 {
			r.Type = typeByte(m.Type)
		}
		if in != nil && m.Len > 0 {
			r.Readers = tl.pal.refs(in.ReadersOf(m.Off, m.Len))
		}
		if own != nil {
			o := tl.pal.ref(own)
			r.Owner = &o
		}
		if m.Fail != "" {
			r.Note = "the server could not frame it: " + m.Fail
		}
		if ws := sim.SpanTasks(m.Writers); len(ws) > 1 {
			r.Marks = append(r.Marks, mark{Kind: properties.MixedMessage,
				Label: "mixed message: its bytes were written by " + strings.Join(paths(r.Writers), " and ")})
		}
		r.key = rowKey{step: r.Step, dir: 0, off: m.Off}
		rows = append(rows, r)
	}
	open := s.Opener()
	for _, m := range s.Startup {
		add(m, 0, open)
	}
	for i, rq := range s.Requests {
		own := rq.Owner()
		for _, m := range rq.Messages {
			add(m, i+1, own)
		}
	}
	carrySteps(rows)
	return rows
}

// backendRows returns a row for every message the backend of s wrote,
// with the request it answers and the tasks that parsed it, and a row for
// every client parse that does not match the message the server wrote
// there.
func (tl *timeline) backendRows(s *fakepg.SessionTruth) []*row {
	wire, out := tl.run.wire(s.Inbound), s.Outbound
	if wire == nil || out == nil {
		return nil
	}
	ssl := 0
	for _, m := range s.Startup {
		if m.Type == 0 && (m.Code == codeSSLRequest || m.Code == codeGSSENCRequest) && m.Fail == "" {
			ssl++
		}
	}
	parsed := tl.parses.covers(out)
	replies := indexReplies(s)
	msgs := splitBackend(wire.Out, ssl)
	var rows []*row
	for _, m := range msgs {
		r := &row{Dir: dirBackend, Name: m.Name, Type: typeByte(m.Type), Off: m.Off, Len: m.Len,
			Step: tl.ix.Written(out, m.Off), ReadStep: tl.ix.Read(out, m.Off+int64(m.Len)-1),
			Writers: tl.pal.refs(out.WritersOf(m.Off, m.Len))}
		switch {
		case m.Short:
			r.Note = "cut short: the backend wrote no more"
		case m.Bad:
			r.Note = "impossible length word"
		}
		socket := tl.pal.refs(out.ReadersOf(m.Off, m.Len))
		if parsed {
			r.ReadHow = "parsed"
			r.Readers = tl.pal.refs(tl.parses.parsers(out, m.Off, m.Len))
			if !sameTasks(socket, r.Readers) {
				r.Socket = socket
			}
		} else {
			r.ReadHow, r.Readers = "read from the socket", socket
		}
		rq, own := replies.at(m.Off)
		r.Request = rq
		if own != nil {
			o := tl.pal.ref(own)
			r.Owner = &o
			var others []string
			for _, t := range r.Readers {
				if t.Path != o.Path {
					others = append(others, t.Path)
				}
			}
			if len(others) > 0 {
				r.Marks = append(r.Marks, mark{Kind: properties.ReplyTakenByOther,
					Label: fmt.Sprintf("reply taken by another task: the reply to %s's request %s by %s",
						o.Path, r.ReadHow, strings.Join(others, " and "))})
			}
		}
		r.key = rowKey{step: r.Step, dir: 1, off: m.Off}
		rows = append(rows, r)
	}
	carrySteps(rows)
	return append(rows, tl.misframed(out, msgs, rows)...)
}

// misframed returns a row for each message a client task parsed from out
// that does not start where the server's message starts, or has another
// type, or failed to parse: each follows the server message its first
// byte belongs to. msgs are the server's messages and rows their rows.
func (tl *timeline) misframed(out *sim.Stream, msgs []wireMessage, rows []*row) []*row {
	var extra []*row
	for k, c := range tl.parses.msgs[out] {
		if len(c.Ranges) == 0 {
			continue
		}
		off, n := c.Ranges[0].Off, 0
		for _, rg := range c.Ranges {
			n += rg.Len
		}
		i := sort.Search(len(msgs), func(i int) bool { return msgs[i].Off+int64(msgs[i].Len) > off })
		if i == len(msgs) {
			continue
		}
		m, host := msgs[i], rows[i]
		if m.Off == off && m.Type == c.Type {
			if c.Error != "" {
				host.Note = strings.TrimPrefix(host.Note+"; ", "; ") + "libpq: " + c.Error
			}
			continue
		}
		t := tl.pal.ref(c.Task)
		var writers []sim.Span
		for _, rg := range c.Ranges {
			writers = append(writers, out.WritersOf(rg.Off, rg.Len)...)
		}
		r := &row{Dir: dirClient, Name: "taken as " + backendName(c.Type), Type: typeByte(c.Type), Off: off, Len: n,
			Step: host.Step, ReadStep: tl.ix.Read(out, off+int64(max(n, 1))-1), Writers: tl.pal.refs(writers),
			Readers: []taskRef{t}, ReadHow: "parsed", Request: -1,
			Note: fmt.Sprintf("length word %d; bytes %s", c.Length, rangesText(c.Ranges))}
		if c.Error != "" {
			r.Note += "; libpq: " + c.Error
		}
		where := fmt.Sprintf("inside the %s at offset %d", m.Name, m.Off)
		if m.Off == off {
			where = fmt.Sprintf("where the server wrote a %s (%s)", m.Name, typeByte(m.Type))
		}
		r.Marks = []mark{{Kind: Misframed, Label: fmt.Sprintf("misframed: %s took the bytes at offset %d, %s, as a message of type %s and length %d",
			t.Path, off, where, typeByte(c.Type), c.Length)}}
		r.key = host.key
		r.key.sub = 1 + k
		extra = append(extra, r)
	}
	return extra
}

// replies indexes a session's requests by the range of their replies.
type replies struct {
	s      *fakepg.SessionTruth
	ranges []replyRange // requests with a reply, in stream order
}

// replyRange is the reply range of the request of ordinal n.
type replyRange struct {
	off, end int64
	n        int
}

func indexReplies(s *fakepg.SessionTruth) replies {
	rp := replies{s: s}
	for i, r := range s.Requests {
		if r.ReplyEnd > r.ReplyOff {
			rp.ranges = append(rp.ranges, replyRange{off: r.ReplyOff, end: r.ReplyEnd, n: i + 1})
		}
	}
	return rp
}

// at returns the ordinal of the request whose reply holds the outbound
// offset off, and its owner: 0 and the opener for the startup exchange's
// replies (before the first request's), -1 and nil for bytes no request's
// reply holds.
func (rp replies) at(off int64) (int, *sim.Task) {
	rs := rp.ranges
	i := sort.Search(len(rs), func(i int) bool { return rs[i].end > off })
	if i < len(rs) && rs[i].off <= off {
		return rs[i].n, rp.s.Requests[rs[i].n-1].Owner()
	}
	if len(rs) == 0 || off < rs[0].off {
		return 0, rp.s.Opener()
	}
	return -1, nil
}

// carrySteps gives rows whose step is unknown the step of the row before
// (rows of one stream are in stream order), so that they sort in place.
func carrySteps(rows []*row) {
	last := 0
	for _, r := range rows {
		if r.Step < 0 {
			r.key.step = last
		} else {
			last = r.Step
		}
	}
}

// sameTasks reports whether a and b name the same tasks in the same order.
func sameTasks(a, b []taskRef) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Path != b[i].Path {
			return false
		}
	}
	return true
}

// contextRows is the number of messages kept on each side of a marked one
// when a session's timeline is cut.
const contextRows = 3

// elide keeps the first limit rows and those within contextRows of a
// marked row (limit <= 0 keeps all); each run of rows left out becomes one
// gap row. It returns the rows to show and the number of messages among
// them.
func elide(rows []*row, limit int) ([]*row, int) {
	if limit <= 0 || len(rows) <= limit {
		return rows, len(rows)
	}
	keep := make([]bool, len(rows))
	for i, r := range rows {
		if i < limit {
			keep[i] = true
		}
		if len(r.Marks) > 0 {
			for j := max(0, i-contextRows); j <= min(len(rows)-1, i+contextRows); j++ {
				keep[j] = true
			}
		}
	}
	var out []*row
	shown := 0
	for i := 0; i < len(rows); {
		if keep[i] {
			out = append(out, rows[i])
			shown++
			i++
			continue
		}
		j := i
		for j < len(rows) && !keep[j] {
			j++
		}
		out = append(out, &row{Gap: j - i, Seq: rows[i].Seq})
		i = j
	}
	return out, shown
}

// rangesText renders a parse's byte ranges, like "[639, 692) [750, 800)".
func rangesText(rs []libpq.Range) string {
	var b strings.Builder
	for i, rg := range rs {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "[%d, %d)", rg.Off, rg.Off+int64(rg.Len))
	}
	return b.String()
}
