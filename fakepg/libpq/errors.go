package libpq

import "strings"

// Verbosity selects how much of an error libpq formats (PGVerbosity).
type Verbosity int

// The verbosity levels, numbered as in libpq.
const (
	PQERRORS_TERSE    Verbosity = iota // severity, primary text, position
	PQERRORS_DEFAULT                   // also detail, hint, context
	PQERRORS_VERBOSE                   // everything
	PQERRORS_SQLSTATE                  // severity and SQLSTATE only
)

// ContextVisibility selects when the CONTEXT field is shown
// (PGContextVisibility).
type ContextVisibility int

// The context visibility settings, numbered as in libpq.
const (
	PQSHOW_CONTEXT_NEVER  ContextVisibility = iota // never show CONTEXT
	PQSHOW_CONTEXT_ERRORS                          // only for errors (default)
	PQSHOW_CONTEXT_ALWAYS                          // also for notices
)

// SetErrorVerbosity sets the verbosity of error texts made from now on
// (PQsetErrorVerbosity) and returns the previous one. The default is
// PQERRORS_DEFAULT.
func (c *Conn) SetErrorVerbosity(v Verbosity) Verbosity {
	old := c.verbosity
	c.verbosity = v
	return old
}

// SetErrorContextVisibility sets when CONTEXT lines are shown
// (PQsetErrorContextVisibility) and returns the previous setting. The
// default is PQSHOW_CONTEXT_ERRORS.
func (c *Conn) SetErrorContextVisibility(v ContextVisibility) ContextVisibility {
	old := c.showContext
	c.showContext = v
	return old
}

// getErrorNotice is pqGetErrorNotice3: read an ErrorResponse (isError) or
// NoticeResponse. An error becomes the current result and its text is
// appended to errorMessage; a notice goes to the notice processor. It
// returns false if the fields run past the buffered data (wait for more).
func (c *Conn) getErrorNotice(isError bool) bool {
	// An error discards any partial result first, even if the message
	// then turns out to be incomplete.
	if isError {
		c.clearAsyncResult()
	}
	res := c.makeResult(PGRES_NONFATAL_ERROR)
	if isError {
		res.status = PGRES_FATAL_ERROR
	}
	havePosition := false
	for {
		id, ok := c.getc()
		if !ok {
			return false
		}
		if id == 0 {
			break
		}
		value, ok := c.gets()
		if !ok {
			return false
		}
		res.errFields = append(res.errFields, errField{code: id, value: value})
		switch id {
		case 'C':
			c.lastSQLState = truncate(value, 5)
		case 'P':
			havePosition = true
		}
	}
	// Keep the query text for the error cursor display, only if needed.
	if h := c.queueHead(); havePosition && h != nil && h.hasQuery {
		res.errQuery, res.hasErrQuery = h.query, true
	}
	var b strings.Builder
	buildErrorMessage(&b, res, c.verbosity, c.showContext)
	text := b.String()
	res.errMsg = cString(text)
	if isError {
		c.clearAsyncResult()
		c.result = res
		c.appendError(text)
	} else {
		internalNoticeResult(res)
	}
	return true
}

