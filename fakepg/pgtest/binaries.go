package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// debianBinDir is where Debian's postgresql-15 package installs the server.
const debianBinDir = "/usr/lib/postgresql/15/bin"

// binaries is a PostgreSQL 15 installation found on this machine.
type binaries struct {
	dir     string // directory holding initdb and postgres
	version string // first line of "postgres --version"
}

// errNoPostgres reports that no PostgreSQL 15 binaries were found.
var errNoPostgres = errors.New("no PostgreSQL 15 server binaries found")

var found struct {
	once sync.Once
	bins binaries
	err  error
}

// findBinaries looks for PostgreSQL 15's initdb and postgres, in order, in
// `pg_config --bindir`, in /usr/lib/postgresql/15/bin and on PATH. The result
// is cached for the life of the process.
func findBinaries() (binaries, error) {
	found.once.Do(func() {
		var tried []string
		var dirs []string
		if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
			dirs = append(dirs, strings.TrimSpace(string(out)))
		} else {
			tried = append(tried, "pg_config --bindir: "+err.Error())
		}
		dirs = append(dirs, debianBinDir)
		if p, err := exec.LookPath("postgres"); err == nil {
			if r, err := filepath.EvalSymlinks(p); err == nil {
				p = r
			}
			dirs = append(dirs, filepath.Dir(p))
		} else {
			tried = append(tried, "postgres on PATH: not found")
		}
		for _, dir := range dirs {
			b, err := checkBinDir(dir)
			if err == nil {
				found.bins = b
				return
			}
			tried = append(tried, err.Error())
		}
		found.err = fmt.Errorf("%w (%s); install them, e.g. apt-get install -y postgresql-15",
			errNoPostgres, strings.Join(tried, "; "))
	})
	return found.bins, found.err
}

// checkBinDir reports whether dir holds initdb and a PostgreSQL 15 postgres.
func checkBinDir(dir string) (binaries, error) {
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return binaries{}, fmt.Errorf("%s: no %s", dir, name)
		}
	}
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return binaries{}, fmt.Errorf("%s/postgres --version: %v", dir, err)
	}
	version := strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	// "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
	fields := strings.Fields(version)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "15.") {
		return binaries{}, fmt.Errorf("%s/postgres is %q, not 15.x", dir, version)
	}
	return binaries{dir: dir, version: version}, nil
}
