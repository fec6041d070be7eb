package engine

import (
	"strconv"
	"strings"
)

// The system catalogs the engine implements: pg_namespace, pg_type and
// pg_class, with PostgreSQL 15's columns and OIDs. Their rows are
// computed from the database as the reading statement's snapshot sees it
// (see catalogtx.go): pg_class lists the visible tables with their TOAST tables, indexes
// and sequences, and the three catalogs themselves with theirs; pg_type
// lists the types the engine supports (and their array types) and every
// visible table's row type and its array type. Columns whose types the
// engine lacks (regproc, aclitem[], pg_node_tree, xid, float4) and the
// statistics columns that VACUUM and ANALYZE change (relpages, reltuples,
// relallvisible) and relfilenode (which TRUNCATE changes) are refused with
// 0A000 when a query names them. Modifying the catalogs is refused.

// systemCatalogs returns the implemented system catalogs.
func systemCatalogs() []*Table {
	col := func(name string, t Type) Column { return Column{Name: name, Type: t, NotNull: true} }
	unsupported := func(name string) Column { return Column{Name: name, Type: Text, unsupported: true} }
	nullable := func(name string, t Type) Column { return Column{Name: name, Type: t} }
	nsp := &Table{
		OID: 2615, Name: "pg_namespace", Namespace: pgCatalogNamespace,
		typeOID: 10047, arrayOID: 10046, toastOID: 4163,
		Columns: []Column{col("oid", Oid), col("nspname", Name), col("nspowner", Oid), unsupported("nspacl")},
		indexes: []*index{
			{oid: 2684, name: "pg_namespace_nspname_index", cols: []int{1}},
			{oid: 2685, name: "pg_namespace_oid_index", cols: []int{0}},
		},
		system: pgNamespaceRows,
	}
	typ := &Table{
		OID: 1247, Name: "pg_type", Namespace: pgCatalogNamespace,
		typeOID: 71, arrayOID: 210, toastOID: 4171,
		Columns: []Column{
			col("oid", Oid), col("typname", Name), col("typnamespace", Oid), col("typowner", Oid),
			col("typlen", Int2), col("typbyval", Bool), col("typtype", Char), col("typcategory", Char),
			col("typispreferred", Bool), col("typisdefined", Bool), col("typdelim", Char),
			col("typrelid", Oid), unsupported("typsubscript"), col("typelem", Oid), col("typarray", Oid),
			unsupported("typinput"), unsupported("typoutput"), unsupported("typreceive"),
			unsupported("typsend"), unsupported("typmodin"), unsupported("typmodout"),
			unsupported("typanalyze"), col("typalign", Char), col("typstorage", Char),
			col("typnotnull", Bool), col("typbasetype", Oid), col("typtypmod", Int4),
			col("typndims", Int4), col("typcollation", Oid), unsupported("typdefaultbin"),
			nullable("typdefault", Text), unsupported("typacl"),
		},
		indexes: []*index{
			{oid: 2703, name: "pg_type_oid_index", cols: []int{0}},
			{oid: 2704, name: "pg_type_typname_nsp_index", cols: []int{1, 2}},
		},
		system: pgTypeRows,
	}
	class := &Table{
		OID: 1259, Name: "pg_class", Namespace: pgCatalogNamespace,
		typeOID: 83, arrayOID: 273,
		Columns: []Column{
			col("oid", Oid), col("relname", Name), col("relnamespace", Oid), col("reltype", Oid),
			col("reloftype", Oid), col("relowner", Oid), col("relam", Oid), unsupported("relfilenode"),
			col("reltablespace", Oid), unsupported("relpages"), unsupported("reltuples"),
			unsupported("relallvisible"), col("reltoastrelid", Oid), col("relhasindex", Bool),
			col("relisshared", Bool), col("relpersistence", Char), col("relkind", Char),
			col("relnatts", Int2), col("relchecks", Int2), col("relhasrules", Bool),
			col("relhastriggers", Bool), col("relhassubclass", Bool), col("relrowsecurity", Bool),
			col("relforcerowsecurity", Bool), col("relispopulated", Bool), col("relreplident", Char),
			col("relispartition", Bool), col("relrewrite", Oid), unsupported("relfrozenxid"),
			unsupported("relminmxid"), unsupported("relacl"), unsupported("reloptions"),
			unsupported("relpartbound"),
		},
		indexes: []*index{
			{oid: 2662, name: "pg_class_oid_index", cols: []int{0}},
			{oid: 2663, name: "pg_class_relname_nsp_index", cols: []int{1, 2}},
			{oid: 3455, name: "pg_class_tblspc_relfilenode_index", cols: []int{8, 7}},
		},
		system: pgClassRows,
	}
	return []*Table{typ, class, nsp}
}

