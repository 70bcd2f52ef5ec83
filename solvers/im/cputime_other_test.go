//go:build !unix

package im

import "time"

// cpuTime is unavailable on this platform; benchmarks report 0.
func cpuTime() time.Duration { return 0 }
