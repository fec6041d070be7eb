package engine

// Column is a table column.
type Column struct {
	Name    string
	Type    Type
	NotNull bool
	// Length is varchar(n)'s n; 0 for no limit (and other types).
	Length int
	// Default is the column's DEFAULT, compiled; nil for none (NULL).
	Default *cexpr
	// unsupported marks a system catalog column of a type the engine
	// lacks: naming it fails with 0A000.
	unsupported bool
}

// typeMod returns the column's type modifier as PostgreSQL reports it in
// RowDescription and pg_attribute (varchar(n): n+4), or 0 for none.
func (c *Column) typeMod() int32 {
	if c.Length > 0 {
		return int32(c.Length) + 4
	}
	return 0
}

// index is a unique index of a table: its primary key or a UNIQUE
// constraint.
type index struct {
	oid           uint32
	constraintOID uint32
	name          string
	cols          []int
	primary       bool
	// slots lists, for a UNIQUE index, the row slots that have had a
	// version with each key (see indexRow); lookup only
	slots map[string][]*rowSlot
}

// Table is one of the engine's tables: the built-in kv and activity,
// users' tables, and the system catalogs (whose rows are computed).
//
// Invariant: slots holds every row slot ever created, in creation order,
// and byKey indexes them by the primary key's text (a table without one
// keys each inserted row by a number of its own); a slot is never removed
// (a deleted row leaves a slot without a visible version).
type Table struct {
	OID       uint32
	Name      string
	Namespace uint32 // the OID of the table's schema
	Columns   []Column
	PKeyName  string // the primary key's index name, like "kv_pkey"; "" without one

	pkey    []int    // the primary key's columns, nil without one
	indexes []*index // the primary key first, then UNIQUE constraints in order
	// the OIDs of the table's row type, its array type and its TOAST
	// table (and index after it); 0 if it has none
	typeOID, arrayOID, toastOID uint32
	// toast and toastIndex are the names of the TOAST table and its
	// index, made the first time a catalog walk needs them
	toast, toastIndex string
	// typeRows are the pg_type rows of the row and array types, made the
	// first time pg_type is scanned (see pgTypeRows)
	typeRows [][]Value
	// system computes the rows of a system catalog as a session sees
	// them through a snapshot; nil for tables with rows of their own
	system func(s *Session, snap *Snapshot) [][]Value

	// the creation and drop of the table (see catalogtx.go)
	catalogEntry
	// locks are the relation locks granted on the table, waiters those
	// requested and not yet granted, in arrival order.
	locks, waiters []relLock

	slots  []*rowSlot
	byKey  map[string]*rowSlot // lookup only; scans use slots
	items  int                 // line pointers used, for ctids
	serial int                 // keys given to rows of a table without a primary key
}

// systemColumns are the names of the system columns every table has
// (ctid, xmin, ...), which users' columns cannot take.
var systemColumns = map[string]bool{"ctid": true, "xmin": true, "cmin": true, "xmax": true, "cmax": true, "tableoid": true}

// column returns the index of the named column, or -1.
func (t *Table) column(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// hasToast reports whether PostgreSQL gives the table a TOAST table: it
// has a column of a variable-length type that may be stored out of line.
func (t *Table) hasToast() bool {
	for _, c := range t.Columns {
		if c.Type == Text || c.Type == Varchar || c.Type == Numeric {
			return true
		}
	}
	return false
}

// Schema is the DDL of the engine's built-in tables, for creating the same
// tables in a real PostgreSQL.
const Schema = `CREATE TABLE kv (k text PRIMARY KEY, v bigint);
CREATE TABLE activity (id bigint PRIMARY KEY, name text, kind text, owner text, payload text, created text);`

// builtinTables returns fresh copies of the tables every database starts
// with: kv, the key-value table of the linearizability checks, and
// activity, a wide table whose ORM-style aliased queries give long row
// descriptions. Their OIDs are given by the database, as CREATE TABLE
// gives them.
func builtinTables() []*Table {
	return []*Table{
		{
			Name: "kv", PKeyName: "kv_pkey", pkey: []int{0},
			indexes: []*index{{name: "kv_pkey", cols: []int{0}, primary: true}},
			Columns: []Column{{Name: "k", Type: Text, NotNull: true}, {Name: "v", Type: Int8}},
		},
		{
			Name: "activity", PKeyName: "activity_pkey", pkey: []int{0},
			indexes: []*index{{name: "activity_pkey", cols: []int{0}, primary: true}},
			Columns: []Column{
				{Name: "id", Type: Int8, NotNull: true}, {Name: "name", Type: Text},
				{Name: "kind", Type: Text}, {Name: "owner", Type: Text},
				{Name: "payload", Type: Text}, {Name: "created", Type: Text},
			},
		},
	}
}

// inPrimaryKey reports whether column i is part of the primary key.
func (t *Table) inPrimaryKey(i int) bool {
	for _, c := range t.pkey {
		if c == i {
			return true
		}
	}
	return false
}

// inferIndex returns the unique index whose columns are exactly cols, in
// any order (ON CONFLICT's inference), or nil.
func (t *Table) inferIndex(cols []int) *index {
	for _, ix := range t.indexes {
		if len(ix.cols) != len(cols) {
			continue
		}
		all := true
		for _, c := range cols {
			found := false
			for _, ic := range ix.cols {
				found = found || ic == c
			}
			all = all && found
		}
		if all {
			return ix
		}
	}
	return nil
}
