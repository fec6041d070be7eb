package procmem

import (
	"testing"

	"github.com/poolsim/poolsim/sim"
)

type conn struct{ id int }

type pool struct {
	idle []*conn
	self *pool
}

func (p *pool) copyInto(c *Copier) *pool {
	return Copy(c, p, func() *pool {
		q := &pool{}
		Register(c, p, q)
		for _, x := range p.idle {
			q.idle = append(q.idle, Copy(c, x, func() *conn { y := *x; return &y }))
		}
		q.self = p.self.copyInto(c)
		return q
	})
}

// TestCopyKeepsTheShapeOfReferences: two references to one object in the
// parent are two references to one copy in the child; a cycle ends; the
// copies are not the originals.
func TestCopyKeepsTheShapeOfReferences(t *testing.T) {
	w := sim.New(sim.Zeros())
	child := w.Main().Fork("child", nil)
	shared := &conn{id: 1}
	p := &pool{idle: []*conn{shared, shared, {id: 2}}}
	p.self = p
	c := NewCopier(child)
	q := p.copyInto(c)
	if q == p || q.idle[0] == shared || q.idle[0] != q.idle[1] || q.idle[2] == q.idle[0] {
		t.Fatalf("copy %+v does not keep the shape of %+v", q, p)
	}
	if q.self != q {
		t.Fatal("the cycle through self was not kept")
	}
	if q2 := p.copyInto(c); q2 != q {
		t.Fatal("copying twice in one fork made two copies")
	}
	if got, ok := Copied(c, shared); !ok || got != q.idle[0] {
		t.Fatal("Copied does not find the copy")
	}
	if c.Parent != w.Main() || c.Child != child {
		t.Fatal("copier's processes")
	}
	var none *conn
	if Copy(c, none, func() *conn { t.Fatal("copied nil"); return nil }) != nil {
		t.Fatal("nil copy")
	}
}
