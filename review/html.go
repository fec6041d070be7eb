package review

import (
	"fmt"
	"html"
	"io"
)

// WriteHTML writes the review as one self-contained HTML page.
func WriteHTML(w io.Writer, rows []Row) error {
	cols := columns(rows)
	fmt.Fprint(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>poolsim review</title><style>
body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}
.UNSAFE{background:#f8d0d0}.SAFE{background:#d0f0d0}.ok{background:#eef8ee}code{font-size:90%}</style></head><body>
<h1>poolsim review</h1><table><tr><th>design</th><th>verdict</th>`)
	for _, c := range cols {
		fmt.Fprintf(w, "<th>%s</th>", html.EscapeString(c))
	}
	fmt.Fprint(w, "<th>peak</th><th>p50</th><th>p99</th></tr>\n")
	for _, r := range rows {
		fmt.Fprintf(w, "<tr><td><code>%s</code></td><td class=%q>%s</td>", html.EscapeString(r.Design), r.Verdict, r.Verdict)
		for _, c := range cols {
			m := cell(r, c)
			fmt.Fprintf(w, "<td class=%q>%s</td>", m, m)
		}
		fmt.Fprintf(w, "<td>%d of %d</td><td>%v</td><td>%v</td></tr>\n", r.Peak, r.Limit, r.P50, r.P99)
	}
	fmt.Fprint(w, "</table>\n")
	for _, r := range rows {
		fmt.Fprintf(w, "<h2>%s: %s</h2><p>%s; sampled %d schedules at %s.</p><ul>", html.EscapeString(r.Design), r.Verdict,
			html.EscapeString(r.Summary), r.Runs, html.EscapeString(r.Size))
		for _, p := range r.Properties {
			fmt.Fprintf(w, "<li>%s: %s %s", html.EscapeString(p.Property), p.Status, html.EscapeString(p.Detail))
			if p.Replay != "" {
				fmt.Fprintf(w, " <code>%s</code>", html.EscapeString(p.Replay))
			}
			fmt.Fprint(w, "</li>")
		}
		fmt.Fprint(w, "</ul>\n")
	}
	_, err := fmt.Fprint(w, "</body></html>\n")
	return err
}
