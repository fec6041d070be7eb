package scenario

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/poolsim/poolsim/sim"
)

// FileParam is the schedule parameter naming the scenario file of a run
// whose scenario is not built in.
const FileParam = "file"

// SeedParam is the schedule parameter holding the workload seed.
const SeedParam = "seed"

// WithOverrides returns the scenario with settings changed: each param's
// key is a dotted key of the scenario file ("gunicorn.workers",
// "engine.pool_size", "run.split") and its value is read as an integer,
// a boolean or else a string, as a file would hold it. The result is
// parsed and validated as a file is, so an unknown key or a bad value
// is an *Error naming the key. Its Overrides are s's followed by params;
// a schedule of a run of it records them.
func (s *Scenario) WithOverrides(params ...sim.Param) (*Scenario, error) {
	if len(params) == 0 {
		return s, nil
	}
	all := append(slices.Clone(s.Overrides), params...)
	var tables map[string]any
	if err := toml.Unmarshal(s.Source, &tables); err != nil {
		return nil, decodeError(s.File, err)
	}
	if tables == nil {
		tables = map[string]any{}
	}
	for _, p := range all {
		if err := setKey(tables, p.Key, tomlValue(p.Value)); err != nil {
			return nil, &Error{File: s.File, Key: p.Key, Msg: err.Error()}
		}
	}
	data, err := toml.Marshal(tables)
	if err != nil {
		return nil, &Error{File: s.File, Msg: err.Error()}
	}
	out, err := Parse(s.File, data)
	if err != nil {
		return nil, err
	}
	out.Name, out.Source, out.Overrides = s.Name, s.Source, all
	return out, nil
}

// setKey sets the dotted key in tables, creating the tables on the way.
func setKey(tables map[string]any, key string, v any) error {
	parts := strings.Split(key, ".")
	if len(parts) < 2 || slices.Contains(parts, "") {
		return fmt.Errorf("want a dotted key like gunicorn.workers, got %q", key)
	}
	t := tables
	for _, p := range parts[:len(parts)-1] {
		next, ok := t[p]
		if !ok {
			m := map[string]any{}
			t[p] = m
			t = m
			continue
		}
		m, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not a table", p)
		}
		t = m
	}
	t[parts[len(parts)-1]] = v
	return nil
}

// tomlValue reads a command-line value as a file would hold it.
func tomlValue(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if b, err := strconv.ParseBool(s); err == nil && (s == "true" || s == "false") {
		return b
	}
	return s
}

// FromSchedule returns the scenario a schedule was recorded from and the
// workload seed: the built-in scenario its header names (or the file of
// its file parameter, read by load), with the recorded overrides and the
// recorded split policy applied.
func FromSchedule(sch *sim.Schedule, load func(path string) (*Scenario, error)) (*Scenario, uint64, error) {
	var s *Scenario
	var err error
	if f, ok := sch.Param(FileParam); ok {
		if load == nil {
			load = Load
		}
		s, err = load(f)
	} else {
		s, err = Lookup(sch.Scenario)
	}
	if err != nil {
		return nil, 0, err
	}
	var seed uint64
	var over []sim.Param
	for _, p := range sch.Params {
		switch p.Key {
		case FileParam:
		case SeedParam:
			if seed, err = strconv.ParseUint(p.Value, 10, 64); err != nil {
				return nil, 0, fmt.Errorf("schedule: param seed=%q is not a seed", p.Value)
			}
		default:
			over = append(over, p)
		}
	}
	if sch.SplitSet {
		if cur, err := sim.ParseSplitPolicy(s.Run.Split); err == nil && cur != sch.Split {
			over = append(over, sim.Param{Key: "run.split", Value: sch.Split.String()})
		}
	}
	if s, err = s.WithOverrides(over...); err != nil {
		return nil, 0, err
	}
	return s, seed, nil
}

// builtin reports whether s was read from the built-in scenarios.
func (s *Scenario) builtin() bool { return strings.HasPrefix(s.File, "builtin/") }
