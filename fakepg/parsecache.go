package fakepg

import "github.com/poolsim/poolsim/fakepg/sqlparse"

// ParseCache remembers what sqlparse.Parse made of query strings, so that
// the sessions of a server, and the servers of runs that run one after
// another, parse each distinct text once. It changes no behaviour: a parse
// depends only on the text, and neither the engine nor the server ever
// changes a parse tree (the statements of one text are shared by every
// session that sends it, as a session's own query cache already shares
// them between its executions).
//
// A ParseCache is not safe for concurrent use: give one to servers that
// run one at a time (the simulator's, run after run), never to a server
// that serves real TCP, whose sessions run in goroutines of their own.
type ParseCache struct {
	parsed map[string]parseResult // lookup only; never iterated
}

// parseResult is one text's parse: its statements or its error, and the
// text (the cache's own copy, which callers may keep as a key).
type parseResult struct {
	text  string
	stmts []sqlparse.Stmt
	err   error
}

// maxParsedTexts bounds a ParseCache; a full cache is emptied.
const maxParsedTexts = 4096

// NewParseCache returns an empty cache.
func NewParseCache() *ParseCache {
	return &ParseCache{parsed: map[string]parseResult{}}
}

// Parse returns sqlparse.Parse(text), from the cache when the text was
// parsed before. The statements are shared: callers must not change them.
// A nil cache parses every time.
func (c *ParseCache) Parse(text string) ([]sqlparse.Stmt, error) {
	if c == nil {
		return sqlparse.Parse(text)
	}
	if r, ok := c.parsed[text]; ok {
		return r.stmts, r.err
	}
	r := c.add(text)
	return r.stmts, r.err
}

// parseBytes is Parse of a query string as read from the wire; it also
// returns the text as a string (the cache's copy when it has the text, so
// that a repeated query allocates nothing).
func (c *ParseCache) parseBytes(text []byte) (string, []sqlparse.Stmt, error) {
	if c == nil {
		s := string(text)
		stmts, err := sqlparse.Parse(s)
		return s, stmts, err
	}
	if r, ok := c.parsed[string(text)]; ok {
		return r.text, r.stmts, r.err
	}
	r := c.add(string(text))
	return r.text, r.stmts, r.err
}

// add parses text into the cache.
func (c *ParseCache) add(text string) parseResult {
	stmts, err := sqlparse.Parse(text)
	if len(c.parsed) >= maxParsedTexts {
		clear(c.parsed)
	}
	r := parseResult{text: text, stmts: stmts, err: err}
	c.parsed[text] = r
	return r
}

// Len returns the number of texts the cache holds.
func (c *ParseCache) Len() int { return len(c.parsed) }
