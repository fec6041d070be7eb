package app

import "github.com/poolsim/poolsim/procmem"

// Application is the code a server process runs: Gunicorn's WSGI
// application, the tasks of a Celery worker. It stands for memory of the
// process that loaded it; a forked child gets its copy (CopyInto).
type Application interface {
	// Serve handles one request in the current task. An error is the
	// exception the request raised; the server logs it in its own way and
	// answers with an error status.
	Serve(r *Request) error
	// Hook runs a server hook's body (post_fork, post_worker_init,
	// worker_process_init) in the current task.
	Hook(h Hook)
	// CopyInto returns the application's copy in a forked child.
	CopyInto(c *procmem.Copier) Application
}

// Loader imports the application in the current task's process: what
// "import app" does at the top of a WSGI module or a Celery tasks module
// (create the engine, maybe touch the database, start a background
// thread).
type Loader func() Application

// HTTP statuses Gunicorn answers with, and Celery's task states.
const (
	StatusOK      = "200 OK"
	StatusError   = "500 INTERNAL SERVER ERROR"
	StatusSuccess = "SUCCESS"
	StatusFailure = "FAILURE"
)
