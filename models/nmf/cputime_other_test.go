//go:build !unix

package nmf

import "time"

// cpuTime is not measured outside unix.
func cpuTime() (time.Duration, bool) { return 0, false }
