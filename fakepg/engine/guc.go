package engine

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
)

// gucDef describes one configuration parameter.
type gucDef struct {
	name     string // canonical spelling, as SHOW's column and ParameterStatus use it
	def      string // default value
	report   bool   // GUC_REPORT: sent in ParameterStatus at startup and on change
	readOnly bool   // cannot be changed with SET
	unit     string // "ms" for time parameters normalised like PostgreSQL
	boolean  bool   // a boolean parameter, shown as on or off
	// enum lists the values of an enumerated parameter, which are matched
	// ignoring case.
	enum []string
	// noResetAll keeps RESET ALL from resetting it (GUC_NO_RESET_ALL).
	noResetAll bool

	// postmaster marks a read-only parameter the server sets at start
	// (PGC_POSTMASTER), which SET says needs a restart.
	postmaster bool
}

// gucDefs are the parameters the engine knows, sorted by name ignoring
// case, the order PostgreSQL reports them in at startup.
var gucDefs = []gucDef{
	{name: "application_name", report: true},
	{name: "client_encoding", def: "UTF8", report: true},
	{name: "DateStyle", def: "ISO, MDY", report: true},
	{name: "deadlock_timeout", def: "1s", unit: "ms"},
	{name: "default_transaction_deferrable", def: "off", boolean: true},
	{name: "default_transaction_isolation", def: "read committed", enum: isolationLevels},
	{name: "default_transaction_read_only", def: "off", report: true, boolean: true},
	{name: "extra_float_digits", def: "1"},
	{name: "idle_in_transaction_session_timeout", def: "0", unit: "ms"},
	{name: "in_hot_standby", def: "off", report: true, readOnly: true},
	{name: "integer_datetimes", def: "on", report: true, readOnly: true},
	{name: "IntervalStyle", def: "postgres", report: true},
	{name: "is_superuser", def: "off", report: true, readOnly: true},
	{name: "lock_timeout", def: "0", unit: "ms"},
	{name: "max_connections", def: "100", readOnly: true, postmaster: true},
	{name: "search_path", def: `"$user", public`},
	{name: "server_encoding", def: "UTF8", report: true, readOnly: true},
	{name: "server_version", def: ServerVersion, report: true, readOnly: true},
	{name: "server_version_num", def: ServerVersionNum, readOnly: true},
	{name: "session_authorization", report: true},
	{name: "standard_conforming_strings", def: "on", report: true, boolean: true},
	{name: "statement_timeout", def: "0", unit: "ms"},
	{name: "superuser_reserved_connections", def: "3", readOnly: true, postmaster: true},
	{name: "TimeZone", def: "UTC", report: true},
	{name: "transaction_deferrable", def: "off", boolean: true, noResetAll: true},
	{name: "transaction_isolation", def: "read committed", enum: isolationLevels, noResetAll: true},
	{name: "transaction_read_only", def: "off", boolean: true, noResetAll: true},
	{name: "work_mem", def: "4MB"},
}

// The version the fake server reports.
const (
	ServerVersion    = "15.0 (poolsim)"
	ServerVersionNum = "150000"
)

func findGUC(name string) *gucDef {
	for i := range gucDefs {
		if strings.EqualFold(gucDefs[i].name, name) {
			return &gucDefs[i]
		}
	}
	return nil
}

// gucState holds a session's parameter values with transactional undo:
// values set inside a transaction revert if it aborts, and SET LOCAL
// values revert when it ends.
type gucState struct {
	vals     map[string]string // by canonical name; lookup only
	resets   map[string]string // what RESET restores: defaults, or the startup packet's values
	inTxn    bool
	saved    map[string]string // values at transaction start of those changed in it
	local    map[string]string // values before the first SET LOCAL
	reported map[string]string // the values last sent in ParameterStatus
	dirty    bool              // a value may differ from the one reported
	// check, if set, vets a new value of a parameter after validation
	// (PostgreSQL's check hooks); see Session.checkSetting.
	check func(d *gucDef, v string) *Error
	// gen counts the changes of vals; modes caches what every statement
	// reads of them (see txmode.go).
	gen   uint64
	modes modeCache
}

// reportedGUCs is the number of GUC_REPORT parameters.
var reportedGUCs = func() int {
	n := 0
	for _, d := range gucDefs {
		if d.report {
			n++
		}
	}
	return n
}()

