package app

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// WorkloadConfig says what the load generator asks of each served
// application. Requests are generated from the run's seed, or replayed
// from a recording (Recorded, Replay).
type WorkloadConfig struct {
	// Clients is the number of concurrent clients per served application
	// (Gunicorn, Celery, or the threads of a plain program).
	Clients int `toml:"clients"`
	// Requests is the number of requests each client sends, one after
	// the other.
	Requests int `toml:"requests"`
	// Transactions is the largest number of transactions in a request
	// (each request has 1 to Transactions), Statements the largest number
	// of statements in a transaction (1 to Statements).
	Transactions int `toml:"transactions"`
	Statements   int `toml:"statements"`
	// Keys is the number of kv keys ("k0", "k1", ...), ActivityRows the
	// number of activity rows, PayloadBytes the size of each row's
	// payload (a large payload makes replies span several of the
	// server's 8 KB writes).
	Keys         int `toml:"keys"`
	ActivityRows int `toml:"activity_rows"`
	PayloadBytes int `toml:"payload_bytes"`
	// Think is the pause between a client's requests.
	Think Duration `toml:"think"`
	// Mix weighs the kinds of requests and statements.
	Mix Mix `toml:"mix"`
	// Recorded is a recording of real client sessions (the record file of
	// `simulate serve --record`), relative to the scenario file, whose
	// statements replace the generated requests: the scenario loader
	// reads it into Replay.
	Recorded string `toml:"recorded"`
	// Replay, when not empty, are the requests every client sends, in
	// order, instead of generated ones (their ID, Target, Client and Seq
	// are set per client); see RecordedStatement.
	Replay []Request `toml:"-"`
}

// Mix weighs what requests do. Transaction and Autocommit weigh the two
// kinds of request: ORM transactions through the scoped session, or one
// autocommit single-key operation (for a linearizability check). Read,
// Write, Increment and Select weigh the statements of a transaction (Select
// is the incident's ORM query over activity, with aliased columns); Read,
// Write, Increment and Upsert weigh the autocommit operations. Rollback is
// the percentage of transactions that end in ROLLBACK instead of COMMIT.
type Mix struct {
	Transaction int `toml:"transaction"`
	Autocommit  int `toml:"autocommit"`
	Read        int `toml:"read"`
	Write       int `toml:"write"`
	Increment   int `toml:"increment"`
	Select      int `toml:"select"`
	Upsert      int `toml:"upsert"`
	Rollback    int `toml:"rollback"`
}

// DefaultWorkload is the small workload scenarios start from.
func DefaultWorkload() WorkloadConfig {
	return WorkloadConfig{Clients: 2, Requests: 3, Transactions: 1, Statements: 2, Keys: 4, ActivityRows: 3,
		PayloadBytes: 64, Mix: Mix{Transaction: 3, Autocommit: 1, Read: 2, Write: 1, Increment: 1, Select: 1, Upsert: 1}}
}

// OpKind is what one recorded operation does.
type OpKind uint8

// The operations.
const (
	// OpRead reads one kv row.
	OpRead OpKind = iota + 1
	// OpWrite sets one kv row's value.
	OpWrite
	// OpIncrement adds one to a kv row's value and returns the new value
	// (UPDATE ... RETURNING).
	OpIncrement
	// OpUpsert inserts a kv row or, on conflict, sets its value.
	OpUpsert
	// OpSelect is the ORM's aliased select over activity.
	OpSelect
	// OpCommit and OpRollback end a transaction.
	OpCommit
	OpRollback
	// OpSleep keeps the server busy (a background job's slow query).
	OpSleep
	// OpStatement is a recorded statement, sent as the client sent it;
	// its rows, if it returns any, are fetched.
	OpStatement
)

var opNames = [...]string{OpRead: "read", OpWrite: "write", OpIncrement: "increment", OpUpsert: "upsert",
	OpSelect: "select", OpCommit: "commit", OpRollback: "rollback", OpSleep: "sleep", OpStatement: "statement"}

// String returns the operation's name, like "increment".
func (k OpKind) String() string {
	if int(k) < len(opNames) && opNames[k] != "" {
		return opNames[k]
	}
	return fmt.Sprintf("op(%d)", uint8(k))
}

