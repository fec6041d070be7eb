package sqlparse

import "strings"

// kwCategory is a key word's category in PostgreSQL's grammar; it decides
// where the word may stand as a name.
type kwCategory uint8

// The key word categories.
const (
	kwUnreserved   kwCategory = iota + 1 // any name
	kwColName                            // column or table name, not function or type
	kwTypeFuncName                       // function or type name, not column or table
	kwReserved                           // only a label after AS or after a dot
	kwLookahead                          // NOT_LA, NULLS_LA, WITH_LA: never a name
)

// keyword is one key word.
type keyword struct {
	name      string // lower case, as in kwlist.h
	cat       kwCategory
	bareLabel bool // may be a column label without AS
}

// keywords maps the lower-case spelling of every key word to its entry.
var keywords = buildKeywords()

func buildKeywords() map[string]*keyword {
	m := make(map[string]*keyword, 480)
	for _, c := range []struct {
		words string
		cat   kwCategory
	}{
		{unreservedWords, kwUnreserved},
		{colNameWords, kwColName},
		{typeFuncNameWords, kwTypeFuncName},
		{reservedWords, kwReserved},
	} {
		for _, w := range strings.Fields(c.words) {
			m[w] = &keyword{name: w, cat: c.cat, bareLabel: true}
		}
	}
	for _, w := range strings.Fields(asLabelOnlyWords) {
		m[w].bareLabel = false
	}
	return m
}

// lookupKeyword returns the key word spelled word (in any ASCII case), or
// nil. Like PostgreSQL's ScanKeywordLookup it folds only ASCII letters, so
// an identifier with other characters is never a key word.
func lookupKeyword(word string) *keyword {
	if len(word) > maxKeywordLen {
		return nil
	}
	var buf [maxKeywordLen]byte
	for i := 0; i < len(word); i++ {
		c := word[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return keywords[string(buf[:len(word)])]
}

// maxKeywordLen is longer than the longest key word.
const maxKeywordLen = 24

// The PostgreSQL 15 key words (src/include/parser/kwlist.h), by category.

// unreservedWords can be used as any name (column, table, function, type, label).
const unreservedWords = `
	abort absolute access action add admin after aggregate also alter
	always asensitive assertion assignment at atomic attach attribute
	backward before begin breadth by cache call called cascade
	cascaded catalog chain characteristics checkpoint class close
	cluster columns comment comments commit committed compression
	configuration conflict connection constraints content continue
	conversion copy cost csv cube current cursor cycle data database
	day deallocate declare defaults deferred definer delete delimiter
	delimiters depends depth detach dictionary disable discard
	document domain double drop each enable encoding encrypted enum
	escape event exclude excluding exclusive execute explain
	expression extension external family filter finalize first
	following force forward function functions generated global
	granted groups handler header hold hour identity if immediate
	immutable implicit import include including increment index
	indexes inherit inherits inline input insensitive insert instead
	invoker isolation key label language large last leakproof level
	listen load local location lock locked logged mapping match
	matched materialized maxvalue merge method minute minvalue mode
	month move name names new next nfc nfd nfkc nfkd no normalized
	nothing notify nowait nulls object of off oids old operator option
	options ordinality others over overriding owned owner parallel
	parameter parser partial partition passing password plans policy
	preceding prepare prepared preserve prior privileges procedural
	procedure procedures program publication quote range read reassign
	recheck recursive ref referencing refresh reindex relative release
	rename repeatable replace replica reset restart restrict return
	returns revoke role rollback rollup routine routines rows rule
	savepoint schema schemas scroll search second security sequence
	sequences serializable server session set sets share show simple
	skip snapshot sql stable standalone start statement statistics
	stdin stdout storage stored strict strip subscription support
	sysid system tables tablespace temp template temporary text ties
	transaction transform trigger truncate trusted type types uescape
	unbounded uncommitted unencrypted unknown unlisten unlogged until
	update vacuum valid validate validator value varying version view
	views volatile whitespace within without work wrapper write xml
	year yes zone
`

// colNameWords can name columns and tables but not functions or types, except for
// their own special syntax.
const colNameWords = `
	between bigint bit boolean char character coalesce dec decimal
	exists extract float greatest grouping inout int integer interval
	least national nchar none normalize nullif numeric out overlay
	position precision real row setof smallint substring time
	timestamp treat trim values varchar xmlattributes xmlconcat
	xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi
	xmlroot xmlserialize xmltable
`

// typeFuncNameWords can name functions and types but not columns or tables.
const typeFuncNameWords = `
	authorization binary collation concurrently cross current_schema
	freeze full ilike inner is isnull join left like natural notnull
	outer overlaps right similar tablesample verbose
`

// reservedWords can only be used as column labels after AS, or after a dot.
const reservedWords = `
	all analyse analyze and any array as asc asymmetric both case cast
	check collate column constraint create current_catalog
	current_date current_role current_time current_timestamp
	current_user default deferrable desc distinct do else end except
	false fetch for foreign from grant group having in initially
	intersect into lateral leading limit localtime localtimestamp not
	null offset on only or order placing primary references returning
	select session_user some symmetric table then to trailing true
	union unique user using variadic when where window with
`

// asLabelOnlyWords are the key words that can be a column label only after
// AS: every other key word can also be a bare label (SELECT 1 x).
const asLabelOnlyWords = `
	array as char character create day except fetch filter for from
	grant group having hour intersect into isnull limit minute month
	notnull offset on order over overlaps precision returning second
	to union varying where window with within without year
`