// bootstrapSuperuser is the OID of the role initdb creates, which owns
// the catalogs and, here, every table.
const bootstrapSuperuser = 10

// pgNamespaceRows are the schemas of a PostgreSQL 15 database. public
// belongs to pg_database_owner (6171).
func pgNamespaceRows(*Session, *Snapshot) [][]Value { return namespaceRows }

// namespaceRows are pg_namespace's rows, the same in every database; like
// builtinTypes, scans share them and never change them.
var namespaceRows = [][]Value{
	{int64(pgToastNamespace), "pg_toast", int64(bootstrapSuperuser), nil},
	{int64(pgCatalogNamespace), "pg_catalog", int64(bootstrapSuperuser), nil},
	{int64(publicNamespace), "public", int64(6171), nil},
	{int64(informationSchemaNamespace), "information_schema", int64(bootstrapSuperuser), nil},
}

// builtinTypeRows are pg_type's rows for the types the engine supports
// and their array types, as PostgreSQL 15 has them: oid, typname, typlen,
// typbyval, typtype, typcategory, typispreferred, typelem, typarray,
// typalign, typstorage, typcollation. The other columns are the same for
// all of them (namespace pg_catalog, owner 10, typisdefined, delimiter
// ',', no relation, not a domain, no type modifier, no default).
const builtinTypeRows = `
16 bool 1 t b B t 0 1000 c p 0
18 char 1 t b Z f 0 1002 c p 0
19 name 64 f b S f 18 1003 c p 950
20 int8 8 t b N f 0 1016 d p 0
21 int2 2 t b N f 0 1005 s p 0
23 int4 4 t b N f 0 1007 i p 0
25 text -1 f b S t 0 1009 i x 100
26 oid 4 t b N t 0 1028 i p 0
701 float8 8 t b N t 0 1022 d p 0
705 unknown -2 f p X f 0 0 c p 0
1000 _bool -1 f b A f 16 0 i x 0
1002 _char -1 f b A f 18 0 i x 0
1003 _name -1 f b A f 19 0 i x 950
1005 _int2 -1 f b A f 21 0 i x 0
1007 _int4 -1 f b A f 23 0 i x 0
1009 _text -1 f b A f 25 0 i x 100
1015 _varchar -1 f b A f 1043 0 i x 100
1016 _int8 -1 f b A f 20 0 d x 0
1022 _float8 -1 f b A f 701 0 d x 0
1028 _oid -1 f b A f 26 0 i x 0
1043 varchar -1 f b S f 0 1015 i x 100
1184 timestamptz 8 t b D t 0 1185 d p 0
1185 _timestamptz -1 f b A f 1184 0 d x 0
1231 _numeric -1 f b A f 1700 0 i x 0
1700 numeric -1 f b N f 0 1231 i m 0
2205 regclass 4 t b N f 0 2210 i p 0
2210 _regclass -1 f b A f 2205 0 i x 0
2278 void 4 t p P f 0 0 i p 0
`

// builtinTypes holds builtinTypeRows parsed: complete pg_type rows.
var builtinTypes = parseTypeRows(builtinTypeRows)

