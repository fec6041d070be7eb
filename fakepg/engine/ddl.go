package engine

import (
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// CREATE TABLE and DROP TABLE, transactional as in PostgreSQL: a table a
// transaction creates is seen only by that transaction until it commits
// (another transaction creating the same name waits for it, and fails if
// it commits), and is gone if it aborts; a table a transaction drops is
// locked ACCESS EXCLUSIVE (waiting for, and then blocking, every
// transaction using it) and gone for all when it commits. Both statements
// do their work at execution, as utility statements do.

// columnType returns the column type CREATE TABLE supports by the name
// the parser gives it; serial types are in serialTypes.
func columnType(name string) (Type, bool) {
	switch name {
	case "smallint", "int2":
		return Int2, true
	case "integer", "int", "int4":
		return Int4, true
	case "bigint", "int8":
		return Int8, true
	case "text":
		return Text, true
	case "varchar", "character varying":
		return Varchar, true
	case "boolean", "bool":
		return Bool, true
	case "numeric", "decimal", "dec":
		return Numeric, true
	case "double precision", "float8", "float":
		return Float8, true
	case "timestamptz", "timestamp with time zone":
		return Timestamptz, true
	case "name":
		return Name, true
	case "oid":
		return Oid, true
	}
	return Type{}, false
}

// serialTypes are the serial pseudo-types and the integer types of their
// columns.
var serialTypes = map[string]Type{
	"smallserial": Int2, "serial2": Int2,
	"serial": Int4, "serial4": Int4,
	"bigserial": Int8, "serial8": Int8,
}

// typmodTypeNames are the names PostgreSQL's "type modifier is not
// allowed" error gives the supported types that take no modifier.
var typmodTypeNames = map[Type]string{
	Int2: "int2", Int4: "int4", Int8: "int8", Text: "text", Bool: "bool",
	Name: "name", Oid: "oid", Float8: "float8",
}

// columnSpec is a column definition resolved in CREATE TABLE's first
// phase.
type columnSpec struct {
	def        *sqlparse.ColumnDef
	col        Column
	serial     bool
	defaultExp sqlparse.Expr
}

// keySpec is a PRIMARY KEY or UNIQUE constraint of CREATE TABLE.
type keySpec struct {
	primary bool
	name    string // "" to choose one
	cols    []int
	pos     int
}

// resolveColumnType resolves a column definition's type: the type, its
// varchar length, whether it is serial.
func resolveColumnType(tn sqlparse.TypeName) (Type, int, bool, *Error) {
	if t, ok := serialTypes[tn.Name]; ok {
		if tn.Mods != nil {
			return Type{}, 0, false, errorf(SyntaxError, "type modifier is not allowed for type \"%s\"", t.Name).at(tn.P)
		}
		return t, 0, true, nil
	}
	t, ok := columnType(tn.Name)
	if !ok {
		if pgTypeNames[tn.Name] {
			return Type{}, 0, false, errorf(FeatureNotSupported, "poolsim does not support columns of type %s", tn.Name).at(tn.P)
		}
		return Type{}, 0, false, errorf(UndefinedObject, "type \"%s\" does not exist", tn.Name).at(tn.P)
	}
	if tn.Mods == nil {
		return t, 0, false, nil
	}
	ints := make([]int64, len(tn.Mods))
	for i, m := range tn.Mods {
		k, ok := m.(*sqlparse.Const)
		if !ok || k.Kind != sqlparse.ConstInt {
			return Type{}, 0, false, errorf(FeatureNotSupported, "poolsim does not support this type modifier").at(m.Pos())
		}
		ints[i], _ = strconv.ParseInt(k.Text, 10, 64)
	}
	switch {
	case t == Varchar:
		switch n := ints[0]; {
		case n < 1:
			return Type{}, 0, false, errorf(InvalidParameterValue, "length for type varchar must be at least 1").at(tn.P)
		case n > 10485760:
			return Type{}, 0, false, errorf(InvalidParameterValue, "length for type varchar cannot exceed 10485760").at(tn.P)
		}
		return t, int(ints[0]), false, nil
	case tn.Name == "float":
		switch n := ints[0]; {
		case n < 1:
			return Type{}, 0, false, errorf(InvalidParameterValue, "precision for type float must be at least 1 bit").at(tn.P)
		case n > 53:
			return Type{}, 0, false, errorf(InvalidParameterValue, "precision for type float must be less than 54 bits").at(tn.P)
		case n <= 24:
			return Type{}, 0, false, errorf(FeatureNotSupported, "poolsim does not support columns of type real").at(tn.P)
		}
		return Float8, 0, false, nil
	case t == Numeric || t == Timestamptz:
		return Type{}, 0, false, errorf(FeatureNotSupported, "poolsim does not support type modifiers of %s", t.Name).at(tn.P)
	}
	return Type{}, 0, false, errorf(SyntaxError, "type modifier is not allowed for type \"%s\"", typmodTypeNames[t]).at(tn.P)
}

func (s *Session) execCreateTable(st *sqlparse.CreateTableStmt, res *Result) error {
	res.Tag = plainTag("CREATE TABLE")
	name := st.Table.Name.Name
	ns, err := s.creationSchema(st.Table)
	if err != nil {
		return err
	}
	if st.IfNotExists {
		if _, ok := s.db.findRelation(s.tx, ns, name); ok {
			res.Notices = append(res.Notices, &Error{Severity: "NOTICE", Code: "42P07",
				Message: "relation \"" + name + "\" already exists, skipping"})
			return nil
		}
	}
	// first phase (transformCreateStmt): columns, then key constraints
	var cols []columnSpec
	var keys []keySpec
	for i := range st.Columns {
		spec, colKeys, err := resolveColumn(&st.Columns[i], name)
		if err != nil {
			return err
		}
		cols = append(cols, spec)
		for _, k := range colKeys {
			k.cols = []int{i}
			keys = append(keys, k)
		}
	}
	for _, c := range st.Constraints {
		k := keySpec{primary: c.Kind == sqlparse.ConPrimaryKey, pos: c.P}
		if c.Name != nil {
			k.name = c.Name.Name
		}
		for _, id := range c.Columns {
			i := -1
			for j := range cols {
				if cols[j].col.Name == id.Name {
					i = j
					break
				}
			}
			if i < 0 {
				return errorf(UndefinedColumn, "column \"%s\" named in key does not exist", id.Name).at(c.P)
			}
			k.cols = append(k.cols, i)
		}
		keys = append(keys, k)
	}
	keys, err = checkKeys(keys, cols, name)
	if err != nil {
		return err
	}
	// second phase (DefineRelation)
	for i := range cols {
		for j := range i {
			if cols[j].col.Name == cols[i].col.Name {
				return errorf("42701", "column \"%s\" specified more than once", cols[i].col.Name)
			}
		}
	}
	for i := range cols {
		if systemColumns[cols[i].col.Name] {
			return errorf("42701", "column name \"%s\" conflicts with a system column name", cols[i].col.Name)
		}
	}
	if err := s.claimName(ns, name, true); err != nil {
		return err
	}
	t := &Table{Name: name, Namespace: ns, created: s.tx}
	for i := range cols {
		t.Columns = append(t.Columns, cols[i].col)
	}
	for _, k := range keys {
		if k.primary {
			t.pkey = k.cols
			for _, c := range k.cols {
				t.Columns[c].NotNull = true
			}
		}
	}
	// defaults, compiled in column order
	defaults := 0
	for i := range cols {
		if cols[i].defaultExp == nil {
			continue
		}
		d, err := s.compileDefault(cols[i].defaultExp, t.Columns[i])
		if err != nil {
			return err
		}
		t.Columns[i].Default = d
		defaults++
	}
	// the sequences of serial columns come before the table
	var seqs []*Sequence
	for i := range cols {
		if !cols[i].serial {
			continue
		}
		sq := newSequence(s.chooseRelationName(ns, name, cols[i].col.Name, "seq", nil), ns, cols[i].col.Type)
		sq.OID, sq.created, sq.owner = s.db.newOID(), s.tx, t
		seqs = append(seqs, sq)
		t.Columns[i].Default = nextvalExpr(sq, cols[i].col.Type)
		defaults++
	}
	taken := []string{name}
	for _, sq := range seqs {
		taken = append(taken, sq.Name)
	}
	for _, k := range keys {
		ixName := k.name
		if ixName == "" {
			label, names := "key", ""
			if k.primary {
				label = "pkey"
			} else {
				var parts []string
				for _, c := range k.cols {
					parts = append(parts, t.Columns[c].Name)
				}
				names = strings.Join(parts, "_")
			}
			ixName = s.chooseRelationName(ns, name, names, label, taken)
		} else if err := s.indexNameFree(ns, ixName, taken); err != nil {
			return err
		}
		taken = append(taken, ixName)
		ix := &index{name: ixName, cols: k.cols, primary: k.primary}
		if k.primary {
			t.PKeyName = ixName
		}
		t.indexes = append(t.indexes, ix)
	}
	s.db.assignOIDs(t, defaults)
	s.db.assignXid(s.tx)
	s.db.sequences = append(s.db.sequences, seqs...)
	s.db.tables = append(s.db.tables, t)
	t.locks = []relLock{{s.tx, accessExclusiveLock}}
	s.tx.relLocks = append(s.tx.relLocks, t)
	s.tx.ddl = true
	s.db.catalogVersion++
	return nil
}

// resolveColumn is CREATE TABLE's first phase for one column: its type
// and its constraints, with PostgreSQL's errors. It returns the column's
// PRIMARY KEY and UNIQUE constraints (their columns left to the caller).
func resolveColumn(def *sqlparse.ColumnDef, table string) (columnSpec, []keySpec, *Error) {
	spec := columnSpec{def: def}
	typ, length, serial, err := resolveColumnType(def.Type)
	if err != nil {
		return spec, nil, err
	}
	spec.col = Column{Name: def.Name.Name, Type: typ, Length: length}
	spec.serial = serial
	var keys []keySpec
	sawNull, sawNotNull, sawDefault := false, false, false
	conflict := func(pos int) *Error {
		return errorf(SyntaxError, "conflicting NULL/NOT NULL declarations for column \"%s\" of table \"%s\"", spec.col.Name, table).at(pos)
	}
	multipleDefaults := func(pos int) *Error {
		return errorf(SyntaxError, "multiple default values specified for column \"%s\" of table \"%s\"", spec.col.Name, table).at(pos)
	}
	for _, c := range def.Constraints {
		switch c.Kind {
		case sqlparse.ConNotNull:
			if sawNull {
				return spec, nil, conflict(c.P)
			}
			sawNotNull = true
			spec.col.NotNull = true
		case sqlparse.ConNull:
			if sawNotNull {
				return spec, nil, conflict(c.P)
			}
			sawNull = true
		case sqlparse.ConDefault:
			if sawDefault {
				return spec, nil, multipleDefaults(c.P)
			}
			sawDefault = true
			spec.defaultExp = c.Default
		case sqlparse.ConPrimaryKey, sqlparse.ConUnique:
			k := keySpec{primary: c.Kind == sqlparse.ConPrimaryKey, pos: c.P}
			if c.Name != nil {
				k.name = c.Name.Name
			}
			keys = append(keys, k)
		}
	}
	if serial {
		// the implicit DEFAULT nextval(...) and NOT NULL, after the
		// column's own constraints
		if sawDefault {
			return spec, nil, multipleDefaults(0)
		}
		if sawNull {
			return spec, nil, conflict(0)
		}
		spec.col.NotNull = true
	}
	return spec, keys, nil
}

// checkKeys applies PostgreSQL's rules to a table's PRIMARY KEY and
// UNIQUE constraints (transformIndexConstraints): one primary key, no
// column twice in a key, and a key with the same columns as an earlier
// one (the primary key first) merged into it.
func checkKeys(keys []keySpec, cols []columnSpec, table string) ([]keySpec, *Error) {
	var pk *keySpec
	for i := range keys {
		k := &keys[i]
		what := "unique constraint"
		if k.primary {
			if pk != nil {
				return nil, errorf("42P16", "multiple primary keys for table \"%s\" are not allowed", table).at(k.pos)
			}
			pk = k
			what = "primary key constraint"
		}
		for a := range k.cols {
			for b := range a {
				if k.cols[a] == k.cols[b] {
					return nil, errorf("42701", "column \"%s\" appears twice in %s", cols[k.cols[a]].col.Name, what).at(k.pos)
				}
			}
		}
	}
	var final []keySpec
	if pk != nil {
		final = append(final, *pk)
	}
	for _, k := range keys {
		if k.primary {
			continue
		}
		dup := false
		for i := range final {
			if equalInts(final[i].cols, k.cols) {
				if final[i].name == "" {
					final[i].name = k.name
				}
				dup = true
				break
			}
		}
		if !dup {
			final = append(final, k)
		}
	}
	return final, nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// creationSchema returns the schema CREATE TABLE creates ref in.
func (s *Session) creationSchema(ref sqlparse.TableRef) (uint32, *Error) {
	var ns uint32
	if ref.Schema != nil {
		ns = namespaceByName(ref.Schema.Name)
		if ns == 0 {
			return 0, errorf("3F000", "schema \"%s\" does not exist", ref.Schema.Name).at(ref.Schema.P)
		}
	} else if ns = s.creationNamespace(); ns == 0 {
		return 0, newError("3F000", "no schema has been selected to create in").at(ref.Name.P)
	}
	switch ns {
	case pgCatalogNamespace, pgToastNamespace:
		e := errorf("42501", "permission denied to create \"%s.%s\"", namespaceName(ns), ref.Name.Name)
		e.Detail = "System catalog modifications are currently disallowed."
		return 0, e
	case informationSchemaNamespace:
		return 0, newError(FeatureNotSupported, "poolsim does not support creating tables in information_schema")
	}
	return ns, nil
}

// claimName checks that a new relation may be called name in schema ns:
// no relation tx sees has the name (42P07), and one another transaction
// is creating is waited for, failing if it commits (as the unique index
// on pg_type, or pg_class for relations without a row type, makes
// PostgreSQL fail).
func (s *Session) claimName(ns uint32, name string, hasType bool) *Error {
	for {
		var other *Txn
		var otherHasType, exists bool
		s.db.eachRelation(func(r relation) bool {
			if r.namespace == ns && r.name == name {
				if r.visibleTo(s.tx) {
					exists = true
					return false
				}
				if r.created != nil && r.created != s.tx && !r.created.done {
					other, otherHasType = r.created, r.hasType
				}
			}
			return true
		})
		if exists {
			return errorf("42P07", "relation \"%s\" already exists", name)
		}
		if other == nil {
			return nil
		}
		s.db.assignXid(s.tx)
		index, key := "pg_class_relname_nsp_index", "relname, relnamespace"
		if hasType && otherHasType {
			index, key = "pg_type_typname_nsp_index", "typname, typnamespace"
		}
		ctx := "while inserting index tuple (0,1) in relation \"" + index + "\""
		if err := s.db.waitFor(s.tx, other, ctx); err != nil {
			return asError(err)
		}
		if _, ok := s.db.findRelation(nil, ns, name); ok {
			e := errorf(UniqueViolation, "duplicate key value violates unique constraint \"%s\"", index)
			e.Detail = "Key (" + key + ")=(" + name + ", " + strconv.Itoa(int(ns)) + ") already exists."
			e.Schema, e.Table, e.Constraint = "pg_catalog", "pg_class", index
			if hasType && otherHasType {
				e.Table = "pg_type"
			}
			return e
		}
	}
}

// indexNameFree checks an index name given with CONSTRAINT.
func (s *Session) indexNameFree(ns uint32, name string, taken []string) *Error {
	for _, n := range taken {
		if n == name {
			return errorf("42P07", "relation \"%s\" already exists", name)
		}
	}
	if _, ok := s.db.findRelation(s.tx, ns, name); ok {
		return errorf("42P07", "relation \"%s\" already exists", name)
	}
	return nil
}

// chooseRelationName picks the name of an index or sequence as
// PostgreSQL's ChooseRelationName does: name1_name2_label cut to fit a
// name, with a number after the label until no relation of that name
// exists in ns and it is not among taken.
func (s *Session) chooseRelationName(ns uint32, name1, name2, label string, taken []string) string {
	for pass := 0; ; pass++ {
		l := label
		if pass > 0 {
			l = label + strconv.Itoa(pass)
		}
		name := makeObjectName(name1, name2, l)
		free := true
		for _, n := range taken {
			if n == name {
				free = false
			}
		}
		if _, ok := s.db.findRelation(s.tx, ns, name); ok {
			free = false
		}
		if free {
			return name
		}
	}
}

// makeObjectName joins name1, name2 (if any) and label with underscores,
// shortening the longer of the two names first until the result fits a
// name (makeObjectName).
func makeObjectName(name1, name2, label string) string {
	overhead := 0
	if name2 != "" {
		overhead++
	}
	if label != "" {
		overhead += len(label) + 1
	}
	avail := maxNameBytes - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	out := truncateName(name1[:clip(name1, n1)])
	if name2 != "" {
		out += "_" + name2[:clip(name2, n2)]
	}
	if label != "" {
		out += "_" + label
	}
	return out
}

// clip returns the longest prefix length of s at most n bytes that does
// not split a character.
func clip(s string, n int) int {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return n
}

// newOID assigns the next OID.
func (db *DB) newOID() uint32 {
	oid := db.nextOID
	db.nextOID++
	return oid
}

// firstUserOID is the first OID PostgreSQL gives objects users create.
const firstUserOID = 16384

// assignOIDs gives a new table its OIDs in PostgreSQL's order: the
// table, its array type, its row type, one per default (pg_attrdef), its
// TOAST table and index, and each index followed by its constraint.
func (db *DB) assignOIDs(t *Table, defaults int) {
	t.OID = db.newOID()
	t.arrayOID = db.newOID()
	t.typeOID = db.newOID()
	db.nextOID += uint32(defaults)
	if t.hasToast() {
		t.toastOID = db.newOID()
		db.newOID() // the TOAST index: toastOID + 1
	}
	for _, ix := range t.indexes {
		ix.oid = db.newOID()
		ix.constraintOID = db.newOID()
	}
	t.byKey = map[string]*rowSlot{}
}

// compileDefault compiles a column's DEFAULT expression, coerced to the
// column's type, with PostgreSQL's errors for what a default cannot hold.
func (s *Session) compileDefault(e sqlparse.Expr, col Column) (*cexpr, *Error) {
	sc := &scope{sess: s, params: &paramTypes{none: true}, context: "DEFAULT"}
	c, err := sc.compile(e)
	if err != nil {
		return nil, err
	}
	if c.agg {
		return nil, newError(GroupingError, "aggregate functions are not allowed in DEFAULT expressions").at(c.pos)
	}
	return sc.assign(c, col)
}

func (s *Session) execDropTable(st *sqlparse.DropTableStmt, res *Result) error {
	res.Tag = plainTag("DROP TABLE")
	var drop []*Table
	for _, ref := range st.Tables {
		t, notice, err := s.dropTarget(ref, st.IfExists)
		if err != nil {
			return err
		}
		if notice != nil {
			res.Notices = append(res.Notices, notice)
			continue
		}
		dup := false
		for _, d := range drop {
			dup = dup || d == t
		}
		if !dup {
			drop = append(drop, t)
		}
	}
	for _, t := range drop {
		s.db.assignXid(s.tx)
		t.dropped = s.tx
		for _, sq := range s.db.sequences {
			if sq.owner == t {
				sq.dropped = s.tx
			}
		}
		s.tx.ddl = true
		s.db.catalogVersion++
	}
	return nil
}

// dropTarget finds and locks (ACCESS EXCLUSIVE) the table a DROP TABLE
// names, or returns the notice of IF EXISTS for a missing one.
func (s *Session) dropTarget(ref sqlparse.TableRef, ifExists bool) (*Table, *Error, *Error) {
	name := ref.Name.Name
	missing := func(msg string) (*Table, *Error, *Error) {
		if ifExists {
			return nil, &Error{Severity: "NOTICE", Code: "00000", Message: msg + ", skipping"}, nil
		}
		return nil, nil, newError(UndefinedTable, msg)
	}
	for {
		var path []uint32
		if ref.Schema != nil {
			ns := namespaceByName(ref.Schema.Name)
			if ns == 0 {
				if ifExists {
					return nil, &Error{Severity: "NOTICE", Code: "00000",
						Message: "schema \"" + ref.Schema.Name + "\" does not exist, skipping"}, nil
				}
				return nil, nil, errorf("3F000", "schema \"%s\" does not exist", ref.Schema.Name)
			}
			path = []uint32{ns}
		} else {
			path, _ = s.searchPath()
		}
		var found *relation
		for _, ns := range path {
			if r, ok := s.db.findRelation(s.tx, ns, name); ok {
				found = &r
				break
			}
			if unimplementedCatalog(ns, name) {
				return nil, nil, errorf("42501", "permission denied: \"%s\" is a system catalog", name)
			}
		}
		switch {
		case found == nil:
			return missing("table \"" + name + "\" does not exist")
		case found.kind != 'r':
			e := errorf("42809", "\"%s\" is not a table", name)
			switch found.kind {
			case 'i':
				e.Hint = "Use DROP INDEX to remove an index."
			case 'S':
				e.Hint = "Use DROP SEQUENCE to remove a sequence."
			}
			return nil, nil, e
		case found.table.system != nil:
			return nil, nil, errorf("42501", "permission denied: \"%s\" is a system catalog", name)
		}
		t := found.table
		if err := s.db.lockRelation(s.tx, t, accessExclusiveLock); err != nil {
			return nil, nil, err
		}
		if t.visibleTo(s.tx) && t.dropped == nil {
			return t, nil, nil
		}
		// dropped while we waited: look the name up again
	}
}

// endCatalogWork commits or undoes the catalog changes of a transaction
// that ends, and releases its relation locks.
func (db *DB) endCatalogWork(tx *Txn, commit bool) {
	if tx.ddl {
		keep := db.tables[:0]
		for _, t := range db.tables {
			switch {
			case t.created == tx && !commit, t.dropped == tx && commit:
				continue // gone
			case t.created == tx:
				t.created = nil
			case t.dropped == tx:
				t.dropped = nil
			}
			keep = append(keep, t)
		}
		clear(db.tables[len(keep):])
		db.tables = keep
		seqs := db.sequences[:0]
		for _, sq := range db.sequences {
			switch {
			case sq.created == tx && !commit, sq.dropped == tx && commit:
				continue
			case sq.created == tx:
				sq.created = nil
			case sq.dropped == tx:
				sq.dropped = nil
			}
			seqs = append(seqs, sq)
		}
		clear(db.sequences[len(seqs):])
		db.sequences = seqs
		db.catalogVersion++
	}
	db.releaseRelationLocks(tx)
}
