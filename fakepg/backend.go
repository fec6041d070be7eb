package fakepg

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// errTerminate ends a session on the client's Terminate message.
var errTerminate = errors.New("terminate")

// backend is one session: PostgresMain's loop over a byte stream.
type backend struct {
	srv      *Server
	in       *frontendReader
	out      *sendBuffer
	sess     *engine.Session
	pid      int32
	admitted bool

	unnamed *prepared          // the unnamed statement; named ones are the session's
	portals map[string]*portal // lookup only
	running struct {
		name   string
		active bool // an Execute runs the portal name
	}
	queries        queryCache
	ignoreTillSync bool

	replies replies

	truth *truthRecorder // nil unless the stream is a simulated connection
}

func newBackend(s *Server, rw io.ReadWriter) *backend {
	b := &backend{
		srv: s, in: newFrontendReader(rw), out: newSendBuffer(rw),
		portals: map[string]*portal{}, queries: queryCache{},
	}
	b.truth = newTruthRecorder(s, rw)
	return b
}

// run is the session: startup, then one message at a time until the end.
func (b *backend) run() error {
	err := b.startup()
	if err == nil {
		b.srv.register(b)
		err = b.loop()
		b.srv.unregister(b)
	}
	if b.sess != nil {
		b.sess.Close()
	}
	if b.admitted {
		b.srv.release()
	}
	var f errFatal
	switch {
	case errors.As(err, &f) && f.v2:
		b.out.put(append(append([]byte{'E'}, "FATAL:  "+f.msg+"\n"...), 0))
		b.out.flush()
	case errors.As(err, &f):
		b.sendError(fatal(f.code, f.msg))
	}
	return err
}

func (b *backend) loop() error {
	for {
		if err := b.out.err; err != nil {
			return errClientLost{err}
		}
		m, err := b.in.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			b.truth.message(b, m, err)
			return err
		}
		b.truth.message(b, m, nil)
		switch m.typ {
		case 'Q':
			b.simpleQuery(m.body)
		case 'P', 'B', 'D', 'E', 'C', 'H', 'S':
			b.extended(m)
		case 'X':
			return errTerminate
		case 'F':
			if !b.ignoreTillSync {
				b.functionCall(m.body)
			}
		case 'd', 'c', 'f':
			// CopyData, CopyDone and CopyFail outside COPY are ignored, per
			// the protocol.
		}
	}
}

// functionCall answers a FunctionCall: the fake has no functions callable
// by OID, so every call fails as a call of an unknown OID does.
func (b *backend) functionCall(body []byte) {
	r := &msgReader{b: body}
	oid := uint32(r.int32())
	e := r.err
	if e == nil {
		e = &engine.Error{Severity: "ERROR", Code: engine.UndefinedFunction,
			Message: fmt.Sprintf("function with OID %d does not exist", oid)}
	}
	b.sendError(e)
	b.sess.AbortCommand()
	b.readyForQuery()
}

// sendError sends an ErrorResponse or NoticeResponse and flushes, as the
// backend flushes after every error and notice.
func (b *backend) sendError(e *engine.Error) {
	typ := byte('E')
	switch e.Severity {
	case "WARNING", "NOTICE", "INFO", "LOG", "DEBUG":
		typ = 'N'
	}
	b.replies.enc = encodeError(b.replies.enc[:0], typ, e)
	b.out.put(b.replies.enc)
	b.out.flush()
}

// readyForQuery reports changed parameters, sends ReadyForQuery and
// flushes.
func (b *backend) readyForQuery() {
	for _, r := range b.sess.Reports() {
		b.send(&pgproto3.ParameterStatus{Name: r.Name, Value: r.Value})
	}
	b.sendReady(b.sess.TxStatus())
	b.out.flush()
	b.truth.replied(b)
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
