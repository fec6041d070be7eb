//go:build linux

package libpq

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Generated cases of the differential test: the fuzz corpus of
// FuzzClientInput, and seeded random mutations of valid replies.

// generatedSeed fixes the mutations, so that the cases (and the names in
// knownDifferences) are the same on every run.
const generatedSeed = 7

// generatedCount is the number of mutated replies, generatedStartupCount
// the number of mutated startup exchanges.
const (
	generatedCount        = 1500
	generatedStartupCount = 500
)

// maxDiffStream keeps every case below the size at which libpq reads
// twice per pqReadData call (see clibpq_server_test.go).
const maxDiffStream = 32 << 10

// fuzzCorpusCases turns each FuzzClientInput corpus entry into a case run
// like the fuzz target: the data as the reply to "select * from x", read in
// chunks of the entry's chunk size, then "select 2".
func fuzzCorpusCases(t *testing.T) []diffCase {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", "FuzzClientInput")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []diffCase
	for _, e := range entries {
		text, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		data, chunk, err := parseFuzzEntry(string(text))
		if err != nil {
			t.Fatalf("corpus entry %s: %v", e.Name(), err)
		}
		if len(data) > maxDiffStream {
			continue
		}
		segs := [][]byte{data}
		if chunk > 0 {
			segs = splitEvery(data, int(chunk))
		}
		out = append(out, diffCase{
			name:  "fuzz/" + e.Name(),
			segs:  append([][]byte{stdStartupReply()}, segs...),
			steps: []diffStep{{cmd: "exec", arg: "select * from x"}, {cmd: "exec", arg: "select 2"}},
		})
	}
	if len(out) == 0 {
		t.Fatal("no fuzz corpus entries")
	}
	return out
}

// parseFuzzEntry reads a corpus file of FuzzClientInput: a []byte and a
// byte value, in the "go test fuzz v1" encoding.
func parseFuzzEntry(text string) ([]byte, byte, error) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 3 || lines[0] != "go test fuzz v1" {
		return nil, 0, fmt.Errorf("unexpected layout %q", text)
	}
	inner := func(line, prefix string) (string, error) {
		if !strings.HasPrefix(line, prefix) || !strings.HasSuffix(line, ")") {
			return "", fmt.Errorf("line %q is not %s...)", line, prefix)
		}
		return line[len(prefix) : len(line)-1], nil
	}
	lit, err := inner(lines[1], "[]byte(")
	if err != nil {
		return nil, 0, err
	}
	data, err := strconv.Unquote(lit)
	if err != nil {
		return nil, 0, err
	}
	lit, err = inner(lines[2], "byte(")
	if err != nil {
		return nil, 0, err
	}
	r, _, tail, err := strconv.UnquoteChar(strings.TrimSuffix(strings.TrimPrefix(lit, "'"), "'"), '\'')
	if err != nil || tail != "" || r > 0xff {
		return nil, 0, fmt.Errorf("bad byte literal %s", lit)
	}
	return []byte(data), byte(r), nil
}

// validReplies are well-formed replies that the mutations start from,
// each with its query.
func validReplies() []craftedReply {
	names := []string{"select", "error", "error-in-transaction", "notice", "multi-result", "error-then-rows",
		"nulls-and-empty", "notification", "copy-out", "cmdtuples", "extended-messages", "error-full-default",
		"error-multiline", "error-internal-query", "params", "params-error", "prepare", "prepared-error-position"}
	var out []craftedReply
	for _, cr := range craftedReplies() {
		if slices.Contains(names, cr.name) {
			out = append(out, cr)
		}
	}
	return out
}