// Statement is one statement of a request: what it does and its SQL as
// SQLAlchemy renders it and psycopg2 sends it (values interpolated).
type Statement struct {
	Kind  OpKind
	Key   string // the kv key, for kv operations
	Value int64  // the value written, for OpWrite and OpUpsert
	SQL   string
}

// Transaction is a unit of work through the scoped session: its
// statements, then COMMIT, or ROLLBACK when Rollback is set.
type Transaction struct {
	Statements []Statement
	Rollback   bool
}

// Request is one request of the workload: transactions, or (when
// Autocommit is set) one autocommit single-key operation.
type Request struct {
	// ID numbers the request within the run, from 0.
	ID int
	// Target names the application that serves it: "gunicorn", "celery"
	// or "threads".
	Target string
	// Client is the index of the client that sends it, Seq its index
	// among that client's requests.
	Client, Seq  int
	Transactions []Transaction
	Autocommit   *Statement
}

// Workload is a generated set of requests.
type Workload struct {
	Config WorkloadConfig
	// Requests are indexed by ID.
	Requests []*Request
	// Clients is the number of clients of each target, by name.
	Clients map[string]int // lookup only
}

// Generate draws the requests of each target's Config.Clients clients
// from seed (see Add).
func Generate(cfg WorkloadConfig, seed uint64, targets ...string) *Workload {
	wl := &Workload{Config: cfg}
	for _, target := range targets {
		wl.Add(target, cfg.Clients, seed)
	}
	return wl
}

// Add draws the requests of target's clients from seed. The draw for a
// target depends only on the seed, the target's name, the number of
// clients and the configuration, so adding a target does not change
// another's requests. With a Replay, each client sends the replayed
// requests instead, whatever the seed.
func (wl *Workload) Add(target string, clients int, seed uint64) {
	cfg := wl.Config
	if wl.Clients == nil {
		wl.Clients = map[string]int{}
	}
	wl.Clients[target] = clients
	if len(cfg.Replay) > 0 {
		wl.addReplay(target, clients)
		return
	}
	rng := rand.New(rand.NewPCG(seed, hashString(target)))
	// values written are unique in the run: a prefix per target, then the
	// request's number within the target and the statement's
	base := int64(hashString(target)%1000+1) * 10_000_000_000
	n := 0
	for c := range clients {
		for s := range cfg.Requests {
			r := &Request{ID: len(wl.Requests), Target: target, Client: c, Seq: s}
			v := base + int64(n)*10_000
			if pick(rng, cfg.Mix.Transaction, cfg.Mix.Autocommit) == 1 {
				st := autocommitStatement(rng, cfg, v)
				r.Autocommit = &st
			} else {
				for i := range 1 + rng.IntN(max(cfg.Transactions, 1)) {
					r.Transactions = append(r.Transactions, transaction(rng, cfg, v+int64(i)*100))
				}
			}
			wl.Requests = append(wl.Requests, r)
			n++
		}
	}
}

// For returns the requests of target's client c, in order.
func (wl *Workload) For(target string, c int) []*Request {
	var out []*Request
	for _, r := range wl.Requests {
		if r.Target == target && r.Client == c {
			out = append(out, r)
		}
	}
	return out
}

// transaction draws one transaction whose writes write base+1, base+2,
// ...
func transaction(rng *rand.Rand, cfg WorkloadConfig, base int64) Transaction {
	var t Transaction
	m := cfg.Mix
	for range 1 + rng.IntN(max(cfg.Statements, 1)) {
		key := keyName(rng.IntN(max(cfg.Keys, 1)))
		value := base + int64(len(t.Statements)) + 1
		switch pick(rng, m.Read, m.Write, m.Increment, m.Select) {
		case 0:
			t.Statements = append(t.Statements, ReadStatement(key))
		case 1:
			t.Statements = append(t.Statements, WriteStatement(key, value))
		case 2:
			t.Statements = append(t.Statements, IncrementStatement(key))
		default:
			t.Statements = append(t.Statements, SelectStatement())
		}
	}
	t.Rollback = rng.IntN(100) < m.Rollback
	return t
}

