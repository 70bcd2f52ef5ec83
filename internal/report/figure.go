package report

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/spread-dev/spread/internal/atomicfile"
)

// MaxInches bounds each side of a saved figure (at 96 dpi, 9600 pixels).
const MaxInches = 100

// Figure is a line plot of one or more series; see the package doc for how
// points are drawn and which are dropped.
type Figure struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool // logarithmic axes
	Series                []Series
}

// Series is one curve: the points (X[i], Y[i]) joined in order. YErr is
// optional; when non-nil, YErr[i] is the half-length of a vertical error bar
// at point i (its sign is ignored).
type Series struct {
	Name string
	X, Y []float64
	YErr []float64
}

// SavePNG renders f as a PNG image of widthInches × heightInches (at 96 dpi)
// and writes it to path atomically. It returns an error, writing nothing, if
// a series has len(X) != len(Y), a non-nil YErr of another length, or if a
// size is not in (0, MaxInches].
func (f *Figure) SavePNG(path string, widthInches, heightInches float64) error {
	var buf bytes.Buffer
	if err := f.WritePNG(&buf, widthInches, heightInches); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		_, err := buf.WriteTo(w)
		return err
	})
}

// WritePNG is SavePNG writing to w. On a validation error nothing is
// written.
func (f *Figure) WritePNG(w io.Writer, widthInches, heightInches float64) error {
	for _, d := range []float64{widthInches, heightInches} {
		if !(d > 0 && d <= MaxInches) {
			return fmt.Errorf("report: figure %q: size %g×%g inches outside (0, %d]", f.Title, widthInches, heightInches, MaxInches)
		}
	}
	p, err := f.plot()
	if err != nil {
		return err
	}
	wt, err := p.WriterTo(vg.Length(widthInches)*vg.Inch, vg.Length(heightInches)*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("report: figure %q: %w", f.Title, err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("report: figure %q: %w", f.Title, err)
	}
	return nil
}

// point is a drawable point; lo and hi are the error bar ends, hasBar false
// when it has none.
type point struct {
	x, y, lo, hi float64
	hasBar       bool
}

// points validates s and returns its drawable points (see the package doc).
func (f *Figure) points(s Series) ([]point, error) {
	if len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("report: figure %q series %q: len(X) = %d, len(Y) = %d", f.Title, s.Name, len(s.X), len(s.Y))
	}
	if s.YErr != nil && len(s.YErr) != len(s.Y) {
		return nil, fmt.Errorf("report: figure %q series %q: len(YErr) = %d, len(Y) = %d", f.Title, s.Name, len(s.YErr), len(s.Y))
	}
	pts := make([]point, 0, len(s.X))
	for i, x := range s.X {
		y := s.Y[i]
		if !finite(x) || !finite(y) || (f.LogX && x <= 0) || (f.LogY && y <= 0) {
			continue
		}
		pt := point{x: x, y: y}
		if s.YErr != nil {
			e := math.Abs(s.YErr[i])
			pt.lo, pt.hi = y-e, y+e
			pt.hasBar = finite(e) && finite(pt.lo) && finite(pt.hi)
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// plot builds the gonum plot for f.
func (f *Figure) plot() (*plot.Plot, error) {
	all := make([][]point, len(f.Series))
	for i, s := range f.Series {
		pts, err := f.points(s)
		if err != nil {
			return nil, err
		}
		all[i] = pts
	}

	// On a log Y axis, cut error bars reaching zero or below one decade under
	// the smallest positive value drawn.
	if f.LogY {
		minPos, cut := math.Inf(1), false
		for _, pts := range all {
			for _, pt := range pts {
				minPos = math.Min(minPos, pt.y)
				if pt.hasBar {
					if pt.lo > 0 {
						minPos = math.Min(minPos, pt.lo)
					} else {
						cut = true
					}
				}
			}
		}
		if cut {
			floor := math.Max(minPos/10, math.SmallestNonzeroFloat64)
			for _, pts := range all {
				for j := range pts {
					if pts[j].hasBar && pts[j].lo <= 0 {
						pts[j].lo = floor
					}
				}
			}
		}
	}

	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	p.Legend.Top = true
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{Y: 220}
	grid.Horizontal.Color = color.Gray{Y: 220}
	p.Add(grid)

	for i, s := range f.Series {
		pts := all[i]
		xys := make(plotter.XYs, len(pts))
		var bars errorBars
		for j, pt := range pts {
			xys[j] = plotter.XY{X: pt.x, Y: pt.y}
			if pt.hasBar {
				bars.pts = append(bars.pts, pt)
			}
		}
		line, scatter, err := plotter.NewLinePoints(xys)
		if err != nil { // unreachable: all points are finite
			return nil, fmt.Errorf("report: figure %q series %q: %w", f.Title, s.Name, err)
		}
		c := plotutil.Color(i)
		line.Color = c
		line.Dashes = plotutil.Dashes(i)
		scatter.Color = c
		scatter.Shape = plotutil.Shape(i)
		if len(pts) > 0 {
			p.Add(line, scatter)
		}
		if len(bars.pts) > 0 {
			bars.style = plotter.DefaultLineStyle
			bars.style.Color = c
			p.Add(&bars)
		}
		p.Legend.Add(s.Name, line, scatter)
	}

	if f.LogX {
		logAxis(&p.X)
	}
	if f.LogY {
		logAxis(&p.Y)
	}
	return p, nil
}

// logAxis makes a a log axis. The data range must already be positive or
// empty (±Inf).
func logAxis(a *plot.Axis) {
	a.Scale = plot.LogScale{}
	a.Tick.Marker = plot.LogTicks{Prec: -1}
	a.AutoRescale = true
	switch {
	case math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0): // no data
		a.Min, a.Max = 1, 10
	case a.Min == a.Max:
		a.Min, a.Max = a.Min/10, a.Max*10
	}
}

// errorBars draws vertical bars from lo to hi with caps. Unlike
// plotter.YErrorBars it keeps absolute ends, so a bar cut at a tiny positive
// floor cannot round to zero on a log axis.
type errorBars struct {
	pts   []point
	style draw.LineStyle
}

var _ interface {
	plot.Plotter
	plot.DataRanger
	plot.GlyphBoxer
} = (*errorBars)(nil)

// capWidth is the width of the caps at both ends of an error bar.
const capWidth vg.Length = 5 // points

func (e *errorBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, pt := range e.pts {
		x, lo, hi := trX(pt.x), trY(pt.lo), trY(pt.hi)
		c.StrokeLines(e.style, c.ClipLinesY([]vg.Point{{X: x, Y: lo}, {X: x, Y: hi}})...)
		for _, y := range []vg.Length{lo, hi} {
			if c.Contains(vg.Point{X: x, Y: y}) {
				c.StrokeLine2(e.style, x-capWidth/2, y, x+capWidth/2, y)
			}
		}
	}
}

func (e *errorBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, pt := range e.pts {
		xmin, xmax = math.Min(xmin, pt.x), math.Max(xmax, pt.x)
		ymin, ymax = math.Min(ymin, pt.lo), math.Max(ymax, pt.hi)
	}
	return xmin, xmax, ymin, ymax
}

func (e *errorBars) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	r := vg.Rectangle{
		Min: vg.Point{X: -capWidth / 2, Y: -e.style.Width / 2},
		Max: vg.Point{X: capWidth / 2, Y: e.style.Width / 2},
	}
	bs := make([]plot.GlyphBox, 0, 2*len(e.pts))
	for _, pt := range e.pts {
		x := p.X.Norm(pt.x)
		bs = append(bs,
			plot.GlyphBox{X: x, Y: p.Y.Norm(pt.lo), Rectangle: r},
			plot.GlyphBox{X: x, Y: p.Y.Norm(pt.hi), Rectangle: r})
	}
	return bs
}
