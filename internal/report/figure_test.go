package report

import (
	"bytes"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

func TestSavePNGSize(t *testing.T) {
	fig := &Figure{Title: "t", XLabel: "x", YLabel: "y", Series: []Series{
		{Name: "a", X: []float64{0, 1, 2}, Y: []float64{1, 3, 2}, YErr: []float64{0.1, 0.2, 0.3}},
	}}
	// Pixel sizes at gonum's default 96 dpi, rounded to nearest.
	tests := []struct {
		w, h         float64
		wantW, wantH int
	}{
		{4, 3, 384, 288},
		{6.5, 4, 624, 384},
		{1, 1, 96, 96},
		{3.01, 2.99, 289, 287},
	}
	for _, tc := range tests {
		path := filepath.Join(t.TempDir(), "fig.png")
		if err := fig.SavePNG(path, tc.w, tc.h); err != nil {
			t.Fatalf("SavePNG(%g×%g): %v", tc.w, tc.h, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, pngSignature) {
			t.Fatalf("%g×%g: file does not start with the PNG signature: % x", tc.w, tc.h, b[:min(8, len(b))])
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%g×%g: decode: %v", tc.w, tc.h, err)
		}
		if got := img.Bounds().Size(); got.X != tc.wantW || got.Y != tc.wantH {
			t.Errorf("%g×%g inches: image is %v pixels, want %dx%d", tc.w, tc.h, got, tc.wantW, tc.wantH)
		}
	}
}

// TestFigureDoesNotPanic renders figures whose data gonum's log scale would
// panic on, or that are degenerate, and checks each yields a PNG.
func TestFigureDoesNotPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name       string
		logX, logY bool
		s          []Series
	}{
		{"log y with zeros", false, true, []Series{{X: []float64{0, 1, 2, 3}, Y: []float64{0, 1, 0, 10}}}},
		{"log x with zero and negative", true, false, []Series{{X: []float64{-1, 0, 1, 10}, Y: []float64{1, 2, 3, 4}}}},
		{"log both, all dropped", true, true, []Series{{X: []float64{0, -1}, Y: []float64{0, 0}}}},
		{"log y, bars through zero", false, true, []Series{{X: []float64{1, 2}, Y: []float64{1, 100}, YErr: []float64{2, 1000}}}},
		{"log y, bar through zero at huge y", false, true, []Series{
			{X: []float64{1, 2}, Y: []float64{1e-3, 1e20}, YErr: []float64{0, 2e20}}}},
		{"log y, single value", false, true, []Series{{X: []float64{1, 2}, Y: []float64{0.5, 0.5}}}},
		{"log y, one decade", false, true, []Series{{X: []float64{1, 2}, Y: []float64{2, 8}}}},
		{"log both, extremes", true, true, []Series{
			{X: []float64{5e-324, 1e308}, Y: []float64{5e-324, math.MaxFloat64}, YErr: []float64{1, math.MaxFloat64}}}},
		{"linear, wide", false, false, []Series{
			{X: []float64{-1e307, 1e307}, Y: []float64{-1e307, 1e307}, YErr: []float64{1e306, 1e307}}}},
		{"linear, narrow", false, false, []Series{
			{X: []float64{1, 1 + 1e-15}, Y: []float64{1e300, 1e300 * (1 + 1e-15)}}}},
		{"linear, subnormal", false, false, []Series{{X: []float64{0, 5e-324}, Y: []float64{0, 5e-324}}}},
		{"non-finite", false, false, []Series{{X: []float64{nan, 1, 2, inf}, Y: []float64{1, nan, 3, 4}, YErr: []float64{1, 1, inf, 1}}}},
		{"no series", false, false, nil},
		{"no series, log", true, true, nil},
		{"empty series", false, true, []Series{{Name: "empty"}, {Name: "one", X: []float64{1}, Y: []float64{1}}}},
		{"legend wider than the image", false, false, []Series{{Name: strings.Repeat("long name ", 30), X: []float64{1, 2}, Y: []float64{1, 2}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fig := &Figure{Title: tc.name, LogX: tc.logX, LogY: tc.logY, Series: tc.s}
			var buf bytes.Buffer
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("WritePNG panicked: %v", r)
					}
				}()
				if err := fig.WritePNG(&buf, 3, 2); err != nil {
					t.Fatalf("WritePNG: %v", err)
				}
				// A tiny image leaves no room for the data area.
				if err := fig.WritePNG(io.Discard, 0.1, 0.1); err != nil {
					t.Fatalf("WritePNG 0.1×0.1: %v", err)
				}
			}()
			if _, err := png.Decode(&buf); err != nil {
				t.Errorf("decode: %v", err)
			}
		})
	}
}

func TestFigureErrors(t *testing.T) {
	ok := []Series{{Name: "s", X: []float64{1, 2}, Y: []float64{1, 2}}}
	tests := []struct {
		name string
		s    []Series
		w, h float64
		want string
	}{
		{"len X != len Y", []Series{{Name: "s", X: []float64{1, 2}, Y: []float64{1}}}, 3, 2,
			`report: figure "f" series "s": len(X) = 2, len(Y) = 1`},
		{"len YErr != len Y", []Series{ok[0], {Name: "e", X: []float64{1}, Y: []float64{1}, YErr: []float64{}}}, 3, 2,
			`report: figure "f" series "e": len(YErr) = 0, len(Y) = 1`},
		{"zero width", ok, 0, 2, "outside (0, 100]"},
		{"negative height", ok, 3, -1, "outside (0, 100]"},
		{"NaN size", ok, math.NaN(), 2, "outside (0, 100]"},
		{"huge", ok, 3, 1e6, "outside (0, 100]"},
		{"range overflows", []Series{{Name: "s", X: []float64{0, 1}, Y: []float64{-math.MaxFloat64, math.MaxFloat64}}}, 3, 2,
			`report: figure "f": Y range [-1.7976931348623157e+308, 1.7976931348623157e+308] too wide for a linear axis`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fig := &Figure{Title: "f", Series: tc.s}
			path := filepath.Join(t.TempDir(), "f.png")
			err := fig.SavePNG(path, tc.w, tc.h)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("SavePNG error = %v, want one containing %q", err, tc.want)
			}
			if _, err := os.Stat(path); err == nil {
				t.Errorf("SavePNG failed but created %s", path)
			}
		})
	}
}

