package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/app"
)

// TestParseErrorsNameFileLineAndKey: a malformed file, an unknown knob, a
// value of the wrong type, an unknown hook and an out-of-range value are
// each one *Error naming the file, the line and the key.
func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		key, msg   string
	}{
		{"syntax", "summary = \"x\"\n[gunicorn]\nworkers = = 2\n", 3, "", "unexpected character"},
		{"unknown knob", "summary = \"x\"\n[gunicorn]\nworkers = 2\nworkers_count = 4\n", 4, "gunicorn.workers_count", `unknown knob "workers_count" (known here: bind, max_requests`},
		{"unknown section", "summary = \"x\"\n[gunicorn]\n\n[pgbouncer]\npool_mode = \"transaction\"\n", 4, "pgbouncer", `unknown knob "pgbouncer"`},
		{"wrong type", "[gunicorn]\nworkers = \"two\"\n", 2, "gunicorn.workers", "cannot decode TOML string into struct field"},
		{"unknown hook", "[gunicorn]\npost_fork = \"engine.close()\"\n", 2, "gunicorn.post_fork", "unknown hook"},
		{"bad duration", "[gunicorn]\ntimeout = \"thirty\"\n", 2, "gunicorn.timeout", "invalid duration"},
		{"bad value", "[gunicorn]\nworker_class = \"gevent\"\n", 2, "gunicorn.worker_class", `"gevent" is not one of sync, gthread`},
		{"bad pool", "[threads]\n\n[engine]\npoolclass = \"QueuPool\"\n", 4, "engine.poolclass", `"QueuPool" is not one of QueuePool`},
		{"bad recreate", "[celery]\nworker_process_init = \"create_engine(poolclass=Nul)\"\n", 2, "celery.worker_process_init", `"Nul" is not one of`},
		{"no topology", "summary = \"x\"\n", 0, "gunicorn", "no [gunicorn], [celery] or [threads] section"},
		{"range", "[gunicorn]\nworkers = 0\n", 2, "gunicorn.workers", "0 is less than 1"},
		{"nested", "[threads]\n[workload.mix]\nrollback = 150\n", 3, "workload.mix.rollback", "150 is not a percentage"},
	}
	for _, c := range cases {
		_, err := Parse("mine.toml", []byte(c.text))
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: got %v, want *Error", c.name, err)
		}
		if e.File != "mine.toml" || e.Line != c.line || e.Key != c.key || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%s: got file %q line %d key %q msg %q; want line %d key %q msg containing %q",
				c.name, e.File, e.Line, e.Key, e.Msg, c.line, c.key, c.msg)
		}
		if !strings.HasPrefix(err.Error(), "mine.toml:") || strings.Count(err.Error(), "\n") != 0 {
			t.Errorf("%s: error text %q is not one line starting with the file", c.name, err)
		}
	}
}

// TestParseKeepsDefaults: what a file leaves out keeps the defaults, a
// section present starts from its defaults, Python-style numbers of
// seconds are durations, and hooks read as Python.
func TestParseKeepsDefaults(t *testing.T) {
	s, err := Parse("dir/mine.toml", []byte(`
summary = "mine"
[gunicorn]
workers = 3
timeout = 45
post_fork = "engine.dispose(close=False)"
post_worker_init = "create_engine(poolclass=NullPool)"
[engine]
pool_recycle = 3600
pool_timeout = "250ms"
`))
	if err != nil {
		t.Fatal(err)
	}
	g := s.Gunicorn
	if s.Name != "mine" || g == nil || g.Workers != 3 || g.Threads != 1 || g.WorkerClass != "sync" || g.Bind != "app:8000" {
		t.Fatalf("gunicorn %+v name %q", g, s.Name)
	}
	if g.Timeout.D() != 45*time.Second || s.Engine.PoolRecycle.D() != time.Hour || s.Engine.PoolTimeout.D() != 250*time.Millisecond {
		t.Fatalf("durations %v %v %v", g.Timeout, s.Engine.PoolRecycle, s.Engine.PoolTimeout)
	}
	if g.PostFork != (app.Hook{Kind: app.HookDispose}) || g.PostWorkerInit != (app.Hook{Kind: app.HookRecreate, Poolclass: "NullPool"}) {
		t.Fatalf("hooks %v %v", g.PostFork, g.PostWorkerInit)
	}
	if s.Celery != nil || s.Threads != nil || s.Engine.PoolSize != 5 || s.Workload.Clients != 2 || s.Costs != app.DefaultCosts() {
		t.Fatalf("defaults lost: %+v", s)
	}
}

// TestLoadReadsAFile: Load reads one's own file from disk.
func TestLoadReadsAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my-deployment.toml")
	if err := os.WriteFile(path, []byte("summary = \"x\"\n[threads]\nthreads = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil || s.Name != "my-deployment" || s.Threads.Threads != 3 {
		t.Fatalf("%v %+v", err, s)
	}
	if err := os.WriteFile(path, []byte("[threads]\nthreads = 3\nshare = \"socket\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":3:1: key threads.share:") {
		t.Fatalf("got %v", err)
	}
}
