package engine

// DefaultSuperuser is the role that is a superuser when DB.Superusers is
// nil: the bootstrap superuser initdb creates.
const DefaultSuperuser = "postgres"

// IsSuperuser reports whether the role user is a superuser: one of
// db.Superusers, or DefaultSuperuser when that is nil.
func (db *DB) IsSuperuser(user string) bool {
	if db.Superusers == nil {
		return user == DefaultSuperuser
	}
	for _, u := range db.Superusers {
		if u == user {
			return true
		}
	}
	return false
}

// SetServerParameter sets the server-wide value of a parameter, as
// postgresql.conf or the server's command line does (max_connections,
// superuser_reserved_connections): sessions started afterwards show it,
// and it is what RESET restores. Call it before serving sessions.
func (db *DB) SetServerParameter(name, value string) {
	if d := findGUC(name); d != nil {
		name = d.name
	}
	for i, p := range db.serverParams {
		if p.Name == name {
			db.serverParams[i].Value = value
			return
		}
	}
	db.serverParams = append(db.serverParams, Report{Name: name, Value: value})
}
