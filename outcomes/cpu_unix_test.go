//go:build unix

package outcomes_test

import "syscall"

// cpuSeconds is the process's user plus system CPU time, so benchmarks can
// report work done even when other jobs share the machine's cores.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
