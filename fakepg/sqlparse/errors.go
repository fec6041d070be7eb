package sqlparse

import "fmt"

// SQLSTATE codes of the errors Parse returns.
const (
	// CodeSyntaxError is SQLSTATE 42601, syntax_error.
	CodeSyntaxError = "42601"
	// CodeFeatureNotSupported is SQLSTATE 0A000, feature_not_supported:
	// the query is valid PostgreSQL that this parser does not handle.
	CodeFeatureNotSupported = "0A000"
	// CodeInvalidEscapeSequence is SQLSTATE 22025, invalid_escape_sequence:
	// a malformed Unicode escape in an E'...' string.
	CodeInvalidEscapeSequence = "22025"
	// CodeCharacterNotInRepertoire is SQLSTATE 22021,
	// character_not_in_repertoire: an E'...' string whose escapes make
	// invalid UTF-8. Such errors have no position.
	CodeCharacterNotInRepertoire = "22021"
)

// Error is a parse error, shaped like the ErrorResponse PostgreSQL sends.
type Error struct {
	Code     string // SQLSTATE
	Message  string // PostgreSQL's primary message text
	Position int    // 1-based character position in the query; 0 if none
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// bailout carries an *Error out of the recursive descent through panic; Parse
// recovers it and nothing else.
type bailout struct{ err *Error }

// fail aborts parsing with err.
func fail(err *Error) { panic(bailout{err}) }

// catch runs f and returns the error it fails with, or nil.
func catch(f func()) (err *Error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	f()
	return nil
}

// errorNear builds PostgreSQL's "<what> at or near "<text>"" error, or
// "<what> at end of input" for the end-of-input token.
func (p *parser) errorNear(what string, t *token) *Error {
	if t.kind == tEOF {
		return &Error{Code: CodeSyntaxError, Message: what + " at end of input", Position: t.pos}
	}
	return &Error{
		Code:     CodeSyntaxError,
		Message:  fmt.Sprintf("%s at or near \"%s\"", what, p.src[t.start:t.end]),
		Position: t.pos,
	}
}

// syntaxError aborts with PostgreSQL's syntax error at token t.
func (p *parser) syntaxError(t *token) {
	fail(p.errorNear("syntax error", t))
}

// unsupported aborts with a feature_not_supported error at token t: the
// query is valid PostgreSQL up to and including t but uses something this
// parser does not handle; what names it.
func (p *parser) unsupported(t *token, what string) { p.unsupportedAt(t.pos, what) }

// unsupportedAt is unsupported at the character position pos.
func (p *parser) unsupportedAt(pos int, what string) {
	fail(&Error{
		Code:     CodeFeatureNotSupported,
		Message:  "poolsim does not support this statement: " + what,
		Position: pos,
	})
}
