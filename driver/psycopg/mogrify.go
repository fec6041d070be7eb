package psycopg

import (
	"fmt"
	"strings"

	"github.com/poolsim/poolsim/driver"
)

// Named is a vars mapping for %(name)s placeholders: pass it as the one
// argument of Execute or Mogrify. An empty Named is psycopg2's
// execute(query, {}): no placeholders, but %% still becomes %.
type Named map[string]any

// mogrify merges a query and its vars as cursor.execute does: _mogrify
// adapts the value of every placeholder (in the order the placeholders
// appear), then psycopg2's Bytes_Format substitutes the quoted values,
// raising Python's errors for a malformed format.
func mogrify(c *Conn, query string, args []any) (string, error) {
	named, isNamed := Named(nil), false
	if len(args) == 1 {
		named, isNamed = args[0].(Named)
	}
	cvt, err := adaptVars(c, query, args, named, isNamed)
	if err != nil {
		return "", err
	}
	if cvt == nil {
		return query, nil
	}
	out, ferr := bytesFormat(query, cvt)
	if ferr != nil {
		if ferr.Message == "not enough arguments for format string" {
			return "", exception(ProgrammingError, ferr.Message)
		}
		return "", ferr
	}
	return out, nil
}

// quotedVars is _mogrify's result: a tuple of quoted values by position
// (as long as the vars, positions no placeholder used left empty) or a
// mapping by name.
type quotedVars struct {
	tuple []string
	dict  map[string]string
	isMap bool
}

// adaptVars is _mogrify. It returns nil when the query has no
// placeholder (nor %%): the query is then sent unchanged.
func adaptVars(c *Conn, query string, args []any, named Named, isNamed bool) (*quotedVars, error) {
	var n *quotedVars
	force := false
	kind := 0 // 1 mapping, 2 positional
	index := 0
	for i := 0; i < len(query); i++ {
		if query[i] != '%' {
			continue
		}
		i++
		var next byte
		if i < len(query) {
			next = query[i]
		}
		switch next {
		case '%':
			force = true
		case '(':
			if kind == 2 {
				return nil, exception(ProgrammingError, "argument formats can't be mixed")
			}
			kind = 1
			d := i + 1
			for d < len(query) && query[d] != ')' && query[d] != '%' {
				d++
			}
			if d >= len(query) || query[d] != ')' {
				return nil, exception(ProgrammingError, "incomplete placeholder: '%(' without ')'")
			}
			key := query[i+1 : d]
			if !isNamed {
				return nil, builtin("TypeError", "tuple indices must be integers or slices, not str")
			}
			v, ok := named[key]
			if !ok {
				return nil, builtin("KeyError", pyRepr(key))
			}
			if n == nil {
				n = &quotedVars{dict: map[string]string{}, isMap: true}
			}
			if _, done := n.dict[key]; !done {
				q, err := quote(c, v)
				if err != nil {
					return nil, err
				}
				n.dict[key] = q
			}
			i = d // the format character after ')' is read as plain text
		default:
			if kind == 1 {
				return nil, exception(ProgrammingError, "argument formats can't be mixed")
			}
			kind = 2
			if isNamed {
				return nil, builtin("TypeError", "dict is not a sequence")
			}
			if index >= len(args) {
				return nil, builtin("IndexError", "tuple index out of range")
			}
			if n == nil {
				n = &quotedVars{tuple: make([]string, len(args))}
			}
			q, err := quote(c, args[index])
			if err != nil {
				return nil, err
			}
			n.tuple[index] = q
			index++
			i-- // the character after '%' is looked at again as plain text
		}
	}
	if force && n == nil {
		n = &quotedVars{}
	}
	return n, nil
}

// bytesFormat is psycopg2's Bytes_Format: fmt % args for %s, %(name)s and
// %% only.
func bytesFormat(format string, args *quotedVars) (string, *driver.Error) {
	var b strings.Builder
	b.Grow(len(format) + 100)
	argidx := 0
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if ch != '%' {
			b.WriteByte(ch)
			continue
		}
		i++
		var value string
		haveKey := false
		if i < len(format) && format[i] == '(' {
			if !args.isMap {
				return "", builtin("TypeError", "format requires a mapping")
			}
			keystart := i + 1
			pcount := 1
			j := keystart
			for pcount > 0 && j < len(format) {
				switch format[j] {
				case ')':
					pcount--
				case '(':
					pcount++
				}
				j++
			}
			if pcount > 0 {
				return "", builtin("ValueError", "incomplete format key")
			}
			key := format[keystart : j-1]
			v, ok := args.dict[key]
			if !ok {
				return "", builtin("KeyError", pyRepr(key))
			}
			value, haveKey = v, true
			i = j
		}
		if i >= len(format) {
			return "", builtin("ValueError", "incomplete format")
		}
		switch c := format[i]; c {
		case '%':
			b.WriteByte('%')
		case 's':
			switch {
			case haveKey:
				b.WriteString(value)
			case args.isMap:
				return "", builtin("ValueError", "only bytes values expected, got dict")
			case argidx < len(args.tuple):
				b.WriteString(args.tuple[argidx])
				argidx++
			default:
				return "", builtin("TypeError", "not enough arguments for format string")
			}
		default:
			return "", builtin("ValueError", fmt.Sprintf("unsupported format character '%c' (0x%x) at index %d", c, c, i))
		}
	}
	if !args.isMap && argidx < len(args.tuple) {
		return "", builtin("TypeError", "not all arguments converted during string formatting")
	}
	return b.String(), nil
}
