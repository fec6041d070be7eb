package serve

import (
	"net"
	"strings"
	"testing"
)

// nonLoopbackIP returns an address of one of the machine's interfaces
// that is not loopback, or "".
func nonLoopbackIP(t *testing.T) string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Logf("interface addresses: %v", err)
		return ""
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			return ipn.IP.String()
		}
	}
	return ""
}

// TestRefusesNonLoopbackWithoutAllowRemote: every address other machines
// could reach (all interfaces, a non-loopback interface's IP, a host
// name) is refused with an error naming --allow-remote, before anything
// listens.
func TestRefusesNonLoopbackWithoutAllowRemote(t *testing.T) {
	addrs := []string{"0.0.0.0:0", ":0", "[::]:0", "example.com:0", "10.1.2.3:0"}
	if ip := nonLoopbackIP(t); ip != "" {
		addrs = append(addrs, net.JoinHostPort(ip, "0"))
	} else {
		t.Log("no non-loopback interface address on this machine")
	}
	for _, addr := range addrs {
		s, err := Start(Config{Listen: addr, MaxConnections: 10})
		if err == nil {
			s.Close()
			t.Errorf("Start(%s) served without AllowRemote", addr)
			continue
		}
		if !strings.Contains(err.Error(), "--allow-remote") || !strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("Start(%s): %v", addr, err)
		}
	}
}

// TestAcceptsLoopback: 127.0.0.0/8, localhost and an empty Listen (the
// default, on a port that may be taken) are loopback.
func TestAcceptsLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:0", "localhost:0"} {
		s := startServer(t, Config{Listen: addr})
		c, err := dialRaw(s.Addr())
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		if rows, err := c.query("SELECT 1"); err != nil || len(rows) != 1 || rows[0] != "1" {
			t.Fatalf("%s: SELECT 1: %v %v", addr, rows, err)
		}
		c.close()
	}
	for _, host := range []string{"127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"} {
		if !loopbackHost(strings.Trim(host, "[]")) {
			t.Errorf("%s is not taken for loopback", host)
		}
	}
	for _, host := range []string{"", "0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "localhost.example.com"} {
		if loopbackHost(host) {
			t.Errorf("%q is taken for loopback", host)
		}
	}
	if _, err := (Config{MaxConnections: 1}).listenAddress(); err != nil {
		t.Errorf("the default address: %v", err)
	}
}

// TestAllowRemoteAccepts: with AllowRemote the same addresses serve.
func TestAllowRemoteAccepts(t *testing.T) {
	addrs := []string{"0.0.0.0:0"}
	if ip := nonLoopbackIP(t); ip != "" {
		addrs = append(addrs, net.JoinHostPort(ip, "0"))
	}
	for _, addr := range addrs {
		s := startServer(t, Config{Listen: addr, AllowRemote: true})
		_, port := hostPort(t, s.Addr())
		dial := net.JoinHostPort("127.0.0.1", port)
		if host, _ := hostPort(t, addr); host != "0.0.0.0" {
			dial = net.JoinHostPort(host, port)
		}
		c, err := dialRaw(dial)
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		if rows, err := c.query("SELECT 2"); err != nil || len(rows) != 1 || rows[0] != "2" {
			t.Fatalf("%s: SELECT 2: %v %v", addr, rows, err)
		}
		c.close()
	}
}

// TestRefusesBadConfig: max connections below 1 and an address that is
// not host:port are refused with the flag named.
func TestRefusesBadConfig(t *testing.T) {
	for _, cfg := range []Config{{MaxConnections: 0}, {MaxConnections: -3}} {
		_, err := Start(cfg)
		if err == nil || !strings.Contains(err.Error(), "--max-connections") {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
	_, err := Start(Config{Listen: "127.0.0.1", MaxConnections: 5})
	if err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Errorf("no port: %v", err)
	}
	s := startServer(t, Config{})
	_, err = Start(Config{Listen: s.Addr(), MaxConnections: 5})
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("a taken port: %v", err)
	}
}