// internalNoticeResult passes a notice result to the notice receiver; the
// default receiver calls the processor with PQresultErrorMessage.
func internalNoticeResult(res *Result) {
	if res.notice != nil {
		res.notice(res.errMsg)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// VerboseErrorMessage formats the result's error again with the given
// settings (PQresultVerboseErrorMessage); for a result that is not an error
// it returns "PGresult is not an error result\n".
func (r *Result) VerboseErrorMessage(v Verbosity, show ContextVisibility) string {
	if r == nil || (r.status != PGRES_FATAL_ERROR && r.status != PGRES_NONFATAL_ERROR) {
		return "PGresult is not an error result\n"
	}
	var b strings.Builder
	buildErrorMessage(&b, r, v, show)
	return b.String()
}

// buildErrorMessage is pqBuildErrorMessage3: format an error or notice
// from its fields, as psql prints it.
func buildErrorMessage(b *strings.Builder, res *Result, verbosity Verbosity, show ContextVisibility) {
	if len(res.errFields) == 0 {
		// A libpq-generated error: its text is the message.
		if res.errMsg != "" {
			b.WriteString(res.errMsg)
		} else {
			b.WriteString("no error message available\n")
		}
		return
	}
	if v, ok := res.errorField('S'); ok {
		b.WriteString(v + ":  ")
	}
	if verbosity == PQERRORS_SQLSTATE {
		if v, ok := res.errorField('C'); ok {
			b.WriteString(v + "\n")
			return
		}
		verbosity = PQERRORS_TERSE
	}
	if verbosity == PQERRORS_VERBOSE {
		if v, ok := res.errorField('C'); ok {
			b.WriteString(v + ": ")
		}
	}
	if v, ok := res.errorField('M'); ok {
		b.WriteString(v)
	}
	var querytext string
	haveQuery := false
	querypos := int32(0)
	if v, ok := res.errorField('P'); ok {
		if verbosity != PQERRORS_TERSE && res.hasErrQuery {
			querytext, haveQuery = res.errQuery, true
			querypos = atoi(v)
		} else {
			b.WriteString(" at character " + v)
		}
	} else if v, ok := res.errorField('p'); ok {
		q, qok := res.errorField('q')
		if verbosity != PQERRORS_TERSE && qok {
			querytext, haveQuery = q, true
			querypos = atoi(v)
		} else {
			b.WriteString(" at character " + v)
		}
	}
	b.WriteByte('\n')
	if verbosity != PQERRORS_TERSE {
		if haveQuery && querypos > 0 {
			reportErrorPosition(b, querytext, int(querypos), res.clientEncoding)
		}
		if v, ok := res.errorField('D'); ok {
			b.WriteString("DETAIL:  " + v + "\n")
		}
		if v, ok := res.errorField('H'); ok {
			b.WriteString("HINT:  " + v + "\n")
		}
		if v, ok := res.errorField('q'); ok {
			b.WriteString("QUERY:  " + v + "\n")
		}
		if show == PQSHOW_CONTEXT_ALWAYS || (show == PQSHOW_CONTEXT_ERRORS && res.status == PGRES_FATAL_ERROR) {
			if v, ok := res.errorField('W'); ok {
				b.WriteString("CONTEXT:  " + v + "\n")
			}
		}
	}
	if verbosity == PQERRORS_VERBOSE {
		for _, f := range []struct {
			code  byte
			label string
		}{{'s', "SCHEMA NAME"}, {'t', "TABLE NAME"}, {'c', "COLUMN NAME"}, {'d', "DATATYPE NAME"}, {'n', "CONSTRAINT NAME"}} {
			if v, ok := res.errorField(f.code); ok {
				b.WriteString(f.label + ":  " + v + "\n")
			}
		}
		valf, okf := res.errorField('F')
		vall, okl := res.errorField('L')
		val, ok := res.errorField('R')
		if ok || okf || okl {
			b.WriteString("LOCATION:  ")
			if ok {
				b.WriteString(val + ", ")
			}
			if okf && okl {
				b.WriteString(valf + ":" + vall)
			}
			b.WriteByte('\n')
		}
	}
}

// atoi is C's atoi on glibc: strtol (leading white space, optional sign,
// digits, saturating at the long range) converted to int by truncation.
func atoi(s string) int32 {
	i, neg := cNumberStart(s)
	const maxLong = int64(^uint64(0) >> 1)
	var n uint64
	overflow := false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if n > (uint64(maxLong)+1-d)/10 {
			overflow = true
			continue
		}
		n = n*10 + d
	}
	var v int64
	switch {
	case overflow && neg:
		v = -maxLong - 1
	case overflow:
		v = maxLong
	case neg:
		v = -int64(n)
	default:
		if n > uint64(maxLong) {
			v = maxLong
		} else {
			v = int64(n)
		}
	}
	return int32(v)
}

// cNumberStart skips what strtol and scanf's %d skip before the digits:
// leading white space and an optional sign. It returns the index of the
// first digit position and whether the sign was minus.
func cNumberStart(s string) (int, bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	return i, neg
}
