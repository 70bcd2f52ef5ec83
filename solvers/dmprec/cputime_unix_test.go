//go:build unix

package dmprec

import (
	"syscall"
	"time"
)

// cpuTime returns the user+system CPU time of the process so far, so that
// benchmarks can report CPU time per operation, which a loaded machine
// inflates much less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
