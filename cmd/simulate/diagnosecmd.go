package main

import "io"

// diagnoseTexts diagnoses error texts and a log against the registry.
func diagnoseTexts(e *env, texts []string, log io.Reader, runs int) int {
	return exitOK
}
