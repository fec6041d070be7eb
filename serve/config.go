package serve

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"

	"github.com/poolsim/poolsim/fakepg"
)

// DefaultListen is the address served when Config.Listen is empty: the
// loopback interface, one port above PostgreSQL's own.
const DefaultListen = "127.0.0.1:5433"

// DefaultMaxConnections is PostgreSQL's max_connections default, for a
// command line's flag.
const DefaultMaxConnections = fakepg.DefaultMaxConnections

// Config configures a served fake backend.
type Config struct {
	// Listen is the TCP address, host:port ("" means DefaultListen). The
	// host must be loopback (127.0.0.0/8, ::1 or "localhost") unless
	// AllowRemote is set.
	Listen string
	// AllowRemote allows a listen address other machines can reach. The
	// server asks no password of anyone.
	AllowRemote bool
	// MaxConnections is max_connections, 1 or more; the sessions beyond it
	// get FATAL 53300 "sorry, too many clients already".
	MaxConnections int
	// Record, if set, is the file every client session's frontend
	// messages are written to (package record's format); it is created or
	// truncated.
	Record string
	// Log receives the server's log lines (nil: none).
	Log io.Writer
}

// listenAddress returns the address to listen on, after checking the
// configuration.
func (cfg Config) listenAddress() (string, error) {
	addr := cfg.Listen
	if addr == "" {
		addr = DefaultListen
	}
	if cfg.MaxConnections < 1 {
		return "", fmt.Errorf("serve: max connections must be at least 1, not %d (--max-connections)", cfg.MaxConnections)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("serve: listen address %q is not host:port (--listen): %v", addr, err)
	}
	if !cfg.AllowRemote && !loopbackHost(host) {
		return "", refuseRemote(addr)
	}
	return addr, nil
}

// loopbackHost reports whether host names the loopback interface: an
// address in 127.0.0.0/8 or ::1, or "localhost".
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.WithZone("").Unmap().IsLoopback()
}

// refuseRemote is the error for a listen address other machines could
// reach.
func refuseRemote(addr string) error {
	return fmt.Errorf("serve: refusing to listen on %s: not a loopback address (127.0.0.0/8, ::1 or localhost); "+
		"the fake backend trusts every client, so serving other machines needs --allow-remote", addr)
}
