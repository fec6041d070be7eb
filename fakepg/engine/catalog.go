package engine

// Column is a table column.
type Column struct {
	Name    string
	Type    Type
	NotNull bool
}

// Table is one of the engine's tables. Its first column is the primary key.
//
// Invariant: slots holds every row slot ever created, in creation order,
// and byKey indexes them by the primary key's text; a slot is never
// removed (a deleted row leaves a slot without a visible version).
type Table struct {
	OID      uint32
	Name     string
	Columns  []Column
	PKeyName string // the primary key's index name, like "kv_pkey"

	slots []*rowSlot
	byKey map[string]*rowSlot // lookup only; scans use slots
	items int                 // line pointers used, for ctids
}

// column returns the index of the named column, or -1.
func (t *Table) column(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Schema is the DDL of the engine's built-in tables, for creating the same
// tables in a real PostgreSQL.
const Schema = `CREATE TABLE kv (k text PRIMARY KEY, v bigint);
CREATE TABLE activity (id bigint PRIMARY KEY, name text, kind text, owner text, payload text, created text);`

// builtinTables returns fresh copies of the tables every database starts
// with: kv, the key-value table of the linearizability checks, and
// activity, a wide table whose ORM-style aliased queries give long row
// descriptions.
func builtinTables() []*Table {
	return []*Table{
		{
			OID: 16384, Name: "kv", PKeyName: "kv_pkey",
			Columns: []Column{{Name: "k", Type: Text, NotNull: true}, {Name: "v", Type: Int8}},
		},
		{
			OID: 16392, Name: "activity", PKeyName: "activity_pkey",
			Columns: []Column{
				{Name: "id", Type: Int8, NotNull: true}, {Name: "name", Type: Text},
				{Name: "kind", Type: Text}, {Name: "owner", Type: Text},
				{Name: "payload", Type: Text}, {Name: "created", Type: Text},
			},
		},
	}
}
