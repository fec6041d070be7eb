package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// loadScenario resolves a built-in scenario's name or a scenario file.
func loadScenario(arg string) (*scenario.Scenario, error) {
	if s, err := scenario.Lookup(arg); err == nil {
		return s, nil
	}
	if st, err := os.Stat(arg); err == nil && !st.IsDir() {
		s, err := scenario.Load(arg)
		if err != nil {
			return nil, oneLine(err)
		}
		return s, nil
	}
	if strings.HasSuffix(arg, ".toml") || strings.ContainsRune(arg, os.PathSeparator) {
		return nil, fmt.Errorf("no scenario file %s", arg)
	}
	return nil, fmt.Errorf("unknown scenario %q (simulate list shows them; or give a scenario file)", arg)
}

// oneLine keeps an error to its first line.
func oneLine(err error) error {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return errors.New(line)
}

// knobs are the scenario settings every scenario command takes as flags.
type knobs struct {
	workers, threads, clients, requests, poolSize, maxOverflow, maxConnections, maxSteps int
	split                                                                                string
	set                                                                                  setFlags
}

// setFlags collects repeated --set key=value flags.
type setFlags []sim.Param

func (s *setFlags) String() string { return "" }

func (s *setFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value (a dotted key of the scenario file), got %q", v)
	}
	*s = append(*s, sim.Param{Key: k, Value: val})
	return nil
}

func addKnobs(fs *flag.FlagSet) *knobs {
	k := &knobs{}
	fs.IntVar(&k.workers, "workers", 0, "Gunicorn workers or Celery concurrency (0: the scenario's)")
	fs.IntVar(&k.threads, "threads", 0, "threads per Gunicorn worker, or of a threaded program (0: the scenario's)")
	fs.IntVar(&k.clients, "clients", 0, "concurrent clients of the load generator (0: the scenario's)")
	fs.IntVar(&k.requests, "requests", 0, "requests per client (0: the scenario's)")
	fs.IntVar(&k.poolSize, "pool-size", -1, "create_engine pool_size (-1: the scenario's)")
	fs.IntVar(&k.maxOverflow, "max-overflow", -2, "create_engine max_overflow (-2: the scenario's; -1 is unlimited)")
	fs.IntVar(&k.maxConnections, "max-connections", 0, "the server's max_connections (0: the scenario's)")
	fs.IntVar(&k.maxSteps, "max-steps", 0, "step budget of a run (0: the scenario's)")
	fs.StringVar(&k.split, "split", "", "where reads may cut bytes: writes or bytes (empty: the scenario's)")
	fs.Var(&k.set, "set", "set any scenario key, as key=value (e.g. engine.pool_pre_ping=true); repeatable")
	return k
}

// apply returns s with the knobs set; a knob the scenario has no place
// for is an error.
func (k *knobs) apply(s *scenario.Scenario) (*scenario.Scenario, error) {
	var ps []sim.Param
	add := func(key string, v int) { ps = append(ps, sim.Param{Key: key, Value: strconv.Itoa(v)}) }
	if k.workers != 0 {
		switch {
		case s.Gunicorn != nil:
			add("gunicorn.workers", k.workers)
		case s.Celery != nil:
			add("celery.concurrency", k.workers)
		default:
			return nil, fmt.Errorf("--workers: scenario %s has no Gunicorn or Celery workers", s.Name)
		}
	}
	if k.threads != 0 {
		switch {
		case s.Gunicorn != nil:
			add("gunicorn.threads", k.threads)
		case s.Threads != nil:
			add("threads.threads", k.threads)
		default:
			return nil, fmt.Errorf("--threads: scenario %s has no threaded workers", s.Name)
		}
	}
	if k.clients != 0 {
		add("workload.clients", k.clients)
	}
	if k.requests != 0 {
		add("workload.requests", k.requests)
	}
	if k.poolSize != -1 {
		add("engine.pool_size", k.poolSize)
	}
	if k.maxOverflow != -2 {
		add("engine.max_overflow", k.maxOverflow)
	}
	if k.maxConnections != 0 {
		add("server.max_connections", k.maxConnections)
	}
	if k.maxSteps != 0 {
		add("run.max_steps", k.maxSteps)
	}
	if k.split != "" {
		if _, err := sim.ParseSplitPolicy(k.split); err != nil {
			return nil, fmt.Errorf("--split: %v", err)
		}
		ps = append(ps, sim.Param{Key: "run.split", Value: k.split})
	}
	ps = append(ps, k.set...)
	out, err := s.WithOverrides(ps...)
	if err != nil {
		return nil, oneLine(err)
	}
	return out, nil
}

// scenarioArg loads the one scenario argument with the knobs applied.
func scenarioArg(pos []string, k *knobs) (*scenario.Scenario, error) {
	if len(pos) != 1 {
		return nil, fmt.Errorf("want one scenario (a name from simulate list, or a file), got %d arguments", len(pos))
	}
	s, err := loadScenario(pos[0])
	if err != nil {
		return nil, err
	}
	if k == nil {
		return s, nil
	}
	return k.apply(s)
}
