//go:build linux

package main_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// proc is a process seen in /proc.
type proc struct {
	pid int
	exe string // the binary it runs
}

// children returns the running processes whose parent is pid: a host's
// plugin processes.
func children(t *testing.T, pid int) []proc {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var out []proc
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if state, ppid, ok := stat(n); ok && ppid == pid && state != 'Z' && state != 'X' {
			exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", n))
			out = append(out, proc{pid: n, exe: exe})
		}
	}
	return out
}

// running reports whether pid is a live process: neither gone nor a zombie
// waiting for its new parent to reap it.
func running(pid int) bool {
	state, _, ok := stat(pid)
	return ok && state != 'Z' && state != 'X'
}

// stat reads a process's state and parent from /proc/PID/stat.
func stat(pid int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) state ppid …"; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0][0], ppid, err == nil
}
