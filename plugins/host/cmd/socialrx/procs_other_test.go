//go:build !linux

package main_test

import "testing"

// proc is a process seen in /proc.
type proc struct {
	pid int
	exe string
}

// children needs /proc: elsewhere the tests that watch plugin processes
// skip.
func children(t *testing.T, pid int) []proc {
	t.Skip("finding a host's plugin processes reads /proc (Linux)")
	return nil
}

func running(int) bool { return false }
