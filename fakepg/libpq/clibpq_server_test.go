//go:build linux

package libpq

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The C side of the differential test. A worker is one driver process and
// two listeners standing in for the server, a Unix socket and a loopback
// TCP port. For each case the
// worker accepts the driver's connection and writes the case's segments
// one at a time. The driver reports every recv call of libpq after it
// returned, with the bytes left in the socket (see driver.c); the worker
// writes the next segment only after a report that left nothing, so no
// recv can return bytes of two segments. (Watching the socket's send queue
// would not do: the kernel frees the queue while recv is still copying, and
// a segment written at that moment joins the same recv.) A segment larger
// than libpq's free buffer space is read by several recvs, as this
// package's Read calls are given no more room than libpq asks recv for.
// After the last segment has been read the worker shuts down its writing
// side, so the next recv sees end of file, as this package's reader
// returns io.EOF.
//
// libpq calls recv a second time at once when it holds more than 32 KiB
// (pqReadData's loop for long messages). The cases stay smaller than that:
// the second recv would race with the next segment, which the report of
// the first releases, so what it returns would depend on timing.

// reportTimeout bounds the wait for the driver's next recv report.
const reportTimeout = 10 * time.Second

// cWorker runs cases on one C driver process.
type cWorker struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *bufio.Reader
	reports chan recvReport   // the driver's recv reports, in order
	unix    *net.UnixListener // at dir/.s.PGSQL.port
	tcp     *net.TCPListener  // at 127.0.0.1:tcpPort
	dir     string
	port    string
	tcpPort string
}

// serverListener is what serve needs of either listener.
type serverListener interface {
	SetDeadline(time.Time) error
	Accept() (net.Conn, error)
}

// halfCloser is a connection whose writing side can be shut down.
type halfCloser interface {
	net.Conn
	CloseWrite() error
}

// recvReport is one line of the driver's report descriptor: a recv's
// result and the bytes left unread after it, or a case marker.
type recvReport struct {
	marker bool
	result int
	left   int
}

// startCWorker starts the driver and listens on DIR/.s.PGSQL.PORT, where
// libpq connects for host=DIR port=PORT, and on a loopback TCP port.
func startCWorker(driver, dir, port string) (*cWorker, error) {
	addr := &net.UnixAddr{Name: filepath.Join(dir, ".s.PGSQL."+port), Net: "unix"}
	unixLn, err := net.ListenUnix("unix", addr)
	if err != nil {
		return nil, err
	}
	tcpLn, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		unixLn.Close()
		return nil, err
	}
	ln := closeBoth{unixLn, tcpLn}
	cmd := exec.Command(driver)
	// A clean environment: no PG* variables, no password or service file,
	// untranslated messages.
	cmd.Env = []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + dir,
		"LC_ALL=C",
		"PGPASSFILE=" + filepath.Join(dir, "no-passfile"),
		"PGSERVICEFILE=" + filepath.Join(dir, "no-servicefile"),
		"PGSYSCONFDIR=" + dir,
	}
	cmd.Stderr = os.Stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		ln.Close()
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{pw} // descriptor 3
	stdin, err := cmd.StdinPipe()
	if err != nil {
		ln.Close()
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		ln.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		ln.Close()
		return nil, err
	}
	pw.Close()
	w := &cWorker{cmd: cmd, stdin: stdin, stdout: bufio.NewReader(stdout), reports: make(chan recvReport, 1024),
		unix: unixLn, tcp: tcpLn, dir: dir, port: port, tcpPort: fmt.Sprint(tcpLn.Addr().(*net.TCPAddr).Port)}
	go w.readReports(pr)
	return w, nil
}

// readReports parses the driver's recv reports until the driver exits.
func (w *cWorker) readReports(r io.ReadCloser) {
	defer r.Close()
	defer close(w.reports)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var rep recvReport
		if sc.Text() == "case" {
			rep.marker = true
		} else if _, err := fmt.Sscanf(sc.Text(), "%d %d", &rep.result, &rep.left); err != nil {
			panic(fmt.Sprintf("driver report %q: %v", sc.Text(), err))
		}
		w.reports <- rep
	}
}

func (w *cWorker) stop() {
	w.stdin.Close()
	_ = w.cmd.Wait()
	w.unix.Close()
	w.tcp.Close()
}

// closeBoth closes two listeners, on the error paths of startCWorker.
type closeBoth [2]io.Closer

func (c closeBoth) Close() {
	c[0].Close()
	c[1].Close()
}

// address returns the host and port the case connects to.
func (w *cWorker) address(dc diffCase) (host, port string) {
	if dc.tcp {
		return "127.0.0.1", w.tcpPort
	}
	return w.dir, w.port
}

// conninfo is the connection string the driver gets for a case, and
// connParams the same parameters for Connect.
func conninfo(host, port string, dc diffCase) string {
	s := fmt.Sprintf("host='%s' port=%s user=%s dbname=d sslmode=disable gssencmode=disable", host, port, diffUser)
	if dc.password != "" {
		s += " password='" + dc.password + "'"
	}
	return s
}

