package sim

import (
	"runtime/debug"
	"strings"
)

// buildID is the build this binary is, read once when the package starts.
var buildID = describeBuild(debug.ReadBuildInfo())

// BuildID names the build of the running binary, as schedules record it:
// "module@version vcs revision dirty", from the build information the Go
// toolchain embeds. Parts the toolchain did not record are left out (under
// go test the version is usually "(devel)" and there is no revision), and
// a binary without build information has the empty ID.
func BuildID() string { return buildID }

// describeBuild formats a build's identity from what debug.ReadBuildInfo
// returned.
func describeBuild(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return ""
	}
	var parts []string
	if id := info.Main.Path; id != "" {
		if info.Main.Version != "" {
			id += "@" + info.Main.Version
		}
		parts = append(parts, id)
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		parts = append(parts, "vcs", rev)
	}
	if modified == "true" {
		parts = append(parts, "dirty")
	}
	return strings.Join(parts, " ")
}
