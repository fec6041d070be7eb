package engine

import "strings"

// pgCatalogRelations are the relations (tables and views) of PostgreSQL
// 15's pg_catalog schema, for telling a name PostgreSQL knows but the
// engine does not implement (0A000) from one that does not exist (42P01).
var pgCatalogRelations = wordList(`
	pg_aggregate pg_am pg_amop pg_amproc pg_attrdef pg_attribute
	pg_auth_members pg_authid pg_available_extension_versions
	pg_available_extensions pg_backend_memory_contexts pg_cast
	pg_class pg_collation pg_config pg_constraint pg_conversion
	pg_cursors pg_database pg_db_role_setting pg_default_acl pg_depend
	pg_description pg_enum pg_event_trigger pg_extension pg_file_settings
	pg_foreign_data_wrapper pg_foreign_server pg_foreign_table pg_group
	pg_hba_file_rules pg_ident_file_mappings pg_index pg_indexes pg_inherits
	pg_init_privs pg_language pg_largeobject pg_largeobject_metadata
	pg_locks pg_matviews pg_namespace pg_opclass pg_operator pg_opfamily
	pg_parameter_acl pg_partitioned_table pg_policies pg_policy
	pg_prepared_statements pg_prepared_xacts pg_proc pg_publication
	pg_publication_namespace pg_publication_rel pg_publication_tables pg_range
	pg_replication_origin pg_replication_origin_status pg_replication_slots
	pg_rewrite pg_roles pg_rules pg_seclabel pg_seclabels pg_sequence
	pg_sequences pg_settings pg_shadow pg_shdepend pg_shdescription
	pg_shmem_allocations pg_shseclabel pg_stat_activity pg_stat_all_indexes
	pg_stat_all_tables pg_stat_archiver pg_stat_bgwriter pg_stat_database
	pg_stat_database_conflicts pg_stat_gssapi pg_stat_progress_analyze
	pg_stat_progress_basebackup pg_stat_progress_cluster
	pg_stat_progress_copy pg_stat_progress_create_index pg_stat_progress_vacuum
	pg_stat_recovery_prefetch pg_stat_replication pg_stat_replication_slots
	pg_stat_slru pg_stat_ssl pg_stat_subscription pg_stat_subscription_stats
	pg_stat_sys_indexes pg_stat_sys_tables pg_stat_user_functions
	pg_stat_user_indexes pg_stat_user_tables pg_stat_wal pg_stat_wal_receiver
	pg_stat_xact_all_tables pg_stat_xact_sys_tables pg_stat_xact_user_functions
	pg_stat_xact_user_tables pg_statio_all_indexes pg_statio_all_sequences
	pg_statio_all_tables pg_statio_sys_indexes pg_statio_sys_sequences
	pg_statio_sys_tables pg_statio_user_indexes pg_statio_user_sequences
	pg_statio_user_tables pg_statistic pg_statistic_ext pg_statistic_ext_data
	pg_stats pg_stats_ext pg_stats_ext_exprs pg_subscription
	pg_subscription_rel pg_tables pg_tablespace pg_timezone_abbrevs
	pg_timezone_names pg_transform pg_trigger pg_ts_config pg_ts_config_map
	pg_ts_dict pg_ts_parser pg_ts_template pg_type pg_user pg_user_mapping
	pg_user_mappings pg_views
`)

// informationSchemaRelations are the views and tables of PostgreSQL 15's
// information_schema, which the engine does not implement.
var informationSchemaRelations = wordList(`
	_pg_foreign_data_wrappers _pg_foreign_servers _pg_foreign_table_columns
	_pg_foreign_tables _pg_user_mappings administrable_role_authorizations
	applicable_roles attributes character_sets check_constraint_routine_usage
	check_constraints collation_character_set_applicability collations
	column_column_usage column_domain_usage column_options column_privileges
	column_udt_usage columns constraint_column_usage constraint_table_usage
	data_type_privileges domain_constraints domain_udt_usage
	domains element_types enabled_roles foreign_data_wrapper_options
	foreign_data_wrappers foreign_server_options foreign_servers
	foreign_table_options foreign_tables information_schema_catalog_name
	key_column_usage parameters referential_constraints role_column_grants
	role_routine_grants role_table_grants role_udt_grants role_usage_grants
	routine_column_usage routine_privileges routine_routine_usage
	routine_sequence_usage routine_table_usage routines schemata sequences
	sql_features sql_implementation_info sql_parts sql_sizing table_constraints
	table_privileges tables transforms triggered_update_columns triggers
	udt_privileges usage_privileges user_defined_types user_mapping_options
	user_mappings view_column_usage view_routine_usage view_table_usage views
`)

// wordList makes a set of the space-separated words of s.
func wordList(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// unimplementedCatalog reports whether name is a relation PostgreSQL has
// in the system schema ns that the engine does not implement.
func unimplementedCatalog(ns uint32, name string) bool {
	switch ns {
	case pgCatalogNamespace:
		return pgCatalogRelations[name]
	case informationSchemaNamespace:
		return informationSchemaRelations[name]
	}
	return false
}

// pgTypeNames are the names of the types of PostgreSQL 15 (pg_catalog's
// base, pseudo, range and multirange types, and the SQL spellings the
// parser gives), for telling a type the engine does not support (0A000)
// from one that does not exist (42704).
var pgTypeNames = addNames(wordList(`
	aclitem any anyarray anycompatible anycompatiblearray
	anycompatiblemultirange anycompatiblenonarray anycompatiblerange
	anyelement anyenum anymultirange anynonarray anyrange bigint bit bool
	boolean box bpchar bytea char character cid cidr circle cstring date
	datemultirange daterange dec decimal event_trigger fdw_handler float
	float4 float8 gtsvector index_am_handler inet int int2 int2vector int4
	int4multirange int4range int8 int8multirange int8range integer internal
	interval json jsonb jsonpath language_handler line lseg macaddr macaddr8
	money name nchar numeric nummultirange numrange oid oidvector path
	pg_brin_bloom_summary pg_brin_minmax_multi_summary pg_ddl_command
	pg_dependencies pg_lsn pg_mcv_list pg_ndistinct pg_node_tree pg_snapshot
	point polygon real record refcursor regclass regcollation regconfig
	regdictionary regnamespace regoper regoperator regproc regprocedure
	regrole regtype smallint table_am_handler text tid time timestamp
	timestamptz timetz trigger tsm_handler tsmultirange tsquery tsrange
	tstzmultirange tstzrange tsvector txid_snapshot unknown uuid varbit
	varchar void xid xid8 xml
`), "character varying", "char varying", "national character", "national char",
	"national character varying", "national char varying", "bit varying", "double precision",
	"timestamp without time zone", "timestamp with time zone", "time with time zone",
	"time without time zone")

// addNames adds names to the set m.
func addNames(m map[string]bool, names ...string) map[string]bool {
	for _, n := range names {
		m[n] = true
	}
	return m
}
