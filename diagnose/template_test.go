package diagnose

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/scenario"
)

// sampleArgs gives each verb of a format a value, as the component would
// print it, and the text the verb's capture should give back.
func sampleArgs(format string) (args []any, want []string) {
	for _, tk := range tokens(format) {
		switch tk.verb {
		case 'c':
			args, want = append(args, 'T'), append(want, "T")
		case 'd':
			args, want = append(args, 1954111281), append(want, "1954111281")
		case 'x':
			args, want = append(args, 0x54), append(want, "54")
		case 'f':
			args, want = append(args, 30.0), append(want, "30.00")
		case 's':
			args, want = append(args, "PGRES_TUPLES_OK"), append(want, "PGRES_TUPLES_OK")
		}
	}
	return args, want
}

// TestTemplatesRoundTrip: every template matches its own format filled in
// (inside a longer text), in full, and gives back the values.
func TestTemplatesRoundTrip(t *testing.T) {
	for _, tp := range Templates() {
		args, want := sampleArgs(tp.Format)
		text := fmt.Sprintf(tp.Format, args...)
		h, ok := tp.match("(psycopg2.OperationalError) " + text + "\n[SQL: SELECT 1]")
		if !ok || h.partial {
			t.Errorf("%q: no full match of %q (ok %v)", tp.Format, text, ok)
			continue
		}
		if !slices.Equal(h.args, want) {
			t.Errorf("%q: values %q, want %q", tp.Format, h.args, want)
		}
		if tp.Source == "" || tp.Meaning == "" || len(tp.Keys) == 0 {
			t.Errorf("%q: source, meaning or keys missing", tp.Format)
		}
	}
}

// TestTemplateKeys: every key is a fixed part of its format, alone it
// matches its template in part, and it matches no other template.
func TestTemplateKeys(t *testing.T) {
	for _, tp := range Templates() {
		for _, k := range tp.Keys {
			if !strings.Contains(tp.Format, k) || strings.Contains(k, "%") {
				t.Errorf("%q: key %q is not a fixed part of the format", tp.Format, k)
			}
			if h, ok := tp.match("ERROR: " + k + "."); !ok || (!h.partial && k != tp.Format) {
				t.Errorf("%q: key %q alone gives match %v partial %v", tp.Format, k, ok, h.partial)
			}
			for _, other := range Templates() {
				if other != tp && other.Match(k) {
					t.Errorf("key %q of %q also matches %q", k, tp.Format, other.Format)
				}
			}
		}
	}
}

// TestTemplatesCoverSymptomTexts: every symptom text the scenarios count
// is the key of a template, so a diagnosis knows all of them.
func TestTemplatesCoverSymptomTexts(t *testing.T) {
	for _, s := range scenario.SymptomTexts {
		found := false
		for _, tp := range Templates() {
			found = found || slices.Contains(tp.Keys, s)
		}
		if !found {
			t.Errorf("symptom text %q is no template's key", s)
		}
	}
}

// TestTemplateTail: a text that quotes the end of a message from a verb on
// (the incident's "PGRES_TUPLES_OK and no message from the libpq") gives
// the values from there; a NUL %c ends libpq's text at the quote.
func TestTemplateTail(t *testing.T) {
	tp := Find("error with status %s and no message from the libpq")
	h, ok := tp.match("PGRES_TUPLES_OK and no message from the libpq")
	if !ok || !h.partial || h.args[0] != "PGRES_TUPLES_OK" {
		t.Errorf("tail match %v %+v", ok, h)
	}
	sync := Find(`lost synchronization with server: got message type "%c", length %d`)
	h, ok = sync.match("libpq: lost synchronization with server: got message type \"")
	if !ok || h.partial || h.args[0] != "" {
		t.Errorf("NUL type byte: %v %+v", ok, h)
	}
	if d := explainSyncLoss(h, nil); len(d) != 1 || !strings.Contains(d[0], "NUL") {
		t.Errorf("NUL type byte explained as %q", d)
	}
	h, ok = sync.match("lost synchronization with server")
	if !ok || !h.partial || explainSyncLoss(h, nil) != nil {
		t.Errorf("key only: %v %+v", ok, h)
	}
	if Find("no such text") != nil {
		t.Error("Find of an unknown format")
	}
}
