package sqlparse

import "testing"

// TestKeywords checks the key word table against PostgreSQL 15's kwlist.h:
// the number of key words per category and of those that need AS to be a
// column label, and a few entries.
func TestKeywords(t *testing.T) {
	count := map[kwCategory]int{}
	asOnly := 0
	for name, kw := range keywords {
		if kw.name != name {
			t.Errorf("keywords[%q].name = %q", name, kw.name)
		}
		count[kw.cat]++
		if !kw.bareLabel {
			asOnly++
		}
	}
	want := map[kwCategory]int{kwUnreserved: 309, kwColName: 51, kwTypeFuncName: 23, kwReserved: 77}
	for cat, n := range want {
		if count[cat] != n {
			t.Errorf("category %d has %d key words, want %d", cat, count[cat], n)
		}
	}
	if asOnly != 39 {
		t.Errorf("%d key words need AS, want 39", asOnly)
	}
	for _, c := range []struct {
		word string
		cat  kwCategory
		bare bool
	}{
		{"select", kwReserved, true},
		{"from", kwReserved, false},
		{"day", kwUnreserved, false},
		{"int", kwColName, true},
		{"left", kwTypeFuncName, true},
		{"isnull", kwTypeFuncName, false},
	} {
		kw := lookupKeyword(c.word)
		if kw == nil || kw.cat != c.cat || kw.bareLabel != c.bare {
			t.Errorf("lookupKeyword(%q) = %+v, want category %d, bare label %v", c.word, kw, c.cat, c.bare)
		}
	}
	if lookupKeyword("SeLeCt") != keywords["select"] || lookupKeyword("sélect") != nil || lookupKeyword("thisisnotakeywordatall") != nil {
		t.Error("lookupKeyword folds case wrongly")
	}
}
