package sqlparse

import (
	"fmt"
	"strings"
)

// The compact printer the tests compare parse results with. Every node is
// printed with its position after @, so that the tests check positions too:
//
//	SELECT k@8, (+@14 v@12 1@16) AS n@21 FROM kv@28 WHERE (=@39 k@37 $1@41)
//
// Binary and unary operators, casts and IS NULL print as parenthesized
// prefix forms carrying the operator's position; statements print close to
// SQL, with their byte span in brackets.

func formatStmts(stmts []Stmt) string {
	var parts []string
	for _, s := range stmts {
		parts = append(parts, formatStmt(s))
	}
	return strings.Join(parts, "; ")
}

func formatStmt(s Stmt) string {
	var b strings.Builder
	switch s := s.(type) {
	case *SelectStmt:
		b.WriteString("SELECT " + formatTargets(s.Targets))
		if s.From != nil {
			b.WriteString(" FROM " + formatTable(*s.From))
		}
		for _, j := range s.Joins {
			kind := []string{JoinComma: ",", JoinCross: " CROSS JOIN", JoinInner: " JOIN"}[j.Kind]
			fmt.Fprintf(&b, "%s@%d %s", kind, j.P, formatTable(j.Table))
			if j.On != nil {
				b.WriteString(" ON " + formatExpr(j.On))
			}
		}
		if s.Where != nil {
			b.WriteString(" WHERE " + formatExpr(s.Where))
		}
		if len(s.OrderBy) > 0 {
			var items []string
			for _, o := range s.OrderBy {
				item := formatExpr(o.Expr)
				if o.Desc {
					item += " DESC"
				}
				items = append(items, item)
			}
			b.WriteString(" ORDER BY " + strings.Join(items, ", "))
		}
		if s.Limit != nil {
			b.WriteString(" LIMIT " + formatExpr(s.Limit))
		}
		if s.ForUpdate {
			b.WriteString(" FOR UPDATE")
		}
	case *InsertStmt:
		b.WriteString("INSERT INTO " + formatTable(s.Table))
		if len(s.Columns) > 0 {
			b.WriteString(" (" + formatIdents(s.Columns) + ")")
		}
		var rows []string
		for _, r := range s.Rows {
			rows = append(rows, "("+formatExprs(r)+")")
		}
		if s.Rows == nil {
			b.WriteString(" DEFAULT VALUES")
		} else {
			b.WriteString(" VALUES " + strings.Join(rows, ", "))
		}
		if oc := s.OnConflict; oc != nil {
			fmt.Fprintf(&b, " ON@%d CONFLICT", oc.P)
			if len(oc.Columns) > 0 {
				b.WriteString(" (" + formatIdents(oc.Columns) + ")")
			}
			if oc.DoNothing {
				b.WriteString(" DO NOTHING")
			} else {
				b.WriteString(" DO UPDATE SET " + formatSet(oc.Set))
				if oc.Where != nil {
					b.WriteString(" WHERE " + formatExpr(oc.Where))
				}
			}
		}
		if len(s.Returning) > 0 {
			b.WriteString(" RETURNING " + formatTargets(s.Returning))
		}
	case *UpdateStmt:
		b.WriteString("UPDATE " + formatTable(s.Table) + " SET " + formatSet(s.Set))
		if s.Where != nil {
			b.WriteString(" WHERE " + formatExpr(s.Where))
		}
		if len(s.Returning) > 0 {
			b.WriteString(" RETURNING " + formatTargets(s.Returning))
		}
	case *DeleteStmt:
		b.WriteString("DELETE FROM " + formatTable(s.Table))
		if s.Where != nil {
			b.WriteString(" WHERE " + formatExpr(s.Where))
		}
		if len(s.Returning) > 0 {
			b.WriteString(" RETURNING " + formatTargets(s.Returning))
		}
	case *TransactionStmt:
		b.WriteString([]string{TxBegin: "BEGIN", TxStart: "START", TxCommit: "COMMIT", TxRollback: "ROLLBACK"}[s.Kind])
		for _, m := range s.Modes {
			b.WriteString(" <" + m + ">")
		}
	case *SetStmt:
		b.WriteString("SET ")
		if s.Local {
			b.WriteString("LOCAL ")
		}
		b.WriteString(s.Name + " =")
		if s.Default {
			b.WriteString(" DEFAULT")
		}
		for _, v := range s.Values {
			b.WriteString(" <" + v + ">")
		}
	case *ShowStmt:
		b.WriteString("SHOW " + s.Name)
	case *ResetStmt:
		b.WriteString("RESET " + s.Name)
	case *CreateTableStmt:
		b.WriteString("CREATE TABLE ")
		if s.IfNotExists {
			b.WriteString("IF NOT EXISTS ")
		}
		var elems []string
		for _, c := range s.Columns {
			e := formatIdent(c.Name) + " " + formatTypeName(c.Type)
			for _, k := range c.Constraints {
				e += " " + formatConstraint(k.Kind, k.Name, k.P)
				if k.Default != nil {
					e += " " + formatExpr(k.Default)
				}
			}
			elems = append(elems, e)
		}
		for _, c := range s.Constraints {
			elems = append(elems, formatConstraint(c.Kind, c.Name, c.P)+" ("+formatIdents(c.Columns)+")")
		}
		b.WriteString(formatTable(s.Table) + " (" + strings.Join(elems, ", ") + ")")
	case *DropTableStmt:
		b.WriteString("DROP TABLE ")
		if s.IfExists {
			b.WriteString("IF EXISTS ")
		}
		var names []string
		for _, t := range s.Tables {
			names = append(names, formatTable(t))
		}
		b.WriteString(strings.Join(names, ", "))
		if s.Cascade {
			b.WriteString(" CASCADE")
		}
	default:
		fmt.Fprintf(&b, "%T", s)
	}
	start, end := s.Span()
	fmt.Fprintf(&b, " [%d:%d]", start, end)
	return b.String()
}

