package model

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestWriteHTML(t *testing.T) {
	ops := []Op{
		{Client: "main/web0", Process: "main", Kind: KindUpsert, Key: "k0", Value: 1, Out: 1, Call: 0, Return: 1},
		{Client: "main/web1", Process: "main/worker1", Kind: KindWrite, Key: "k0", Value: 2, Out: 1, Call: 2, Return: 3},
		{Client: "main/web0", Process: "main", Kind: KindRead, Key: "k0", Out: 1, Call: 4, Return: 5},
		{Client: "main/web1", Process: "main/worker1", Kind: KindIncrement, Key: "k1", Value: 1, Err: "connection reset", Call: 6},
	}
	res, info := Check(ops, 10*time.Second)
	if res != Illegal {
		t.Fatalf("Check = %s, want illegal", res)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, ops, info); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if !strings.Contains(html, "<html") {
		t.Fatalf("not HTML: %.200q", html)
	}
	for _, want := range []string{
		"task main/web0, process main",
		"task main/web1, process main/worker1",
		"steps 2-3",
		"steps 6-∞",
		"connection reset",
		violationTag,
		"not linearizable: read(k0) -> 1",
		"steps 4-5, task main/web0, process main",
	} {
		if !strings.Contains(html, want) && !strings.Contains(html, jsonEscape(want)) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, u := range regexp.MustCompile(`https?://[^\s"'<>)\\]+`).FindAllString(html, -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("HTML is not self-contained: it refers to %s", u)
		}
	}
}

func TestWriteHTMLOk(t *testing.T) {
	ops := []Op{{Client: "t", Process: "p", Kind: KindRead, Key: "k0", OutAbsent: true, Call: 0, Return: 1}}
	res, info := Check(ops, 10*time.Second)
	if res != Ok {
		t.Fatalf("Check = %s, want ok", res)
	}
	if v := Violations(ops, info); len(v) != 0 {
		t.Errorf("Violations = %v, want none", v)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, ops, info); err != nil {
		t.Fatal(err)
	}
	if html := buf.String(); !strings.Contains(html, "task t, process p") || strings.Contains(html, "not linearizable") {
		t.Errorf("HTML of an ok check: annotations missing or a violation marked")
	}
}

// jsonEscape is s as encoding/json writes it inside HTML (<, >, & and
// non-ASCII may be escaped).
func jsonEscape(s string) string {
	r := strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`)
	return r.Replace(s)
}
