package engine

import (
	"cmp"
	"slices"
	"strings"
)

// The schemas (pg_namespace) of a PostgreSQL 15 database, with their OIDs.
// Users cannot create others (CREATE SCHEMA is not supported).
const (
	pgCatalogNamespace         = 11
	pgToastNamespace           = 99
	publicNamespace            = 2200
	informationSchemaNamespace = 13207
)

// namespaceByName returns the OID of the named schema, or 0.
func namespaceByName(name string) uint32 {
	switch name {
	case "pg_catalog":
		return pgCatalogNamespace
	case "pg_toast":
		return pgToastNamespace
	case "public":
		return publicNamespace
	case "information_schema":
		return informationSchemaNamespace
	}
	return 0
}

// namespaceName returns the name of the schema with the given OID.
func namespaceName(oid uint32) string {
	switch oid {
	case pgCatalogNamespace:
		return "pg_catalog"
	case pgToastNamespace:
		return "pg_toast"
	case publicNamespace:
		return "public"
	case informationSchemaNamespace:
		return "information_schema"
	}
	return ""
}

// searchPath returns the schemas unqualified names resolve in, in order,
// as PostgreSQL computes them from search_path: pg_catalog first unless
// the setting places it, then the listed schemas that exist ("$user"
// being the session user's name). explicit is the part the setting lists,
// whose first schema is current_schema() and where CREATE TABLE creates.
func (s *Session) searchPath() (path, explicit []uint32) {
	c := &s.path
	if text := s.gucs.vals["search_path"]; !c.valid || c.text != text || c.user != s.User {
		path, explicit = parseSearchPath(text, s.User)
		*c = pathCache{valid: true, text: text, user: s.User, path: path, explicit: explicit}
	}
	return c.path, c.explicit
}

// pathCache holds the schemas of the search_path text last resolved for
// user: the setting changes far less often than statements name tables.
// The slices are full: a caller appending to one copies it.
type pathCache struct {
	valid          bool
	text, user     string
	path, explicit []uint32
}

// parseSearchPath resolves a search_path setting for user (see
// searchPath).
func parseSearchPath(text, user string) (path, explicit []uint32) {
	for _, item := range strings.Split(text, ",") {
		name := strings.TrimSpace(item)
		if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
			name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
		} else {
			name = strings.ToLower(name)
		}
		if name == "$user" {
			name = user
		}
		if ns := namespaceByName(name); ns != 0 && !containsOID(explicit, ns) {
			explicit = append(explicit, ns)
		}
	}
	if !containsOID(explicit, pgCatalogNamespace) {
		path = append(path, pgCatalogNamespace)
	}
	path = append(path, explicit...)
	return path[:len(path):len(path)], explicit[:len(explicit):len(explicit)]
}

func containsOID(list []uint32, oid uint32) bool {
	for _, o := range list {
		if o == oid {
			return true
		}
	}
	return false
}

// creationNamespace returns the schema CREATE TABLE puts an unqualified
// table in: the first schema search_path lists that exists, or 0 (3F000
// "no schema has been selected to create in").
func (s *Session) creationNamespace() uint32 {
	_, explicit := s.searchPath()
	if len(explicit) == 0 {
		return 0
	}
	return explicit[0]
}

// relation is what a name in a schema can stand for: a table (or system
// catalog), one of its indexes or TOAST relations, or a sequence.
type relation struct {
	oid       uint32
	name      string
	namespace uint32
	kind      byte   // relkind: 'r' table, 'i' index, 't' TOAST table, 'S' sequence
	table     *Table // the table, for a table, its index or TOAST relation
	seq       *Sequence
	hasType   bool // the relation has a row type in pg_type (tables)
	created   *Txn // as for tables: the creating transaction until it commits
}

// eachRelation calls f with every relation of the database, visible or
// not: each sequence, then each table followed by its TOAST table and
// indexes; it stops when f returns false.
func (db *DB) eachRelation(f func(r relation) bool) {
	for _, sq := range db.sequences {
		if !f(relation{oid: sq.OID, name: sq.Name, namespace: sq.Namespace, kind: 'S', seq: sq, created: sq.created}) {
			return
		}
	}
	for _, t := range db.tables {
		if !f(relation{oid: t.OID, name: t.Name, namespace: t.Namespace, kind: 'r', table: t, hasType: true, created: t.created}) {
			return
		}
		if t.toastOID != 0 {
			if t.toast == "" {
				t.toast = toastName(t)
				t.toastIndex = t.toast + "_index"
			}
			if !f(relation{oid: t.toastOID, name: t.toast, namespace: pgToastNamespace, kind: 't', table: t, created: t.created}) ||
				!f(relation{oid: t.toastOID + 1, name: t.toastIndex, namespace: pgToastNamespace, kind: 'i', table: t, created: t.created}) {
				return
			}
		}
		for _, ix := range t.indexes {
			if !f(relation{oid: ix.oid, name: ix.name, namespace: t.Namespace, kind: 'i', table: t, created: t.created}) {
				return
			}
		}
	}
}