// TestPoints checks which points are dropped and how error bars are built.
func TestPoints(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name       string
		logX, logY bool
		s          Series
		want       []point
	}{
		{"keeps all", false, false, Series{X: []float64{-1, 0}, Y: []float64{0, -2}},
			[]point{{x: -1, y: 0}, {x: 0, y: -2}}},
		{"drops NaN and Inf", false, false, Series{X: []float64{nan, 1, 2, -inf, 4, 5}, Y: []float64{1, nan, 3, 1, inf, 6}},
			[]point{{x: 2, y: 3}, {x: 5, y: 6, brk: true}}},
		{"log x drops x <= 0", true, false, Series{X: []float64{-1, 0, 1}, Y: []float64{-1, -1, -1}},
			[]point{{x: 1, y: -1}}},
		{"log y drops y <= 0", false, true, Series{X: []float64{-1, 0, 1, 2, 3}, Y: []float64{0, 2, -1, 3, 4}},
			[]point{{x: 0, y: 2}, {x: 2, y: 3, brk: true}, {x: 3, y: 4}}},
		{"error bars, sign ignored, non-finite none", false, false,
			Series{X: []float64{1, 2, 3}, Y: []float64{10, 20, 30}, YErr: []float64{1, -2, nan}},
			[]point{{x: 1, y: 10, lo: 9, hi: 11, hasBar: true}, {x: 2, y: 20, lo: 18, hi: 22, hasBar: true}, {x: 3, y: 30, lo: nan, hi: nan}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fig := &Figure{LogX: tc.logX, LogY: tc.logY}
			got, err := fig.points(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			// NaN != NaN: compare bar ends only where a bar is drawn.
			for i := range got {
				if !got[i].hasBar {
					got[i].lo, got[i].hi = 0, 0
				}
			}
			for i := range tc.want {
				if !tc.want[i].hasBar {
					tc.want[i].lo, tc.want[i].hi = 0, 0
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("points = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestSampleFigure renders a figure like the experiment commands produce
// (log-log, error bars, a series touching zero). Set
// SPREAD_REPORT_SAMPLE=/tmp/report_sample.png to keep a copy for inspection.
func TestSampleFigure(t *testing.T) {
	fig := sampleFigure()
	path := filepath.Join(t.TempDir(), "sample.png")
	if err := fig.SavePNG(path, 6, 4); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("SPREAD_REPORT_SAMPLE"); out != "" {
		if err := fig.SavePNG(out, 6, 4); err != nil {
			t.Fatal(err)
		}
		t.Logf("sample figure written to %s", out)
	}
}

func sampleFigure() *Figure {
	n := []float64{10, 30, 100, 300, 1000, 3000, 10000}
	var mc, mcErr, dmp, zero []float64
	for i, v := range n {
		mc = append(mc, 2*math.Pow(v, 0.8))
		mcErr = append(mcErr, 0.15*mc[i])
		dmp = append(dmp, 2.2*math.Pow(v, 0.8))
		zero = append(zero, float64(i%3)*math.Sqrt(v)) // zeros dropped on log Y
	}
	return &Figure{
		Title:  "Expected spread vs graph size",
		XLabel: "nodes n",
		YLabel: "σ(S)",
		LogX:   true,
		LogY:   true,
		Series: []Series{
			{Name: "Monte Carlo (±1 sd)", X: n, Y: mc, YErr: mcErr},
			{Name: "DMP", X: n, Y: dmp},
			{Name: "with zeros", X: n, Y: zero},
		},
	}
}

func TestDecades(t *testing.T) {
	// Expected values by hand: the powers of ten enclosing [xmin, xmax].
	tests := []struct {
		xmin, xmax float64
		lo, hi     int
	}{
		{1, 1000, 0, 3},
		{0.1, 1000, -1, 3}, // plot.LogTicks starts at 1 here
		{0.05, 0.08, -2, -1},
		{2, 8, 0, 1},
		{1e-5, 1e-5, -5, -5},
		{3e-5, 2e8, -5, 9},
		{1e-300, 1e300, -300, 300},
		{5e-324, math.MaxFloat64, -323, 308}, // clamped
	}
	for _, tc := range tests {
		lo, hi := decades(tc.xmin, tc.xmax)
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("decades(%g, %g) = %d, %d, want %d, %d", tc.xmin, tc.xmax, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestLogTicksLabels(t *testing.T) {
	var labels []string
	n := 0
	for _, tk := range (logTicks{}).Ticks(1e-7, 1e3) {
		n++
		if !tk.IsMinor() {
			labels = append(labels, tk.Label)
		}
	}
	// plot.LogTicks labels 1e-5 as "9.999999999999999e-06".
	want := []string{"1e-07", "1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1000"}
	if !reflect.DeepEqual(labels, want) {
		t.Errorf("labels = %q, want %q", labels, want)
	}
	if wantN := 10*9 + 1; n != wantN {
		t.Errorf("%d ticks, want %d (8 minor per decade)", n, wantN)
	}
}
