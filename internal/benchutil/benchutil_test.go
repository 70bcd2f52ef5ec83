package benchutil

import (
	"runtime"
	"testing"
	"time"
)

func TestCPUTimeMonotone(t *testing.T) {
	c0 := CPUTime()
	// Burn a little CPU so that a working clock must advance.
	x := 0.0
	for i := range 20_000_000 {
		x += float64(i % 7)
	}
	_ = x
	c1 := CPUTime()
	if c1 < c0 {
		t.Fatalf("CPUTime went backwards: %v then %v", c0, c1)
	}
	if c0 < 0 {
		t.Fatalf("CPUTime = %v, want >= 0", c0)
	}
	if runtime.GOOS == "linux" && c1 == 0 {
		t.Fatalf("CPUTime = 0 on linux, want the process CPU time")
	}
}

func TestReportCPUPerOpUnits(t *testing.T) {
	for _, unit := range []time.Duration{time.Nanosecond, time.Microsecond, time.Millisecond} {
		r := testing.Benchmark(func(b *testing.B) {
			c0 := CPUTime()
			for b.Loop() {
			}
			ReportCPUPerOp(b, c0, unit)
		})
		if len(r.Extra) != 1 {
			t.Errorf("unit %v: extra metrics %v, want one", unit, r.Extra)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("unit of 1 second did not panic")
		}
	}()
	ReportCPUPerOp(nil, 0, time.Second) // panics on the unit before using b
}
