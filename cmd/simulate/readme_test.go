package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

// TestReadmeNamesEveryFlag keeps the README's command reference true:
// every flag of every command is named there as --flag.
func TestReadmeNamesEveryFlag(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	e := &env{stdout: io.Discard, stderr: io.Discard}
	for _, c := range commands {
		if c.name == "default" {
			continue
		}
		if !strings.Contains(readme, "simulate "+c.name) {
			t.Errorf("README does not show simulate %s", c.name)
		}
		before := len(helps)
		c.run(e, []string{"-h"})
		for fs := range helps {
			if fs.Name() != c.name {
				continue
			}
			fs.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(readme, "--"+f.Name) {
					t.Errorf("README does not name simulate %s --%s", c.name, f.Name)
				}
			})
		}
		if len(helps) == before {
			t.Errorf("simulate %s -h made no flag set", c.name)
		}
	}
}
