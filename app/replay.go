package app

// RecordedStatement is one statement of a recorded client session, to
// replay as the client sent it (OpStatement).
func RecordedStatement(sql string) Statement {
	return Statement{Kind: OpStatement, SQL: sql}
}

// addReplay gives each of target's clients the configuration's replayed
// requests, in order: client c's request s is a copy of Replay[s]. The
// transactions' statements are shared, never changed.
func (wl *Workload) addReplay(target string, clients int) {
	for c := range clients {
		for s, tmpl := range wl.Config.Replay {
			r := tmpl
			r.ID, r.Target, r.Client, r.Seq = len(wl.Requests), target, c, s
			wl.Requests = append(wl.Requests, &r)
		}
	}
}
