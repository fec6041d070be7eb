package libpq

// interned holds the strings servers send over and over: command tags and
// the parameters (names and usual values) of ParameterStatus. gets returns
// these shared copies instead of allocating a string per message. The map
// is never written after initialisation.
var interned = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		// command tags
		"BEGIN", "COMMIT", "ROLLBACK", "SET", "SHOW", "RESET", "DISCARD ALL",
		"SAVEPOINT", "RELEASE", "START TRANSACTION", "DECLARE CURSOR", "CLOSE CURSOR",
		"LISTEN", "UNLISTEN", "NOTIFY", "PREPARE", "DEALLOCATE", "DEALLOCATE ALL",
		"CREATE TABLE", "DROP TABLE", "INSERT 0 0", "INSERT 0 1",
		"SELECT 0", "SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4", "SELECT 5",
		"UPDATE 0", "UPDATE 1", "DELETE 0", "DELETE 1", "FETCH 0", "FETCH 1",
		// ParameterStatus names
		"application_name", "client_encoding", "DateStyle", "default_transaction_read_only",
		"in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser",
		"server_encoding", "server_version", "session_authorization",
		"standard_conforming_strings", "TimeZone",
		// and usual values
		"", "on", "off", "UTF8", "SQL_ASCII", "ISO, MDY", "postgres", "UTC", "GMT", "Etc/UTC", "15.0 (poolsim)",
	} {
		m[s] = s
	}
	return m
}()

// intern returns b as a string, shared when it is one of the interned
// strings.
func intern(b []byte) string {
	if s, ok := interned[string(b)]; ok {
		return s
	}
	return string(b)
}
