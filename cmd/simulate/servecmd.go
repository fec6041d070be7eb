package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/poolsim/poolsim/serve"
)

func init() {
	register(command{name: "serve", args: "[flags]", summary: "the fake PostgreSQL backend for real clients (psql, pgx, psycopg2)", run: cmdServe})
}

func cmdServe(e *env, args []string) int {
	fs := newFlags(e, "serve", "[flags]",
		"Serves the fake PostgreSQL backend on loopback TCP to real clients until SIGINT or SIGTERM (then a fast\n"+
			"shutdown: every session gets FATAL 57P01). With --record, every frontend message of every client is written\n"+
			"to a file that a scenario can replay as its workload ([workload] recorded = \"FILE\").")
	cfg := serve.Config{Log: e.stderr}
	fs.StringVar(&cfg.Listen, "listen", serve.DefaultListen, "the `address` to listen on (loopback only unless --allow-remote)")
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow a non-loopback listen address (the fake trusts every client)")
	fs.IntVar(&cfg.MaxConnections, "max-connections", serve.DefaultMaxConnections, "max_connections, enforced as PostgreSQL does")
	fs.StringVar(&cfg.Record, "record", "", "record every client's frontend messages to `FILE` (JSON Lines)")
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(e, "serve: unexpected argument %q", pos[0])
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := serve.Start(cfg)
	if err != nil {
		return usageError(e, "%v", oneLine(err))
	}
	host, port, _ := net.SplitHostPort(srv.Addr())
	fmt.Fprintf(e.stdout, "serving the fake PostgreSQL 15 backend on %s (max_connections %d): psql -h %s -p %s -U postgres; stop with Ctrl-C\n",
		srv.Addr(), cfg.MaxConnections, host, port)
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(e.stderr, "simulate: serve: %v\n", err)
		return exitViolation
	}
	fmt.Fprintln(e.stdout, "stopped")
	return exitOK
}
