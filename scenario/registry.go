package scenario

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// builtinFS holds the built-in scenario files.
//
//go:embed builtin/*.toml
var builtinFS embed.FS

// Builtin parses and returns every built-in scenario, sorted by name.
// Each call returns fresh values, which the caller may change.
func Builtin() ([]*Scenario, error) {
	names, err := fs.Glob(builtinFS, "builtin/*.toml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out []*Scenario
	for _, name := range names {
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		s, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Names returns the built-in scenarios' names, sorted.
func Names() []string {
	names, _ := fs.Glob(builtinFS, "builtin/*.toml")
	var out []string
	for _, n := range names {
		out = append(out, strings.TrimSuffix(path.Base(n), ".toml"))
	}
	slices.Sort(out)
	return out
}

// Lookup returns the built-in scenario called name.
func Lookup(name string) (*Scenario, error) {
	file := "builtin/" + name + ".toml"
	data, err := builtinFS.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("no built-in scenario %q (have: %s)", name, strings.Join(Names(), ", "))
	}
	return Parse(file, data)
}

// Source returns the text of the built-in scenario called name.
func Source(name string) (string, error) {
	data, err := builtinFS.ReadFile("builtin/" + name + ".toml")
	return string(data), err
}
