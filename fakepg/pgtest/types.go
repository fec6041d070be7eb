package pgtest

// pgType is a PostgreSQL type as a RowDescription line shows it.
type pgType struct {
	name string
	len  int16 // typlen
}

// pgTypes are the built-in types pgtest names, by OID (pg_type.dat).
var pgTypes = map[uint32]pgType{
	16:   {"bool", 1},
	17:   {"bytea", -1},
	18:   {"char", 1},
	19:   {"name", 64},
	20:   {"int8", 8},
	21:   {"int2", 2},
	23:   {"int4", 4},
	24:   {"regproc", 4},
	25:   {"text", -1},
	26:   {"oid", 4},
	27:   {"tid", 6},
	28:   {"xid", 4},
	114:  {"json", -1},
	142:  {"xml", -1},
	700:  {"float4", 4},
	701:  {"float8", 8},
	705:  {"unknown", -2},
	869:  {"inet", -1},
	1000: {"_bool", -1},
	1005: {"_int2", -1},
	1007: {"_int4", -1},
	1009: {"_text", -1},
	1016: {"_int8", -1},
	1042: {"bpchar", -1},
	1043: {"varchar", -1},
	1082: {"date", 4},
	1083: {"time", 8},
	1114: {"timestamp", 8},
	1184: {"timestamptz", 8},
	1186: {"interval", 16},
	1266: {"timetz", 12},
	1700: {"numeric", -1},
	2205: {"regclass", 4},
	2249: {"record", -1},
	2278: {"void", 4},
	2950: {"uuid", 16},
	3220: {"pg_lsn", 8},
	3802: {"jsonb", -1},
}
