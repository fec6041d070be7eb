package app

import (
	"fmt"
	"strings"
)

// HookKind is what a server hook (Gunicorn's post_fork and
// post_worker_init, Celery's worker_process_init) does to the
// application's engine.
type HookKind uint8

// The hook bodies.
const (
	// HookNone does nothing (no hook configured).
	HookNone HookKind = iota
	// HookDispose is engine.dispose(close=False): the engine drops its
	// pool without touching the pool's connections and starts a new one,
	// the call SQLAlchemy recommends in a forked child.
	HookDispose
	// HookDisposeClose is engine.dispose(close=True), also written
	// engine.dispose(): the pool's checked-in connections are closed (the
	// driver sends Terminate) before the pool is replaced.
	HookDisposeClose
	// HookRecreate replaces the engine by a new one with another pool
	// class (the incident's proposal: create_engine(poolclass=NullPool) in
	// post_worker_init). The old engine is dropped without dispose.
	HookRecreate
)

// Hook is one hook's body as scenario files write it, in Python:
//
//	"none"                                 nothing
//	"engine.dispose(close=False)"          HookDispose
//	"engine.dispose(close=True)"           HookDisposeClose
//	"engine.dispose()"                     HookDisposeClose (SQLAlchemy's default)
//	"create_engine(poolclass=NullPool)"    HookRecreate with that pool class
type Hook struct {
	Kind HookKind
	// Poolclass is the new engine's pool class for HookRecreate.
	Poolclass string
}

// String returns the hook's Python text.
func (h Hook) String() string {
	switch h.Kind {
	case HookDispose:
		return "engine.dispose(close=False)"
	case HookDisposeClose:
		return "engine.dispose(close=True)"
	case HookRecreate:
		return "create_engine(poolclass=" + h.Poolclass + ")"
	}
	return "none"
}

// MarshalText returns the hook's Python text.
func (h Hook) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText parses a hook's Python text (spaces ignored).
func (h *Hook) UnmarshalText(b []byte) error {
	s := strings.ReplaceAll(string(b), " ", "")
	switch s {
	case "", "none", "None", "pass":
		*h = Hook{}
		return nil
	case "engine.dispose(close=False)":
		*h = Hook{Kind: HookDispose}
		return nil
	case "engine.dispose(close=True)", "engine.dispose()":
		*h = Hook{Kind: HookDisposeClose}
		return nil
	}
	if rest, ok := strings.CutPrefix(s, "create_engine(poolclass="); ok {
		if name, ok := strings.CutSuffix(rest, ")"); ok && name != "" {
			*h = Hook{Kind: HookRecreate, Poolclass: name}
			return nil
		}
	}
	return fmt.Errorf("unknown hook %q (want \"none\", \"engine.dispose(close=False)\", \"engine.dispose(close=True)\" or \"create_engine(poolclass=NAME)\")", string(b))
}
