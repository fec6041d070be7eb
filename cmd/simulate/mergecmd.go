package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/poolsim/poolsim/explore"
)

func init() {
	register(command{name: "merge", args: "FILE...", summary: "combine the --json results of shards into one, as if unsharded", run: cmdMerge})
}

func cmdMerge(e *env, args []string) int {
	fs := newFlags(e, "merge", "FILE... [--json OUT]",
		"Combines the --json results of the shards of one explore (or one verify) into the result of one unsharded\n"+
			"search. The pieces must be of the same search and, for explore, cover consecutive seed ranges.")
	out := fs.String("json", "", "write the merged result to `FILE`")
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return usageError(e, "merge: give the --json files of the shards")
	}
	kind := ""
	var datas [][]byte
	for _, p := range pos {
		k, data, err := readDoc(p)
		if err != nil {
			return usageError(e, "merge: %v", err)
		}
		if kind != "" && k != kind {
			return usageError(e, "merge: %s is a %s result, the others %s", p, k, kind)
		}
		kind = k
		datas = append(datas, data)
	}
	switch kind {
	case "explore":
		return mergeExplore(e, pos, datas, *out)
	case "verify":
		return mergeVerify(e, pos, datas, *out)
	}
	return usageError(e, "merge: %s: unknown result kind %q", pos[0], kind)
}

func mergeExplore(e *env, paths []string, datas [][]byte, out string) int {
	var docs []exploreDoc
	for i, data := range datas {
		var d exploreDoc
		if err := json.Unmarshal(data, &d); err != nil {
			return usageError(e, "merge: %s: %v", paths[i], oneLine(err))
		}
		if len(docs) > 0 && !d.same(docs[0]) {
			return usageError(e, "merge: %s explored something else than %s (scenario, seeds, strategy or properties differ)", paths[i], paths[0])
		}
		docs = append(docs, d)
	}
	slices.SortFunc(docs, func(a, b exploreDoc) int { return cmp.Compare(a.Seeds[0], b.Seeds[0]) })
	var rs []explore.Result
	for i, d := range docs {
		if i > 0 && docs[i-1].Seeds[1] != d.Seeds[0] {
			return usageError(e, "merge: the pieces do not cover consecutive seeds: %d..%d then %d..%d",
				docs[i-1].Seeds[0], docs[i-1].Seeds[1], d.Seeds[0], d.Seeds[1])
		}
		r, err := d.result()
		if err != nil {
			return usageError(e, "merge: %v", err)
		}
		rs = append(rs, r)
	}
	m := explore.Merge(rs...)
	first := docs[0]
	merged := first
	merged.Shard, merged.Seeds = "", [2]uint64{first.Seeds[0], docs[len(docs)-1].Seeds[1]}
	merged.Runs, merged.Tally, merged.Outcomes, merged.Size, merged.PCT = m.Runs, m.Tally, m.Outcomes, m.Size, m.PCT
	merged.Violations = nil
	for _, d := range docs {
		merged.Violations = append(merged.Violations, d.Violations...)
	}
	fmt.Fprintf(e.stdout, "merged %d pieces: %d schedules of %s (seeds %d..%d): %d violating\n", len(docs), merged.Runs,
		merged.Scenario, merged.Seeds[0], merged.Seeds[1]-1, len(merged.Violations))
	for _, v := range merged.Violations {
		fmt.Fprintf(e.stdout, "  seed %d: %v (trace hash %s)\n", v.Seed, v.Violated, v.TraceHash)
	}
	for _, b := range merged.PCT {
		fmt.Fprintf(e.stdout, "  PCT %s\n", b.String())
	}
	if out != "" {
		if err := writeJSON(out, merged); err != nil {
			return usageError(e, "merge: %v", err)
		}
	}
	if len(merged.Violations) > 0 {
		return exitViolation
	}
	return exitOK
}
