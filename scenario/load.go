package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/poolsim/poolsim/app"
)

// Error is what is wrong with a scenario file: one problem, where it is
// and which key it concerns.
type Error struct {
	// File is the file's name as given to Parse.
	File string
	// Line and Column locate the problem (1-based; 0 when unknown).
	Line, Column int
	// Key is the dotted key concerned ("gunicorn.worker_class"), empty
	// for a syntax error outside any key.
	Key string
	// Msg says what is wrong.
	Msg string
}

// Error returns "file:line:column: key KEY: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		fmt.Fprintf(&b, "key %s: ", e.Key)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and parses the scenario file at path; its name is the file's
// base name without the extension.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse reads a scenario from data, the contents of file. Decoding is
// strict: a key the schema does not have is an error, as is a value of
// the wrong type or out of range. The error is one *Error naming the file,
// the line and the key. A [workload] recorded file is read too, from the
// path relative to file's directory (RecordedRequests).
func Parse(file string, data []byte) (*Scenario, error) {
	var tables map[string]any
	if err := toml.Unmarshal(data, &tables); err != nil {
		return nil, decodeError(file, err)
	}
	s := Default()
	s.File = file
	s.Source = data
	s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	sections := map[string]func(){ // lookup only
		"gunicorn": func() { g := app.DefaultGunicorn(); s.Gunicorn = &g },
		"celery":   func() { c := app.DefaultCelery(); s.Celery = &c },
		"threads":  func() { t := app.DefaultThreads(); s.Threads = &t },
	}
	for _, name := range []string{"gunicorn", "celery", "threads"} {
		if _, ok := tables[name]; ok {
			sections[name]()
		}
	}
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, decodeError(file, err)
	}
	if err := s.validate(); err != nil {
		var ve *validationError
		if errors.As(err, &ve) {
			line, col := keyPosition(data, ve.key)
			return nil, &Error{File: file, Line: line, Column: col, Key: ve.key, Msg: ve.msg}
		}
		return nil, &Error{File: file, Msg: err.Error()}
	}
	if err := s.loadRecorded(); err != nil {
		line, col := keyPosition(data, "workload.recorded")
		return nil, &Error{File: file, Line: line, Column: col, Key: "workload.recorded", Msg: err.Error()}
	}
	return &s, nil
}

// decodeError turns go-toml's errors into one *Error.
func decodeError(file string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		first := &strict.Errors[0]
		line, col := first.Position()
		key := strings.Join(first.Key(), ".")
		msg := "unknown knob " + quoteKey(first.Key())
		if known := knownKeys(first.Key()); known != "" {
			msg += " (known here: " + known + ")"
		}
		if n := len(strict.Errors) - 1; n > 0 {
			msg += fmt.Sprintf("; and %d more unknown", n)
		}
		return &Error{File: file, Line: line, Column: col, Key: key, Msg: msg}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return &Error{File: file, Line: line, Column: col, Key: strings.Join(de.Key(), "."),
			Msg: strings.TrimPrefix(de.Error(), "toml: ")}
	}
	return &Error{File: file, Msg: err.Error()}
}

func quoteKey(k []string) string { return fmt.Sprintf("%q", k[len(k)-1]) }

// knownKeys lists the keys the schema has in the table that holds key k.
func knownKeys(k []string) string {
	t := reflect.TypeFor[Scenario]()
	for _, part := range k[:len(k)-1] {
		f, ok := fieldByTag(t, part)
		if !ok {
			return ""
		}
		t = f.Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
	}
	var names []string
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("toml"); tag != "" && tag != "-" {
			names = append(names, tag)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// fieldByTag finds the struct field whose toml tag is name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("toml") == name {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

// keyPosition returns the line and column of the dotted key in data (its
// table header for a table), or 0, 0.
func keyPosition(data []byte, key string) (line, col int) {
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(e.Key())
			if strings.Join(table, ".") == key {
				return nodePosition(&p, e.Key())
			}
		case unstable.KeyValue:
			parts := append(slices.Clone(table), keyParts(e.Key())...)
			if strings.Join(parts, ".") == key {
				return nodePosition(&p, e.Key())
			}
		}
	}
	return 0, 0
}

func keyParts(it unstable.Iterator) []string {
	var out []string
	for it.Next() {
		out = append(out, string(it.Node().Data))
	}
	return out
}

func nodePosition(p *unstable.Parser, it unstable.Iterator) (int, int) {
	if !it.Next() {
		return 0, 0
	}
	sh := p.Shape(it.Node().Raw)
	return sh.Start.Line, sh.Start.Column
}