// splitMessages cuts a well-formed stream into its messages.
func splitMessages(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 5 {
		n := 1 + int(binary.BigEndian.Uint32(b[1:]))
		if n < 5 || n > len(b) {
			break
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	if len(b) > 0 {
		out = append(out, b)
	}
	return out
}

// mutation is one way of damaging a reply; it returns the damaged bytes and
// a short description for the case name.
type mutation func(r *rand.Rand, reply []byte, other []byte) ([]byte, string)

var mutations = []mutation{
	// Flip one to three bytes.
	func(r *rand.Rand, b, _ []byte) ([]byte, string) {
		b = bytes.Clone(b)
		var where []string
		for range 1 + r.IntN(3) {
			i := r.IntN(len(b))
			b[i] ^= byte(1 + r.IntN(255))
			where = append(where, strconv.Itoa(i))
		}
		return b, "flip" + strings.Join(where, ",")
	},
	// Cut the reply short; the server then closes.
	func(r *rand.Rand, b, _ []byte) ([]byte, string) {
		n := r.IntN(len(b))
		return bytes.Clone(b[:n]), "truncate" + strconv.Itoa(n)
	},
	// Send one message twice.
	func(r *rand.Rand, b, _ []byte) ([]byte, string) {
		m := splitMessages(b)
		i := r.IntN(len(m))
		m = slices.Insert(m, i, m[i])
		return bytes.Join(m, nil), "dup" + strconv.Itoa(i)
	},
	// Leave out one message.
	func(r *rand.Rand, b, _ []byte) ([]byte, string) {
		m := splitMessages(b)
		i := r.IntN(len(m))
		m = slices.Delete(m, i, i+1)
		return bytes.Join(m, nil), "drop" + strconv.Itoa(i)
	},
	// Swap two messages.
	func(r *rand.Rand, b, _ []byte) ([]byte, string) {
		m := splitMessages(b)
		i, j := r.IntN(len(m)), r.IntN(len(m))
		m[i], m[j] = m[j], m[i]
		return bytes.Join(m, nil), fmt.Sprintf("swap%d,%d", i, j)
	},
	// A prefix of this reply followed by a suffix of another, as when a
	// reader starts in the middle of someone else's reply.
	func(r *rand.Rand, b, other []byte) ([]byte, string) {
		i, j := r.IntN(len(b)+1), r.IntN(len(other))
		return cat(b[:i], other[j:]), fmt.Sprintf("splice%d,%d", i, j)
	},
	// Insert garbage.
	func(r *rand.Rand, b, _ []byte) ([]byte, string) {
		junk := make([]byte, 1+r.IntN(8))
		for k := range junk {
			junk[k] = byte(r.IntN(256))
		}
		i := r.IntN(len(b) + 1)
		return cat(b[:i], junk, b[i:]), fmt.Sprintf("insert%d+%d", i, len(junk))
	},
	// Change one message's length word a little.
	func(r *rand.Rand, b, _ []byte) ([]byte, string) {
		m := splitMessages(b)
		i := r.IntN(len(m))
		msg := bytes.Clone(m[i])
		d := r.IntN(7) - 3
		if len(msg) >= 5 {
			binary.BigEndian.PutUint32(msg[1:], uint32(int32(binary.BigEndian.Uint32(msg[1:]))+int32(d)))
		}
		m[i] = msg
		return bytes.Join(m, nil), fmt.Sprintf("length%d%+d", i, d)
	},
}

// generatedCases are generatedCount mutated replies, each cut into one to
// five segments at random and run in a random one of the reply's modes.
func generatedCases() []diffCase {
	r := rand.New(rand.NewPCG(generatedSeed, generatedSeed))
	pool := validReplies()
	var out []diffCase
	for k := range generatedCount {
		cr := pool[r.IntN(len(pool))]
		other := pool[r.IntN(len(pool))].reply
		mi := r.IntN(len(mutations))
		reply, what := mutations[mi](r, cr.reply, other)
		if len(reply) > maxDiffStream {
			reply = reply[:maxDiffStream]
		}
		var cuts []int
		if len(reply) > 1 {
			for range r.IntN(5) {
				cuts = append(cuts, 1+r.IntN(len(reply)-1))
			}
		}
		slices.Sort(cuts)
		modes := diffModes
		if cr.modes != nil {
			modes = cr.modes
		}
		mode := modes[r.IntN(len(modes))]
		name := fmt.Sprintf("gen/%03d/%s/%s/%s/cuts%v", k, cr.name, what, mode, cuts)
		out = append(out, replyCase(strings.ReplaceAll(name, " ", ","), cr, mode, splitAt(reply, cuts...)))
	}
	return out
}

// generatedStartupCases are generatedStartupCount mutated answers to the
// startup packet, cut into one to five segments at random, each followed
// by the reply to a query (which a damaged startup may take as its own).
// A password is given to half of them. Answers in which libpq would find a
// GSSAPI or SSPI request, or with a password a SASL one, are left out:
// those are the known differences of startup/gssapi and startup/sasl.
func generatedStartupCases() []diffCase {
	r := rand.New(rand.NewPCG(generatedSeed, generatedSeed+1))
	var pool []craftedStartup
	for _, cs := range craftedStartups() {
		switch cs.name {
		case "ok", "ok-version-text", "too-many-clients", "cleartext", "md5", "error-after-auth", "notice-during-startup",
			"sasl-without-password", "backend-key-short":
			pool = append(pool, cs)
		}
	}
	after := cat(cmdComplete("SELECT 0"), ready('I'))
	var out []diffCase
	for k := 0; len(out) < generatedStartupCount; k++ {
		cs := pool[r.IntN(len(pool))]
		other := pool[r.IntN(len(pool))].reply
		reply, what := mutations[r.IntN(len(mutations))](r, cs.reply, other)
		password := r.IntN(2) == 0
		if unimplementedAuth(reply, password) {
			continue // a known difference, shown by startup/gssapi and startup/sasl
		}
		var cuts []int
		if len(reply) > 1 {
			for range r.IntN(5) {
				cuts = append(cuts, 1+r.IntN(len(reply)-1))
			}
		}
		slices.Sort(cuts)
		name := strings.ReplaceAll(fmt.Sprintf("genstartup/%03d/%s/%s/password=%t/cuts%v", k, cs.name, what, password, cuts), " ", ",")
		dc := diffCase{name: name, segs: append(splitAt(reply, cuts...), after), steps: []diffStep{{cmd: "exec", arg: "select 0"}}}
		if password {
			dc.password = "secret"
		}
		out = append(out, dc)
	}
	return out
}

// unimplementedAuth reports whether libpq, waiting for authentication
// requests, would read from reply one for GSSAPI or SSPI, or with a
// password one for SASL. It follows the requests libpq would answer
// (cleartext and MD5 with a password) to the next one, which starts where
// the answer's handler stopped reading, not at the declared end.
func unimplementedAuth(reply []byte, password bool) bool {
	for p := 0; p+9 <= len(reply); {
		n := int32(binary.BigEndian.Uint32(reply[p+1:]))
		if reply[p] != 'R' || n < 8 || n > 2000 {
			return false
		}
		switch binary.BigEndian.Uint32(reply[p+5:]) {
		case authReqGSS, authReqGSSCont, authReqSSPI:
			return true
		case authReqSASL:
			return password
		case authReqPassword:
			p += 9
		case authReqMD5:
			p += 13
		default:
			return false
		}
		if !password {
			return false
		}
	}
	return false
}
