//go:build unix

package nmf

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user + system CPU time (every thread,
// OpenBLAS's included), so a benchmark can report the work of a step
// beside its wall time on a shared machine.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
