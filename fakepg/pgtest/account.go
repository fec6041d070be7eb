package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

// account is the operating-system user that initdb and postgres run as.
//
// Both refuse to run as root, so when the tests run as root the commands
// are started with the credentials of the "postgres" user (what
// `runuser -u postgres --` would do, without needing runuser) and the
// cluster's directory is chowned to that user.
type account struct {
	cred     *syscall.Credential // nil: run as the current user
	uid, gid int
}

// serverAccount returns the account to run the server as.
func serverAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return account{}, fmt.Errorf("running as root, and PostgreSQL refuses root, but there is no postgres user to run it as: %v", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return account{}, fmt.Errorf("user postgres has uid %q gid %q", u.Uid, u.Gid)
	}
	return account{
		cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)},
		uid:  uid,
		gid:  gid,
	}, nil
}

// command returns a command that runs path as the account, with the
// environment of serverEnv.
func (a account) command(path string, args ...string) *exec.Cmd {
	cmd := exec.Command(path, args...)
	cmd.Env = serverEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: a.cred}
	return cmd
}

// chown gives path to the account, when it is not the current user.
func (a account) chown(path string) error {
	if a.cred == nil {
		return nil
	}
	return os.Chown(path, a.uid, a.gid)
}

// serverEnv is the current environment without the variables that would
// change where or how PostgreSQL runs (PG*, TZ, LANG, LC_*), plus TZ=UTC
// and LC_ALL=C so the cluster reports TimeZone "UTC" and English messages.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "PG"), name == "TZ", name == "LANG",
			name == "LANGUAGE", strings.HasPrefix(name, "LC_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TZ=UTC", "LC_ALL=C")
}
