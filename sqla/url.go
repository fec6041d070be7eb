package sqla

import (
	"net/url"
	"strings"

	"github.com/poolsim/poolsim/sqla/exc"
)

// URL is a database URL: dialect+driver://user:password@host:port/database?query.
type URL struct {
	Dialect, Driver  string
	User, Password   string
	Host, Port       string
	Database         string
	Query            [][2]string // in the order written
	hasPasswordField bool
}

// ParseURL parses a database URL as make_url does (for the forms a
// PostgreSQL URL takes).
func ParseURL(s string) (*URL, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return nil, exc.Newf(exc.ArgumentError, "Could not parse rfc1738 URL from string '%s'", s)
	}
	u := &URL{}
	u.Dialect, u.Driver, _ = strings.Cut(scheme, "+")
	rest, q, _ := strings.Cut(rest, "?")
	hostpart, db, _ := strings.Cut(rest, "/")
	u.Database, _ = url.PathUnescape(db)
	if at := strings.LastIndex(hostpart, "@"); at >= 0 {
		cred := hostpart[:at]
		hostpart = hostpart[at+1:]
		user, pw, hasPw := strings.Cut(cred, ":")
		u.User, _ = url.PathUnescape(user)
		u.Password, _ = url.PathUnescape(pw)
		u.hasPasswordField = hasPw
	}
	u.Host, u.Port, _ = strings.Cut(hostpart, ":")
	if q != "" {
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			k, _ = url.QueryUnescape(k)
			v, _ = url.QueryUnescape(v)
			u.Query = append(u.Query, [2]string{k, v})
		}
	}
	return u, nil
}

// Addr is the address the driver dials in the simulated world: host:port
// (port 5432 when the URL has none).
func (u *URL) Addr() string {
	port := u.Port
	if port == "" {
		port = "5432"
	}
	return u.Host + ":" + port
}

// ConnectParams are psycopg2.connect's keyword arguments as the psycopg2
// dialect's create_connect_args makes them, in libpq's names: user,
// password, dbname, and the query's parameters.
func (u *URL) ConnectParams() map[string]string {
	p := map[string]string{}
	if u.User != "" {
		p["user"] = u.User
	}
	if u.hasPasswordField {
		p["password"] = u.Password
	}
	if u.Database != "" {
		p["dbname"] = u.Database
	}
	for _, kv := range u.Query {
		p[kv[0]] = kv[1]
	}
	return p
}
