//go:build unix

package benchutil

import (
	"syscall"
	"time"
)

// CPUTime returns the user plus system CPU time of the process so far (all
// threads), or 0 when getrusage fails.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
