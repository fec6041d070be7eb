package app

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/poolsim/poolsim/sim"
)

// Endpoint is an application the load generator sends requests to: an
// address on the simulated network, and the workload's requests for it.
type Endpoint struct {
	// Name is the workload target ("gunicorn", "celery").
	Name string
	// Addr is where the application listens.
	Addr string
}

// LoadGenerator is the process that sends the workload's requests: one
// client task per (endpoint, client index), each dialling the endpoint
// for every request, sending the request as a message and waiting for the
// reply, so that a request's latency is the virtual time from its send to
// its reply. The clients start when every Ready gate opens (the
// applications are up);
// when the last one is done, Finished is called (the operator stops the
// servers).
type LoadGenerator struct {
	w        *sim.World
	wl       *Workload
	costs    Costs
	rec      *Recorder
	proc     *sim.Process
	running  int
	Ready    []*Gate
	Finished func()
}

// dialRetries and dialBackoff bound how long a client retries a refused
// connection (the application not listening yet).
const (
	dialRetries = 200
	dialBackoff = time.Millisecond
)

// StartLoadGenerator starts the clients of every endpoint in a process
// "loadgen". They wait for every ready gate before sending; finished, if
// not nil, is called by the last client to finish.
func StartLoadGenerator(w *sim.World, wl *Workload, endpoints []Endpoint, costs Costs, rec *Recorder, ready []*Gate, finished func()) *LoadGenerator {
	lg := &LoadGenerator{w: w, wl: wl, costs: costs, rec: rec, proc: w.NewProcess("loadgen"), Ready: ready, Finished: finished}
	for _, ep := range endpoints {
		for c := range wl.Clients[ep.Name] {
			reqs := wl.For(ep.Name, c)
			if len(reqs) == 0 {
				continue
			}
			lg.running++
			lg.proc.Go(ep.Name+"-client", func() { lg.client(ep, reqs) })
		}
	}
	if lg.running == 0 && finished != nil {
		lg.proc.Go("idle", func() { finished() })
	}
	return lg
}

// client sends reqs to ep one after the other.
func (lg *LoadGenerator) client(ep Endpoint, reqs []*Request) {
	for _, g := range lg.Ready {
		g.Wait()
	}
	for i, r := range reqs {
		if i > 0 {
			lg.w.Sleep(lg.wl.Config.Think.D())
		}
		lg.send(ep, r)
	}
	if lg.running--; lg.running == 0 && lg.Finished != nil {
		lg.Finished()
	}
}

// send sends one request and waits for its reply.
func (lg *LoadGenerator) send(ep Endpoint, r *Request) {
	rr := &RequestRecord{Request: r, Client: lg.w.Current().Path(), Sent: lg.w.Elapsed(), SentStep: lg.w.Step()}
	lg.rec.Requests = append(lg.rec.Requests, rr)
	defer func() {
		rr.Replied, rr.RepliedStep, rr.Done = lg.w.Elapsed(), lg.w.Step(), true
	}()
	c, err := lg.dial(ep.Addr)
	if err != nil {
		rr.Err = "ConnectionRefusedError: [Errno 111] Connection refused"
		return
	}
	defer c.Close()
	if err := writeFrame(c, []byte(strconv.Itoa(r.ID))); err != nil {
		rr.Err = "ConnectionResetError: [Errno 104] Connection reset by peer"
		return
	}
	reply, err := readFrame(c)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// what Python's http.client raises when the server closes the
		// connection without answering (a killed worker)
		rr.Err = "RemoteDisconnected: Remote end closed connection without response"
	case err != nil:
		rr.Err = err.Error()
	default:
		rr.Status = string(reply)
	}
}

// dial connects to addr, retrying while nothing listens there yet.
func (lg *LoadGenerator) dial(addr string) (*sim.Conn, error) {
	var err error
	for range dialRetries {
		var c *sim.Conn
		if c, err = lg.w.Dial(addr); err == nil {
			return c, nil
		}
		lg.w.Sleep(dialBackoff)
	}
	return nil, err
}

// serveFrame reads one request frame from c and returns the request it
// names, or nil.
func serveFrame(c *sim.Conn, wl *Workload) *Request {
	body, err := readFrame(c)
	if err != nil {
		return nil
	}
	id, err := strconv.Atoi(string(body))
	if err != nil || id < 0 || id >= len(wl.Requests) {
		return nil
	}
	return wl.Requests[id]
}
