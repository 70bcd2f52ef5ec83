//go:build unix

package im

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) of the process so far, so
// benchmarks can report work independently of other load on the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