func newGUCState(user, appName string, superuser bool) *gucState {
	g := &gucState{vals: make(map[string]string, len(gucDefs)), reported: make(map[string]string, reportedGUCs)}
	for _, d := range gucDefs {
		g.vals[d.name] = d.def
	}
	g.vals["session_authorization"] = user
	g.vals["application_name"] = appName
	if superuser {
		g.vals["is_superuser"] = "on"
	}
	g.resets = map[string]string{"application_name": appName}
	g.dirty = true
	g.gen = 1
	return g
}

// resetValue returns what RESET restores for d.
func (g *gucState) resetValue(d *gucDef) string {
	if v, ok := g.resets[d.name]; ok {
		return v
	}
	return d.def
}

func (g *gucState) begin() {
	g.inTxn, g.saved, g.local = true, nil, nil
}

func (g *gucState) commit() {
	g.apply(g.local)
	g.inTxn, g.saved, g.local = false, nil, nil
}

func (g *gucState) abort() {
	g.apply(g.saved)
	g.inTxn, g.saved, g.local = false, nil, nil
}

// apply sets every parameter in vals (the order of the copy cannot matter)
// and marks the values for reporting.
func (g *gucState) apply(vals map[string]string) {
	if len(vals) > 0 {
		maps.Copy(g.vals, vals)
		g.dirty = true
		g.gen++
	}
}

// assign sets a value, remembering the transaction-start value for abort.
func (g *gucState) assign(name, v string) {
	if g.inTxn {
		if g.saved == nil {
			g.saved = map[string]string{}
		}
		if _, ok := g.saved[name]; !ok {
			g.saved[name] = g.vals[name]
		}
	}
	g.vals[name] = v
	g.dirty = true
	g.gen++
}

