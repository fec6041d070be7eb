package sqlparse

import "strings"

// Type names for casts (PostgreSQL's Typename). The result is the name as
// written, lower-cased (unless quoted) and single-spaced: "bigint",
// "double precision", "character varying", "timestamp with time zone".
// Type modifiers (varchar(10)), array types, qualified names and SETOF are
// valid PostgreSQL that is not supported.

// simpleTypeWords are the column-name key words that are complete type
// names on their own.
var simpleTypeWords = words("int", "integer", "smallint", "bigint", "real", "boolean")

// intervalFieldWords may follow INTERVAL in a type name.
var intervalFieldWords = words("year", "month", "day", "hour", "minute", "second")

// parseTypeName parses a type name.
func (p *parser) parseTypeName() string {
	t := p.peek()
	if t.isKw("setof") {
		p.unsupported(t, "SETOF")
	}
	name := p.simpleTypeName()
	t = p.peek()
	if t.isChar('[') || t.isKw("array") {
		p.unsupported(t, "array types")
	}
	// PostgreSQL reduces the type and its empty modifiers and array
	// bounds with the next token read.
	p.push(2, t)
	return name
}

// simpleTypeName parses a type name without array decoration.
func (p *parser) simpleTypeName() string {
	t := p.peek()
	var parts []string
	word := func(name string) {
		if p.peek().isKw(name) {
			p.push(len(parts)+1, p.peek())
		}
		p.expectKw(name)
		parts = append(parts, name)
	}
	switch {
	case t.kind == tIdent && t.kw != nil && t.kw.cat == kwColName:
		name := t.kw.name
		switch {
		case simpleTypeWords[name]:
			word(name)
			return name
		case name == "national":
			word(name)
			if !nationalCharsetWord.has(p.peek()) {
				p.syntaxError(p.peek())
			}
			word(p.peek().kw.name)
		case name == "float", name == "dec", name == "decimal", name == "numeric",
			name == "varchar", varyingTypeWords[name]:
			word(name)
		case timeZoneTypeWords[name]:
			word(name)
			p.noTypeModifiers(true)
			switch n := p.peek(); {
			case n.isKw("without"):
				word("without")
			case n.isKw("with_la"):
				p.push(2, n)
				p.next()
				parts = append(parts, "with")
			default:
				return strings.Join(parts, " ")
			}
			word("time")
			word("zone")
			return strings.Join(parts, " ")
		case name == "interval":
			word(name)
			p.noTypeModifiers(true)
			if n := p.peek(); intervalFieldWords.has(n) {
				p.unsupported(n, "INTERVAL fields")
			}
			return name
		default:
			p.syntaxError(t)
		}
		if varyingTypeWords[parts[0]] || parts[0] == "national" {
			if p.peek().isKw("varying") {
				word("varying")
			}
		}
		p.noTypeModifiers(iconstModifierWords[parts[0]])
		return strings.Join(parts, " ")
	case t.isKw("double") && p.peekAt(1).isKw("precision"):
		p.push(1, t)
		p.next()
		p.push(2, p.next())
		return "double precision"
	case t.isTypeFuncName():
		p.push(1, t)
		id := p.ident()
		n := p.peek()
		if n.isChar('.') {
			p.unsupported(n, "qualified type names")
		}
		p.noTypeModifiers(false)
		return id.Name
	}
	p.syntaxError(t)
	return ""
}

// iconstModifierWords are the types whose modifier is a single unsigned
// integer in PostgreSQL's grammar (varchar(10), float(53)); the others
// take an expression list (numeric(10, 2)).
var iconstModifierWords = words("float", "varchar", "char", "character", "nchar", "national")

// noTypeModifiers rejects a parenthesized type modifier list, unless the
// caller collects modifiers (p.typeMods); iconst says the type's modifier
// is a single unsigned integer.
func (p *parser) noTypeModifiers(iconst bool) {
	if t := p.peek(); t.isChar('(') {
		if p.typeMods != nil {
			p.parseTypeMods(iconst)
			return
		}
		p.unsupported(t, "type modifiers")
	}
}
