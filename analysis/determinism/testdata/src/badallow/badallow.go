// Package badallow holds allow comments that are themselves reported.
package badallow

func serve() {}

func bad(m map[int]int) {
	go serve() //poolsim:allow gostmt -- unknown rule // want `^poolsim:allow: unknown rule "gostmt" \(rules: go, chan, sync, time, rand, maprange\)$` `go statement`

	// want +1 `^poolsim:allow go has no justification: write //poolsim:allow go -- <why this cannot break determinism>$`
	//poolsim:allow go --
	go serve() // want `go statement`

	// want +1 `poolsim:allow go has no justification`
	//poolsim:allow go
	go serve() // want `go statement`

	// want +1 `^poolsim:allow names no rule: write //poolsim:allow <rule> -- <justification>, the rule one of go, chan, sync, time, rand, maprange$`
	//poolsim:allow -- no rule named
	go serve() // want `go statement`

	// want +1 `poolsim:allow: unknown rule "go chan"`
	//poolsim:allow go chan -- two rules in one comment
	go serve() // want `go statement`

	// An allowance covers its own rule only.
	// want +1 `^poolsim:allow time allows nothing: no time finding where it stands`
	//poolsim:allow time -- not the rule of the line below
	go serve() // want `go statement`

	// A trailing allowance covers its own line, not the next one.
	_ = 0      //poolsim:allow go -- trailing // want `poolsim:allow go allows nothing`
	go serve() // want `go statement`

	// An allowance alone on its line covers the line after its block, not
	// a line further down.
	// want +1 `poolsim:allow maprange allows nothing`
	//poolsim:allow maprange -- order cannot matter

	for range m { // want `range over map`
	}
}