func parseTypeRows(text string) [][]Value {
	var rows [][]Value
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		num := func(i int) Value { n, _ := strconv.ParseInt(f[i], 10, 64); return n }
		flag := func(i int) Value { return f[i] == "t" }
		rows = append(rows, typeRow(num(0), f[1], int64(pgCatalogNamespace), num(2), flag(3), f[4], f[5],
			flag(6), int64(0), num(7), num(8), f[9], f[10], num(11)))
	}
	return rows
}

// typeRow builds a pg_type row; the unsupported columns are nil.
func typeRow(oid Value, name string, ns, length, byval Value, typtype, category string,
	preferred, relid, elem, array Value, align, storage string, collation Value) []Value {
	return []Value{
		oid, name, ns, int64(bootstrapSuperuser), length, byval, typtype, category,
		preferred, true, ",", relid, nil, elem, array,
		nil, nil, nil, nil, nil, nil, nil,
		align, storage, false, int64(0), int64(-1), int64(0), collation, nil, nil, nil,
	}
}

// pgTypeRows are the builtin types and the row types of the tables the
// session sees through snap, each followed by its array type.
func pgTypeRows(s *Session, snap *Snapshot) [][]Value {
	rows := make([][]Value, len(builtinTypes), len(builtinTypes)+2*len(s.db.tables))
	copy(rows, builtinTypes)
	for _, t := range s.db.tables {
		if !t.seenBy(s.tx, snap) || t.typeOID == 0 {
			continue
		}
		rows = append(rows, t.pgTypeRows()...)
	}
	return rows
}

// pgTypeRows returns the pg_type rows of t's row type and its array type,
// made the first time they are scanned: the name, schema and OIDs they
// show never change once the table is created. Scans share them and never
// change them.
func (t *Table) pgTypeRows() [][]Value {
	if t.typeRows == nil {
		ns := int64(t.Namespace)
		t.typeRows = [][]Value{
			typeRow(int64(t.typeOID), t.Name, ns, int64(-1), false, "c", "C", false, int64(t.OID), int64(0), int64(t.arrayOID), "d", "x", int64(0)),
			typeRow(int64(t.arrayOID), "_"+t.Name, ns, int64(-1), false, "b", "A", false, int64(0), int64(t.typeOID), int64(0), "d", "x", int64(0)),
		}
	}
	return t.typeRows
}

// pgClassRows are the relations the session sees through snap.
func pgClassRows(s *Session, snap *Snapshot) [][]Value {
	var rows [][]Value
	for _, r := range s.db.relations() {
		if !r.seenBy(s.tx, snap) {
			continue
		}
		row := []Value{
			int64(r.oid), r.name, int64(r.namespace), int64(0), int64(0), int64(bootstrapSuperuser),
			int64(0), nil, int64(0), nil, nil, nil, int64(0), false, false, "p", string(r.kind),
			int64(0), int64(0), false, false, false, false, false, true, "n", false, int64(0),
			nil, nil, nil, nil, nil,
		}
		const (
			reltype, relam, reltoastrelid, relhasindex, relnatts, relreplident = 3, 6, 12, 13, 17, 25
		)
		switch r.kind {
		case 'r':
			t := r.table
			row[reltype], row[relam], row[reltoastrelid] = int64(t.typeOID), int64(heapAM), int64(t.toastOID)
			row[relhasindex], row[relnatts] = len(t.indexes) > 0, int64(len(t.Columns))
			if t.system == nil {
				row[relreplident] = "d"
			}
		case 't':
			row[relam], row[relhasindex], row[relnatts] = int64(heapAM), true, int64(3)
		case 'i':
			row[relam], row[relnatts] = int64(btreeAM), int64(2) // a TOAST index: chunk_id, chunk_seq
			for _, ix := range r.table.indexes {
				if ix.oid == r.oid {
					row[relnatts] = int64(len(ix.cols))
				}
			}
		case 'S':
			row[relnatts] = int64(3)
		}
		rows = append(rows, row)
	}
	return rows
}

// The access methods of tables and indexes (pg_am).
const (
	heapAM  = 2
	btreeAM = 403
)