// set assigns a parameter; local makes it revert at transaction end.
func (g *gucState) set(name string, value string, local bool) *Error {
	d := findGUC(name)
	if d == nil {
		if strings.Contains(name, ".") {
			g.assign(name, value) // a placeholder for an extension's parameter
			return nil
		}
		return errorf(UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	if d.readOnly {
		return d.cannotChange()
	}
	v, err := normalizeGUC(d, value)
	if err != nil {
		return err
	}
	if g.check != nil {
		if err := g.check(d, v); err != nil {
			return err
		}
	}
	if local {
		if g.local == nil {
			g.local = map[string]string{}
		}
		if _, ok := g.local[d.name]; !ok {
			g.local[d.name] = g.vals[d.name]
		}
	} else {
		delete(g.local, d.name) // a later plain SET outlives the transaction
	}
	g.assign(d.name, v)
	return nil
}

// normalizeGUC validates value for d and renders it as SHOW would.
func normalizeGUC(d *gucDef, value string) (string, *Error) {
	switch {
	case d.enum != nil:
		for _, e := range d.enum {
			if strings.EqualFold(value, e) {
				return e, nil
			}
		}
		e := errorf(InvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", d.name, value)
		e.Hint = "Available values: " + strings.Join(d.enum, ", ") + "."
		return "", e
	case d.boolean:
		switch strings.ToLower(value) {
		case "on", "true", "yes", "1", "t", "y":
			return "on", nil
		case "off", "false", "no", "0", "f", "n":
			return "off", nil
		}
		e := errorf(InvalidParameterValue, "parameter \"%s\" requires a Boolean value", d.name)
		return "", e
	case d.name == "DateStyle":
		return normalizeDateStyle(value)
	case d.name == "extra_float_digits":
		return normalizeIntGUC(d.name, value, -15, 3)
	case d.name == "client_encoding":
		switch strings.ToUpper(strings.ReplaceAll(value, "-", "")) {
		case "UTF8", "UNICODE":
			return "UTF8", nil
		case "SQL_ASCII":
			return "SQL_ASCII", nil
		}
		return "", errorf(InvalidParameterValue, "invalid value for parameter \"client_encoding\": \"%s\"", value)
	case d.name == "TimeZone":
		if strings.EqualFold(value, "utc") {
			return "UTC", nil
		}
		if _, err := time.LoadLocation(value); err != nil || value == "" || value == "Local" {
			return "", errorf(InvalidParameterValue, "invalid value for parameter \"TimeZone\": \"%s\"", value)
		}
		return value, nil
	case d.unit == "ms":
		ms, ok := parseMillis(value)
		if !ok {
			e := errorf(InvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", d.name, value)
			e.Hint = `Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".`
			return "", e
		}
		return formatMillis(ms), nil
	}
	return value, nil
}

// normalizeDateStyle renders a DateStyle as "<output style>, <field
// order>", filling what the value leaves out from the default ISO, MDY.
func normalizeDateStyle(value string) (string, *Error) {
	style, order := "ISO", "MDY"
	for _, f := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' }) {
		switch strings.ToUpper(f) {
		case "ISO":
			style = "ISO"
		case "SQL":
			style = "SQL"
		case "POSTGRES":
			style = "Postgres"
		case "GERMAN":
			style = "German"
		case "DMY", "EURO", "EUROPEAN":
			order = "DMY"
		case "MDY", "US", "NONEURO", "NONEUROPEAN":
			order = "MDY"
		case "YMD":
			order = "YMD"
		default:
			e := errorf(InvalidParameterValue, "invalid value for parameter \"DateStyle\": \"%s\"", value)
			e.Detail = `Unrecognized key word: "` + f + `".`
			return "", e
		}
	}
	return style + ", " + order, nil
}

// parseMillis parses a time parameter: a number of milliseconds, or a
// number with a unit.
func parseMillis(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '-') {
		i++
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, false
	}
	var m int64
	switch strings.TrimSpace(s[i:]) {
	case "", "ms":
		m = 1
	case "s":
		m = 1000
	case "min":
		m = 60000
	case "h":
		m = 3600000
	case "d":
		m = 86400000
	default:
		return 0, false
	}
	return n * m, true
}

// formatMillis renders milliseconds with the largest unit that divides
// them, as SHOW does.
func formatMillis(ms int64) string {
	if ms == 0 {
		return "0"
	}
	for _, u := range []struct {
		name string
		n    int64
	}{{"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}} {
		if ms%u.n == 0 {
			return fmt.Sprintf("%d%s", ms/u.n, u.name)
		}
	}
	return fmt.Sprintf("%dms", ms)
}

// reset restores a parameter's default, or all of them.
func (g *gucState) reset(name string) *Error {
	if name == "all" {
		for _, d := range gucDefs {
			if !d.readOnly && !d.noResetAll && d.name != "session_authorization" {
				g.assign(d.name, g.resetValue(&d))
			}
		}
		return nil
	}
	d := findGUC(name)
	if d == nil {
		return errorf(UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	if d.readOnly {
		return d.cannotChange()
	}
	v := g.resetValue(d)
	if g.check != nil {
		if err := g.check(d, v); err != nil {
			return err
		}
	}
	g.assign(d.name, v)
	return nil
}

// show returns a parameter's canonical name and value.
func (g *gucState) show(name string) (string, string, *Error) {
	if d := findGUC(name); d != nil {
		return d.name, g.vals[d.name], nil
	}
	if v, ok := g.vals[name]; ok {
		return name, v, nil
	}
	return "", "", errorf(UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
}

// Report is one ParameterStatus the server should send.
type Report struct {
	Name, Value string
}

// Reports returns the GUC_REPORT parameters whose values changed since
// they were last reported, in PostgreSQL's order, and marks them reported.
// At session start every reported parameter is returned.
func (s *Session) Reports() []Report {
	if !s.gucs.dirty {
		return nil
	}
	s.gucs.dirty = false
	var out []Report
	for _, d := range gucDefs {
		if !d.report {
			continue
		}
		v := s.gucs.vals[d.name]
		if last, ok := s.gucs.reported[d.name]; ok && last == v {
			continue
		}
		s.gucs.reported[d.name] = v
		out = append(out, Report{d.name, v})
	}
	return out
}

// cannotChange is the error for SET or RESET of a read-only parameter.
func (d *gucDef) cannotChange() *Error {
	if d.postmaster {
		return errorf(CantChangeRuntimeParam, "parameter \"%s\" cannot be changed without restarting the server", d.name)
	}
	return errorf(CantChangeRuntimeParam, "parameter \"%s\" cannot be changed", d.name)
}
