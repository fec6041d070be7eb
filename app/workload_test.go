package app

import (
	"reflect"
	"strings"
	"testing"
)

// TestGeneratePerTarget: the same seed draws the same requests; a
// target's requests do not depend on the other targets; another seed
// draws others; the statements are the ORM's texts.
func TestGeneratePerTarget(t *testing.T) {
	cfg := DefaultWorkload()
	cfg.Requests = 20
	a := Generate(cfg, 7, "gunicorn")
	b := Generate(cfg, 7, "celery", "gunicorn")
	c := Generate(cfg, 8, "gunicorn")
	strip := func(wl *Workload, target string) []Request {
		var out []Request
		for _, r := range wl.Requests {
			if r.Target == target {
				x := *r
				x.ID = 0
				out = append(out, x)
			}
		}
		return out
	}
	if !reflect.DeepEqual(strip(a, "gunicorn"), strip(b, "gunicorn")) {
		t.Fatal("adding a target changed gunicorn's requests")
	}
	if reflect.DeepEqual(strip(a, "gunicorn"), strip(c, "gunicorn")) {
		t.Fatal("two seeds drew the same requests")
	}
	kinds := map[OpKind]int{}
	auto := 0
	for _, r := range a.Requests {
		if r.Autocommit != nil {
			auto++
			kinds[r.Autocommit.Kind]++
			continue
		}
		for _, tx := range r.Transactions {
			for _, st := range tx.Statements {
				kinds[st.Kind]++
				if st.Kind == OpSelect && !strings.Contains(st.SQL, "activity_1.id AS activity_1_id") {
					t.Fatalf("select %q", st.SQL)
				}
			}
		}
	}
	if auto == 0 || kinds[OpRead] == 0 || kinds[OpWrite] == 0 || kinds[OpIncrement] == 0 || kinds[OpSelect] == 0 {
		t.Fatalf("mix not drawn: %d autocommit, %v", auto, kinds)
	}
	if len(a.For("gunicorn", 1)) != cfg.Requests {
		t.Fatalf("client 1 has %d requests", len(a.For("gunicorn", 1)))
	}
}
