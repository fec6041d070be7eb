package sqlparse

import (
	"fmt"
	"strings"
	"testing"
)

// formatTokens prints tokens as kind:text@pos, with the value in braces
// when it differs from the text.
func formatTokens(src string, toks []token) string {
	names := map[tokKind]string{
		tEOF: "eof", tError: "error", tIdent: "ident", tQIdent: "qident", tUIdent: "uident",
		tString: "str", tEString: "estr", tBitString: "bits", tHexString: "hex", tUString: "ustr",
		tInteger: "int", tFloat: "float", tParam: "param", tOp: "op", tTypecast: "cast",
		tDotDot: "dotdot", tColonEquals: "colonequals", tEqualsGreater: "equalsgreater",
		tLessEquals: "le", tGreaterEquals: "ge", tNotEquals: "ne", tChar: "char",
	}
	var parts []string
	for _, t := range toks {
		text := src[t.start:t.end]
		s := fmt.Sprintf("%s:%s@%d", names[t.kind], text, t.pos)
		if t.kind == tIdent && t.kw != nil {
			s = fmt.Sprintf("kw:%s@%d", t.kw.name, t.pos)
		} else if t.val != text && t.kind != tError && t.kind != tEOF && t.kind != tChar {
			s += "{" + t.val + "}"
		}
		if t.kind == tError {
			s += "{" + t.err.Message + "}"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestTokenize(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"SELECT Foo, \"Foo\"\"x\", é_1$", `kw:select@1 ident:Foo@8{foo} char:,@11 qident:"Foo""x"@13{Foo"x} char:,@21 ident:é_1$@23 eof:@27`},
		// Operators: trailing + and - split off unless the operator has a
		// character SQL operators lack; comment starts end operators.
		{"a=-1 b||-1 c<>d e!=f g<=>h i+/*c*/j k*--c\n", `ident:a@1 char:=@2 char:-@3 int:1@4 ident:b@6 op:||-@7 int:1@10 ident:c@12 ne:<>@13 ident:d@15 ident:e@17 ne:!=@18 ident:f@20 ident:g@22 op:<=>@23 ident:h@26 ident:i@28 char:+@29 ident:j@35 ident:k@37 char:*@38 eof:@43`},
		{"x::int 1..2 f(a:=1, b=>2) ~ ^ @", `ident:x@1 cast:::@2 kw:int@4 int:1@8 dotdot:..@9 int:2@11 ident:f@13 char:(@14 ident:a@15 colonequals::=@16 int:1@18 char:,@19 ident:b@21 equalsgreater:=>@22 int:2@24 char:)@25 op:~@27 char:^@29 op:@@31 eof:@32`},
		{"1 1.5 .5 1. 1e3 1.5E-3 007 $1 $12", `int:1@1 float:1.5@3 float:.5@7 float:1.@10 float:1e3@13 float:1.5E-3@17 int:007@24 param:$1@28 param:$12@31 eof:@34`},
		{"'a''b' 'c'\n  -- x\n 'd' $$e'$$ $q$f$$q$ $x", `str:'a''b'@1{a'b} str:'c'
  -- x
 'd'@8{cd} str:$$e'$$@24{e'} str:$q$f$$q$@31{f$} char:$@40 ident:x@41 eof:@42`},
		{"'a' 'b' 'c' /* not a continuation */\n'd'", `str:'a'@1{a} str:'b'@5{b} str:'c'@9{c} str:'d'@38{d} eof:@41`},
		{"E'\\'' B'01' X'1f' U&'x' U&\"y\" N'z' u&x", `estr:E'\''@1{'} bits:B'01'@7{01} hex:X'1f'@13{1f} ustr:U&'x'@19{x} uident:U&"y"@25{y} kw:nchar@31 str:'z'@32{z} ident:u@36 op:&@37 ident:x@38 eof:@39`},
		{"/* a /* nested */ comment */ x -- tail", `ident:x@30 eof:@39`},
		{"é = 'ü' ; ü", `ident:é@1 char:=@3 str:'ü'@5{ü} char:;@9 ident:ü@11 eof:@12`},
		// Lexical errors end the token list.
		{"x 'abc", `ident:x@1 error:'abc@3{unterminated quoted string at or near "'abc"}`},
		{"x 12ab y", `ident:x@1 error:12ab@3{trailing junk after numeric literal at or near "12ab"}`},
		{"x 1e+ y", `ident:x@1 error:1e+@3{trailing junk after numeric literal at or near "1e+"}`},
		{"x /* a", `ident:x@1 error:/* a@3{unterminated /* comment at or near "/* a"}`},
	} {
		if got := formatTokens(tt.src, tokenize(tt.src)); got != tt.want {
			t.Errorf("tokenize(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestLookaheadTokens(t *testing.T) {
	toks := tokenize("not in NOT x nulls first nulls x with time with x")
	applyLookahead(toks)
	var got []string
	for _, t := range toks {
		if t.kw != nil {
			got = append(got, t.kw.name)
		}
	}
	want := "not_la in not nulls_la first nulls with_la time with"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}
