package engine

// SQLSTATE codes of the errors and warnings of cursors, prepared
// statements and advisory locks (55P03 is LockNotAvailable).
const (
	codeWarning                      = "01000" // warning (elog WARNING)
	codeInvalidCursorDefinition      = "42P11"
	codeObjectNotInPrerequisiteState = "55000"
)