// autocommitStatement draws an autocommit operation writing base+1.
func autocommitStatement(rng *rand.Rand, cfg WorkloadConfig, base int64) Statement {
	m := cfg.Mix
	key := keyName(rng.IntN(max(cfg.Keys, 1)))
	value := base + 1
	switch pick(rng, m.Read, m.Write, m.Increment, m.Upsert) {
	case 0:
		return ReadStatement(key)
	case 1:
		return WriteStatement(key, value)
	case 2:
		return IncrementStatement(key)
	}
	return UpsertStatement(key, value)
}

// pick draws an index with probability proportional to its weight; all
// weights zero picks 0.
func pick(rng *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += max(w, 0)
	}
	if total == 0 {
		return 0
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < max(w, 0) {
			return i
		}
		n -= max(w, 0)
	}
	return len(weights) - 1
}

// hashString is FNV-1a, to derive a stream of the seed per target.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func keyName(i int) string { return fmt.Sprintf("k%d", i) }

// ReadStatement is session.get(KV, key) as the ORM renders it.
func ReadStatement(key string) Statement {
	return Statement{Kind: OpRead, Key: key, SQL: "SELECT kv.k AS kv_k, kv.v AS kv_v FROM kv WHERE kv.k = '" + key + "'"}
}

// WriteStatement is an ORM UPDATE of key's value.
func WriteStatement(key string, v int64) Statement {
	return Statement{Kind: OpWrite, Key: key, Value: v, SQL: fmt.Sprintf("UPDATE kv SET v=%d WHERE kv.k = '%s'", v, key)}
}

// IncrementStatement is update(KV).values(v=KV.v + 1).returning(KV.v).
func IncrementStatement(key string) Statement {
	return Statement{Kind: OpIncrement, Key: key, SQL: "UPDATE kv SET v=(kv.v + 1) WHERE kv.k = '" + key + "' RETURNING kv.v"}
}

// UpsertStatement is PostgreSQL's insert(...).on_conflict_do_update.
func UpsertStatement(key string, v int64) Statement {
	return Statement{Kind: OpUpsert, Key: key, Value: v,
		SQL: fmt.Sprintf("INSERT INTO kv (k, v) VALUES ('%s', %d) ON CONFLICT (k) DO UPDATE SET v = excluded.v", key, v)}
}

// SleepStatement is a statement that keeps the server busy for d
// (SELECT pg_sleep(seconds)), a background job's report query.
func SleepStatement(d time.Duration) Statement {
	return Statement{Kind: OpSleep, SQL: fmt.Sprintf("SELECT pg_sleep(%g)", d.Seconds())}
}

// activityColumns are the activity table's columns as the ORM selects
// them through the alias activity_1.
var activityColumns = []string{"id", "name", "kind", "owner", "payload", "created"}

// SelectStatement is the incident's ORM query: every activity row,
// through an alias, with labelled columns (activity_1_id, ...), whose long
// RowDescription is where a reader that lost its place takes "ty_1" for
// a message header.
func SelectStatement() Statement {
	var cols []string
	for _, c := range activityColumns {
		cols = append(cols, "activity_1."+c+" AS activity_1_"+c)
	}
	return Statement{Kind: OpSelect,
		SQL: "SELECT " + strings.Join(cols, ", ") + " FROM activity AS activity_1 ORDER BY activity_1.id"}
}

// SettingsKey is the kv row the application reads through a module-level
// connection and its background thread touches.
const SettingsKey = "settings"

// SeedSQL returns the initial data: keys k0..k(Keys-1) and SettingsKey
// with value 0, and ActivityRows activity rows with payloads of
// PayloadBytes.
func (cfg WorkloadConfig) SeedSQL() string {
	var b strings.Builder
	b.WriteString("INSERT INTO kv VALUES ('" + SettingsKey + "', 0)")
	for i := range cfg.Keys {
		fmt.Fprintf(&b, ", ('%s', 0)", keyName(i))
	}
	b.WriteString(";")
	if cfg.ActivityRows > 0 {
		b.WriteString(" INSERT INTO activity VALUES ")
		for i := range cfg.ActivityRows {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%d, 'deploy-%d', 'job', 'ops', '%s', '2000-01-01 00:00:00')", i+1, i+1, strings.Repeat("x", cfg.PayloadBytes))
		}
		b.WriteString(";")
	}
	return b.String()
}