func connParams(host, port string, dc diffCase) map[string]string {
	p := map[string]string{"host": host, "port": port, "user": diffUser, "dbname": "d",
		"sslmode": "disable", "gssencmode": "disable"}
	if dc.password != "" {
		p["password"] = dc.password
	}
	return p
}

// diffUser is the user name every case connects as.
const diffUser = "u"

// served is what the server side of one case saw.
type served struct {
	client []byte // every byte the client wrote
	err    error
}

// run runs one case: connect, the case's steps, finish; it returns the
// driver's transcript followed by the client bytes line.
func (w *cWorker) run(dc diffCase) (string, error) {
	host, port := w.address(dc)
	var ln serverListener = w.unix
	if dc.tcp {
		ln = w.tcp
	}
	stop := make(chan struct{})
	stopped := false
	stopServer := func() {
		if !stopped {
			close(stop)
			stopped = true
		}
	}
	defer stopServer()
	done := make(chan served, 1)
	go w.serve(ln, dc.segs, stop, done)

	watchdog := time.AfterFunc(cDriverTimeout, func() { _ = w.cmd.Process.Kill() })
	defer watchdog.Stop()

	var out strings.Builder
	steps := append(append([]diffStep{{cmd: "connect", arg: conninfo(host, port, dc)}}, dc.steps...), diffStep{cmd: "finish"})
	for _, st := range steps {
		line := st.cmd
		switch st.cmd {
		case "connect", "exec", "send", "poll", "xparams", "prepare", "xprepared":
			line += " " + hex.EncodeToString([]byte(st.arg))
		case "verbosity":
			line += " " + st.arg
		}
		if _, err := io.WriteString(w.stdin, line+"\n"); err != nil {
			return "", fmt.Errorf("driver: %w", err)
		}
		for {
			l, err := w.stdout.ReadString('\n')
			if err != nil {
				return "", fmt.Errorf("driver output after %q: %w (so far:\n%s)", st.cmd, err, out.String())
			}
			out.WriteString(l)
			if l == ".\n" {
				break
			}
		}
	}
	stopServer()
	var s served
	select {
	case s = <-done:
	case <-time.After(cDriverTimeout):
		return "", errors.New("the server side did not finish")
	}
	if s.err != nil {
		return "", s.err
	}
	out.WriteString(clientBytesLine(s.client))
	return out.String(), nil
}

// serve accepts the case's connection, feeds it segs and collects what the
// client writes until the client closes.
func (w *cWorker) serve(ln serverListener, segs [][]byte, stop <-chan struct{}, done chan<- served) {
	if err := ln.SetDeadline(time.Now().Add(cDriverTimeout)); err != nil {
		done <- served{err: err}
		return
	}
	nc, err := ln.Accept()
	if err != nil {
		done <- served{err: fmt.Errorf("accept: %w", err)}
		return
	}
	conn := nc.(halfCloser)
	defer conn.Close()
	read := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(conn)
		read <- b
	}()
	if err := feedSegments(conn, segs, w.reports, stop); err != nil {
		done <- served{err: err}
		return
	}
	done <- served{client: <-read}
}

// feedSegments writes each segment once the client's recv calls have
// consumed the one before, then shuts down the writing side once the last
// one is consumed. The case's reports begin after its marker; reports left
// from an earlier case are skipped. It returns early, without error, when
// stop is closed or the client has gone.
func feedSegments(conn halfCloser, segs [][]byte, reports <-chan recvReport, stop <-chan struct{}) error {
	next := func() (recvReport, bool, error) {
		select {
		case rep, ok := <-reports:
			if !ok {
				return rep, false, errors.New("the driver exited")
			}
			return rep, true, nil
		case <-stop:
			return recvReport{}, false, nil
		case <-time.After(reportTimeout):
			return recvReport{}, false, errors.New("no recv report from the driver: libpq's recv calls do not reach the driver's recv")
		}
	}
	for {
		rep, ok, err := next()
		if !ok {
			return err
		}
		if rep.marker {
			break
		}
	}
	// consumed waits for a recv that returned bytes and left none.
	consumed := func() (bool, error) {
		for {
			rep, ok, err := next()
			if !ok {
				return false, err
			}
			if rep.marker {
				return false, errors.New("a new case began while segments were left")
			}
			if rep.result > 0 && rep.left == 0 {
				return true, nil
			}
		}
	}
	for _, seg := range segs {
		if len(seg) == 0 {
			continue
		}
		if _, err := conn.Write(seg); err != nil {
			return nil // the client closed its socket
		}
		if ok, err := consumed(); !ok {
			return err
		}
	}
	_ = conn.CloseWrite()
	// Take the reports of the recvs that meet end of file.
	for {
		if _, ok, err := next(); !ok {
			return err
		}
	}
}
