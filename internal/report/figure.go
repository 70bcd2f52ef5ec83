package report

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/spread-dev/spread/internal/atomicfile"
)

// MaxInches bounds each side of a saved figure (at 96 dpi, 9600 pixels).
const MaxInches = 100

// dpi is the resolution of saved PNG images.
const dpi = 96

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
	// Points draws markers only, without joining them (a scatter plot).
	Points bool
}

// SavePNG renders f as a PNG image of widthInches × heightInches (at 96 dpi)
// and writes it to path atomically. It returns an error, writing nothing, if
// a series has len(X) != len(Y) or a non-nil YErr of another length, if a
// size is not in (0, MaxInches], or if a linear axis would span more than
// math.MaxFloat64. It does not modify f.
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
	p, leg, err := f.plot()
	if err != nil {
		return err
	}
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(widthInches)*vg.Inch, vg.Length(heightInches)*vg.Inch), vgimg.UseDPI(dpi))
	drawWithLegend(draw.New(c), p, leg)
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
		return fmt.Errorf("report: figure %q: %w", f.Title, err)
	}
	return nil
}

// drawWithLegend draws p on the left of c and leg in a column on the right,
// top-aligned with the data area, so the legend never hides data.
func drawWithLegend(c draw.Canvas, p *plot.Plot, leg *plot.Legend) {
	const gap = vg.Length(8) // points between the plot and the legend
	r := leg.Rectangle(c)
	lw := r.Max.X - r.Min.X
	if lw > 0 {
		// Very long names run off the image rather than squeeze the plot.
		lw = min(lw+gap, (c.Max.X-c.Min.X)/2)
	}
	pc := draw.Crop(c, 0, -lw, 0, 0)
	p.Draw(pc)
	lc := c
	lc.Min.X = pc.Max.X + gap
	if p.Title.Text != "" {
		lc.Max.Y -= p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
	}
	leg.Draw(lc)
}

// point is a drawable point. lo and hi are the error bar ends, hasBar is
// false when it has none and cut is true when lo was raised to keep it
// positive on a log axis. brk is true when points were dropped between this
// point and the previous drawable one, so the line is broken there.
type point struct {
	x, y, lo, hi     float64
	hasBar, cut, brk bool
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
	dropped := false
	for i, x := range s.X {
		y := s.Y[i]
		if !finite(x) || !finite(y) || (f.LogX && x <= 0) || (f.LogY && y <= 0) {
			dropped = true
			continue
		}
		pt := point{x: x, y: y, brk: dropped && len(pts) > 0}
		dropped = false
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

// plot builds the gonum plot for f and, separately, its legend.
func (f *Figure) plot() (*plot.Plot, *plot.Legend, error) {
	all := make([][]point, len(f.Series))
	for i, s := range f.Series {
		pts, err := f.points(s)
		if err != nil {
			return nil, nil, err
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
						pts[j].lo, pts[j].cut = floor, true
					}
				}
			}
		}
	}

	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{Y: 220}
	grid.Horizontal.Color = color.Gray{Y: 220}
	p.Add(grid)
	leg := plot.NewLegend()
	leg.Top, leg.Left = true, true

	for i, s := range f.Series {
		pts := all[i]
		line := &plotter.Line{LineStyle: plotter.DefaultLineStyle}
		line.Color = plotutil.Color(i)
		line.Dashes = plotutil.Dashes(i)
		scatter := &plotter.Scatter{XYs: make(plotter.XYs, len(pts)), GlyphStyle: plotter.DefaultGlyphStyle}
		scatter.Color = plotutil.Color(i)
		scatter.Shape = plotutil.Shape(i)
		bars := &errorBars{style: plotter.DefaultLineStyle}
		bars.style.Color = plotutil.Color(i)

		for j, pt := range pts {
			scatter.XYs[j] = plotter.XY{X: pt.x, Y: pt.y}
			if pt.hasBar {
				bars.pts = append(bars.pts, pt)
			}
		}
		// One polyline per run of points without a dropped point inside.
		start := 0
		for j := 1; j <= len(pts) && !s.Points; j++ {
			if j < len(pts) && !pts[j].brk {
				continue
			}
			if j-start >= 2 {
				seg := *line
				seg.XYs = scatter.XYs[start:j]
				p.Add(&seg)
			}
			start = j
		}
		if len(pts) > 0 {
			p.Add(scatter)
		}
		if len(bars.pts) > 0 {
			p.Add(bars)
		}
		if s.Points {
			leg.Add(s.Name, scatter)
		} else {
			leg.Add(s.Name, line, scatter)
		}
	}

	for _, a := range []struct {
		axis *plot.Axis
		log  bool
		name string
	}{{&p.X, f.LogX, "X"}, {&p.Y, f.LogY, "Y"}} {
		if a.log {
			logAxis(a.axis)
		} else if !math.IsInf(a.axis.Min, 0) && math.IsInf(a.axis.Max-a.axis.Min, 0) {
			// gonum's tick placement does not terminate on such ranges.
			return nil, nil, fmt.Errorf("report: figure %q: %s range [%g, %g] too wide for a linear axis", f.Title, a.name, a.axis.Min, a.axis.Max)
		}
	}
	return p, &leg, nil
}

