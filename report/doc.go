// Package report writes the HTML report of one run of a scenario: a single
// self-contained file (inline CSS and script, no network) that a reviewer
// opens in a browser to read what went wrong and why.
//
// The report has four parts:
//
//   - the verdict: every property with its status and first violation, the
//     symptom texts the application saw, the peak of server connections,
//     the virtual latencies, the trace hash, and the command that replays
//     the run;
//   - the message timeline of every server session: each protocol message
//     of both directions in the order it was written, with the task that
//     wrote it and the task that read (parsed) it, from the ground truth
//     (fakepg.Truth, fakepg.ClientTruth). Interleavings are marked: a
//     frontend message assembled from two writers' bytes, a reply parsed
//     by a task other than the one that sent the request, and a request
//     sent while another owner's was outstanding (the last from the
//     protocol-interleaving property's violations, which carry the
//     session, offset and step);
//   - porcupine's view of the autocommit operations' history, embedded;
//   - the schedule, with the choices that deviate from "keep running"
//     highlighted.
//
// The same run gives the same bytes: the report iterates recorded slices
// only and prints no wall-clock time.
package report
