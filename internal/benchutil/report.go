package benchutil

import (
	"testing"
	"time"
)

// ReportCPUPerOp reports on b the CPU time used since start (a value of
// CPUTime taken before the timed loop) per iteration, in the given unit:
// time.Millisecond gives the metric "cpu-ms/op", time.Nanosecond
// "cpu-ns/op", time.Microsecond "cpu-us/op". Other units panic (programmer
// misuse). Call it right after the timed loop.
func ReportCPUPerOp(b *testing.B, start time.Duration, unit time.Duration) {
	var name string
	switch unit {
	case time.Nanosecond:
		name = "cpu-ns/op"
	case time.Microsecond:
		name = "cpu-us/op"
	case time.Millisecond:
		name = "cpu-ms/op"
	default:
		panic("benchutil: ReportCPUPerOp unit must be time.Nanosecond, time.Microsecond or time.Millisecond")
	}
	b.ReportMetric(float64(CPUTime()-start)/float64(unit)/float64(b.N), name)
}