// logAxis makes a log axis widened to the powers of ten around its data.
// The data range must be positive or empty (±Inf).
func logAxis(a *plot.Axis) {
	a.Scale = plot.LogScale{}
	a.Tick.Marker = logTicks{}
	switch {
	case math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0): // no data
		a.Min, a.Max = 1, 10
	case a.Min == a.Max:
		a.Min, a.Max = math.Max(a.Min/10, math.SmallestNonzeroFloat64), math.Min(a.Max*10, math.MaxFloat64)
	}
	lo, hi := decades(a.Min, a.Max)
	a.Min, a.Max = math.Min(a.Min, math.Pow10(lo)), math.Max(a.Max, math.Pow10(hi))
}

// logTicks is plot.LogTicks with exact decades: a labelled tick at each
// 10^k (computed by math.Pow10, so labels read "1e-05", not
// "9.999999999999999e-06") and minor ticks at 2..9 × 10^k. Unlike
// plot.LogTicks it does not skip the lowest decade when min < 1.
type logTicks struct{}

func (logTicks) Ticks(xmin, xmax float64) []plot.Tick {
	lo, hi := decades(xmin, xmax)
	ticks := make([]plot.Tick, 0, 9*(hi-lo)+1)
	for k := lo; k <= hi; k++ {
		v := math.Pow10(k)
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
		for m := 2; m <= 9 && k < hi; m++ {
			ticks = append(ticks, plot.Tick{Value: float64(m) * v})
		}
	}
	return ticks
}

// decades returns the largest lo with 10^lo ≤ xmin and the smallest hi with
// 10^hi ≥ xmax, clamped to the float64 powers of ten, [-323, 308]. xmin and
// xmax must be positive.
func decades(xmin, xmax float64) (lo, hi int) {
	// math.Log10 is a first guess: it may be off by an ulp at powers of ten,
	// and by more for subnormal numbers. The loops settle it on math.Pow10.
	lo = min(max(int(math.Floor(math.Log10(xmin))), -323), 308)
	for lo > -323 && math.Pow10(lo) > xmin {
		lo--
	}
	for lo < 308 && math.Pow10(lo+1) <= xmin {
		lo++
	}
	hi = min(max(int(math.Ceil(math.Log10(xmax))), -323), 308)
	for hi < 308 && math.Pow10(hi) < xmax {
		hi++
	}
	for hi > -323 && math.Pow10(hi-1) >= xmax {
		hi--
	}
	return lo, hi
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
		if c.Contains(vg.Point{X: x, Y: lo}) && !pt.cut {
			c.StrokeLine2(e.style, x-capWidth/2, lo, x+capWidth/2, lo)
		}
		if c.Contains(vg.Point{X: x, Y: hi}) {
			c.StrokeLine2(e.style, x-capWidth/2, hi, x+capWidth/2, hi)
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