func formatTypeName(t TypeName) string {
	s := fmt.Sprintf("%s@%d", t.Name, t.P)
	if t.Mods != nil {
		s += "(" + formatExprs(t.Mods) + ")"
	}
	return s
}

func formatConstraint(kind ConstraintKind, name *Ident, pos int) string {
	s := ""
	if name != nil {
		s = "CONSTRAINT " + formatIdent(*name) + " "
	}
	k := []string{ConNotNull: "NOT NULL", ConNull: "NULL", ConDefault: "DEFAULT", ConPrimaryKey: "PRIMARY KEY", ConUnique: "UNIQUE"}[kind]
	return fmt.Sprintf("%s%s@%d", s, k, pos)
}

func formatTable(t TableRef) string {
	s := formatIdent(t.Name)
	if t.Schema != nil {
		s = formatIdent(*t.Schema) + "." + s
	}
	if t.Alias != nil {
		s += " AS " + formatIdent(*t.Alias)
	}
	return s
}

func formatIdent(id Ident) string { return fmt.Sprintf("%s@%d", id.Name, id.P) }

func formatIdents(ids []Ident) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, formatIdent(id))
	}
	return strings.Join(parts, ", ")
}

func formatSet(set []SetClause) string {
	var parts []string
	for _, c := range set {
		parts = append(parts, formatIdent(c.Column)+" = "+formatExpr(c.Value))
	}
	return strings.Join(parts, ", ")
}

func formatTargets(ts []Target) string {
	var parts []string
	for _, t := range ts {
		var s string
		switch {
		case t.Star && t.Table != nil:
			s = fmt.Sprintf("%s.*@%d", t.Table.Name, t.P)
		case t.Star:
			s = fmt.Sprintf("*@%d", t.P)
		default:
			s = formatExpr(t.Expr)
			if t.P != t.Expr.Pos() {
				s += fmt.Sprintf("{target@%d}", t.P)
			}
		}
		if t.Alias != nil {
			s += " AS " + formatIdent(*t.Alias)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func formatExprs(es []Expr) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, formatExpr(e))
	}
	return strings.Join(parts, ", ")
}

func formatExpr(e Expr) string {
	switch e := e.(type) {
	case *Const:
		switch e.Kind {
		case ConstString:
			return fmt.Sprintf("'%s'@%d", strings.ReplaceAll(e.Text, "'", "''"), e.P)
		case ConstNull:
			return fmt.Sprintf("NULL@%d", e.P)
		case ConstBool:
			return fmt.Sprintf("%s@%d", strings.ToUpper(e.Text), e.P)
		case ConstFloat:
			return fmt.Sprintf("%s(f)@%d", e.Text, e.P)
		}
		return fmt.Sprintf("%s@%d", e.Text, e.P)
	case *Param:
		return fmt.Sprintf("$%d@%d", e.N, e.P)
	case *ColumnRef:
		if e.Table != "" {
			return fmt.Sprintf("%s.%s@%d", e.Table, e.Column, e.P)
		}
		return fmt.Sprintf("%s@%d", e.Column, e.P)
	case *FuncCall:
		name := e.Name
		if e.Schema != "" {
			name = e.Schema + "." + name
		}
		switch {
		case e.Star:
			return fmt.Sprintf("%s(*)@%d", name, e.P)
		case e.Keyword:
			return fmt.Sprintf("%s@%d", strings.ToUpper(name), e.P)
		}
		return fmt.Sprintf("%s(%s)@%d", name, formatExprs(e.Args), e.P)
	case *Default:
		return fmt.Sprintf("DEFAULT@%d", e.P)
	case *BinaryExpr:
		return fmt.Sprintf("(%s@%d %s %s)", e.Op, e.P, formatExpr(e.L), formatExpr(e.R))
	case *UnaryExpr:
		return fmt.Sprintf("(%s@%d %s)", e.Op, e.P, formatExpr(e.X))
	case *TypeCast:
		return fmt.Sprintf("(::%s@%d %s)", e.Type, e.P, formatExpr(e.X))
	case *IsNullExpr:
		op := "IS NULL"
		if e.Not {
			op = "IS NOT NULL"
		}
		return fmt.Sprintf("(%s@%d %s)", op, e.P, formatExpr(e.X))
	case nil:
		return "<nil>"
	}
	return fmt.Sprintf("%T", e)
}
