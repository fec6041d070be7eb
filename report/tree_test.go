package report

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
)

// node is an element or a text of a parsed report.
type node struct {
	tag    string // "" for text
	attrs  map[string]string
	kids   []*node
	data   string // a text node's text
	parent *node
}

// scripts matches script and style elements, whose bodies are not markup.
var scripts = regexp.MustCompile(`(?s)<(script|style)>.*?</(script|style)>`)

// parseHTML parses a report as XML: the report writes void elements
// self-closed and escapes every attribute, so a strict parse succeeds once
// script and style bodies are emptied. A parse error fails the test: the
// document is not well formed.
func parseHTML(t *testing.T, doc string) *node {
	t.Helper()
	doc = scripts.ReplaceAllString(doc, "<$1></$2>")
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	root := &node{tag: "#document"}
	cur := root
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the report is not well formed: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{tag: tk.Name.Local, attrs: map[string]string{}, parent: cur}
			for _, a := range tk.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			cur.kids = append(cur.kids, n)
			cur = n
		case xml.EndElement:
			cur = cur.parent
		case xml.CharData:
			cur.kids = append(cur.kids, &node{data: string(tk), parent: cur})
		}
	}
	if cur != root {
		t.Fatalf("the report leaves <%s> open", cur.tag)
	}
	return root
}

// all returns the descendants of n (n included) for which keep is true,
// in document order.
func (n *node) all(keep func(*node) bool) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		if m.tag != "" && keep(m) {
			out = append(out, m)
		}
		for _, k := range m.kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

// byClass returns the elements of tag (any tag when empty) with class c.
func (n *node) byClass(tag, c string) []*node {
	return n.all(func(m *node) bool { return (tag == "" || m.tag == tag) && m.hasClass(c) })
}

// byID returns the element with id, or nil.
func (n *node) byID(id string) *node {
	if ms := n.all(func(m *node) bool { return m.attrs["id"] == id }); len(ms) > 0 {
		return ms[0]
	}
	return nil
}

// hasClass reports whether n's class attribute holds c.
func (n *node) hasClass(c string) bool {
	for _, x := range strings.Fields(n.attrs["class"]) {
		if x == c {
			return true
		}
	}
	return false
}

// text returns the text of n and its descendants, with runs of white
// space made one space.
func (n *node) text() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(m *node) {
		b.WriteString(m.data)
		for _, k := range m.kids {
			walk(k)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// tasks returns the paths of the task tags under n, in order.
func (n *node) tasks() []string {
	var out []string
	for _, m := range n.byClass("span", "task") {
		out = append(out, m.attrs["data-task"])
	}
	return out
}

// cells returns the td children of a row.
func (n *node) cells() []*node {
	var out []*node
	for _, k := range n.kids {
		if k.tag == "td" {
			out = append(out, k)
		}
	}
	return out
}
