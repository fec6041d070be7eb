package app

import "github.com/poolsim/poolsim/sim"

// Threads is a plain multi-threaded program: a process "program" whose
// main thread loads the application and starts Config.Threads threads,
// each running one client's requests itself (the latency of a request is
// the time its thread spends on it).
type Threads struct {
	Config ThreadsConfig
	// Proc is the program's process.
	Proc *sim.Process
	// App is the loaded application, once the main thread has loaded it.
	App Application
}

// StartThreads starts the program; its requests are the workload's for
// target "threads".
func StartThreads(env Env, cfg ThreadsConfig, load Loader) *Threads {
	t := &Threads{Config: cfg, Proc: env.W.NewProcess("program")}
	t.Proc.Go("main", func() {
		t.App = load()
		for c := range cfg.Threads {
			reqs := env.Workload.For("threads", c)
			t.Proc.Go("thread", func() {
				for i, r := range reqs {
					if i > 0 {
						env.W.Sleep(env.Workload.Config.Think.D())
					}
					rr := &RequestRecord{Request: r, Client: env.W.Current().Path(), Sent: env.W.Elapsed(), SentStep: env.W.Step()}
					env.Rec.Requests = append(env.Rec.Requests, rr)
					rr.Status = StatusOK
					if err := t.App.Serve(r); err != nil {
						rr.Status = StatusError
						text, class := ErrorText(err)
						env.Log.Printf(Error, "request %d: %s: %s", r.ID, class, text)
					}
					rr.Replied, rr.RepliedStep, rr.Done = env.W.Elapsed(), env.W.Step(), true
				}
			})
		}
	})
	return t
}
