package pgtest

import (
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

// postmaster is a running postgres server process, a child of the test
// binary.
type postmaster struct {
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has exited
	waitErr error         // valid once exited is closed
}

// launch starts cmd with a parent-death signal of SIGQUIT (PostgreSQL's
// immediate shutdown), so the server stops when the test binary exits
// however it exits.
func launch(cmd *exec.Cmd) (*postmaster, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	pm := &postmaster{cmd: cmd, exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// The parent-death signal is sent when the thread that started
		// the child exits, not the process, so this goroutine keeps its
		// thread until the child is gone.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		pm.waitErr = cmd.Wait()
		close(pm.exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return pm, nil
}

// running reports whether the process has not exited yet.
func (pm *postmaster) running() bool {
	select {
	case <-pm.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGQUIT, PostgreSQL's immediate shutdown (what
// `pg_ctl stop -m immediate` sends), and waits for the process to exit,
// killing it after 10 seconds.
func (pm *postmaster) stop() {
	if !pm.running() {
		return
	}
	_ = pm.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-pm.exited:
	case <-time.After(10 * time.Second):
		_ = pm.cmd.Process.Kill()
		<-pm.exited
	}
}