// relations lists every relation of the database, visible or not, in OID
// order (for user objects, the order of their creation).
func (db *DB) relations() []relation {
	var out []relation
	db.eachRelation(func(r relation) bool {
		out = append(out, r)
		return true
	})
	slices.SortStableFunc(out, func(a, b relation) int { return cmp.Compare(a.oid, b.oid) })
	return out
}

// toastName is the name of a table's TOAST table.
func toastName(t *Table) string { return "pg_toast_" + uitoa(t.OID) }

func uitoa(n uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// visibleTo reports whether tx sees r in the catalog.
func (r relation) visibleTo(tx *Txn) bool {
	switch {
	case r.table != nil:
		return r.table.visibleTo(tx)
	case r.seq != nil:
		return r.seq.visibleTo(tx)
	}
	return true
}

// seenBy reports whether a scan of pg_class by tx through snap shows r
// (see catalogEntry.seenBy).
func (r relation) seenBy(tx *Txn, snap *Snapshot) bool {
	switch {
	case r.table != nil:
		return r.table.seenBy(tx, snap)
	case r.seq != nil:
		return r.seq.seenBy(tx, snap)
	}
	return true
}

// findRelation returns the relation named name in schema ns that tx
// sees.
func (db *DB) findRelation(tx *Txn, ns uint32, name string) (found relation, ok bool) {
	db.eachRelation(func(r relation) bool {
		if r.namespace == ns && r.name == name && r.visibleTo(tx) {
			found, ok = r, true
		}
		return !ok
	})
	return found, ok
}

// relationByOID returns the relation with the given OID that tx sees.
func (db *DB) relationByOID(tx *Txn, oid uint32) (found relation, ok bool) {
	db.eachRelation(func(r relation) bool {
		if r.oid == oid && r.visibleTo(tx) {
			found, ok = r, true
		}
		return !ok
	})
	return found, ok
}

// lookupTable finds the table a FROM item or DML target names: in its
// schema if qualified, else along the search path. It fails with 42P01
// when no relation of that name is visible, 42809 for an index, and 0A000
// for a relation the engine does not read (a sequence, a TOAST table, a
// system catalog it does not implement).
func (s *Session) lookupTable(schema, name string) (t *Table, err *Error) {
	display := name
	if schema != "" {
		display = schema + "." + name
	}
	var path []uint32
	if schema != "" {
		if ns := namespaceByName(schema); ns != 0 {
			path = []uint32{ns}
		}
	} else {
		path, _ = s.searchPath()
	}
	for _, ns := range path {
		if r, ok := s.db.findRelation(s.tx, ns, name); ok {
			switch r.kind {
			case 'r':
				return r.table, nil
			case 'i':
				return nil, errorf("42809", "\"%s\" is an index", name)
			}
			return nil, errorf(FeatureNotSupported, "poolsim does not support reading the %s \"%s\"", relkindNoun(r.kind), display)
		}
		if unimplementedCatalog(ns, name) {
			return nil, errorf(FeatureNotSupported, "poolsim does not support the system catalog %s.%s", namespaceName(ns), name)
		}
	}
	return nil, errorf(UndefinedTable, "relation \"%s\" does not exist", display)
}

// relkindNoun names a kind of relation in messages.
func relkindNoun(kind byte) string {
	switch kind {
	case 'i':
		return "index"
	case 'S':
		return "sequence"
	case 't':
		return "TOAST table"
	}
	return "relation"
}

// relationVisible reports whether an unqualified reference to the relation
// would find it (pg_table_is_visible): its schema is on the search path
// and no schema before it has a relation of the same name.
func (s *Session) relationVisible(r relation) bool {
	path, _ := s.searchPath()
	for _, ns := range path {
		if ns == r.namespace {
			return true
		}
		if _, ok := s.db.findRelation(s.tx, ns, r.name); ok {
			return false
		}
	}
	return false
}

// qualifiedRelationName is the name regclass prints: the relation's name,
// qualified with its schema when it is not visible, each part quoted if
// it needs to be.
func (s *Session) qualifiedRelationName(r relation) string {
	if s.relationVisible(r) {
		return quoteIdent(r.name)
	}
	return quoteIdent(namespaceName(r.namespace)) + "." + quoteIdent(r.name)
}

// quoteIdent quotes a name as quote_identifier does: unless it is lower
// case letters, digits and underscores not starting with a digit (and not
// a key word, which the names here never are).
func quoteIdent(name string) string {
	plain := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && (c >= '0' && c <= '9' || c == '$')) {
			plain = false
		}
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
