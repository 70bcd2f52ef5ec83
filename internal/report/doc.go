// Package report writes the result tables and figures of spread's experiment
// commands: CSV tables and PNG line plots with optional error bars.
//
// Every file is written through internal/atomicfile: it appears complete or
// not at all, and a failed write never clobbers an earlier result.
//
// # Tables
//
// A Table is a header and rows of cells. Cells are formatted once, when the
// row is added: strings as they are, integers in base 10, booleans as
// "true"/"false", and floats with strconv.FormatFloat(v, 'g', -1, bits), the
// shortest text that parses back to the same value ("0.1", "1e-09", "NaN",
// "+Inf"). WriteCSV writes RFC 4180 CSV (encoding/csv, "\n" line endings),
// header first.
//
// # Figures
//
// A Figure is a line plot: each Series is drawn as a polyline through its
// points (in the given order) with a marker at every point, and optionally a
// vertical error bar from Y[i]-|YErr[i]| to Y[i]+|YErr[i]|. Series i gets
// color plotutil.Color(i), marker plotutil.Shape(i) and dash pattern
// plotutil.Dashes(i). The legend sits in a column right of the axes, so it
// never hides data.
//
// Points that cannot be drawn are dropped, not reported as errors, and the
// polyline is broken where they were:
//   - a point whose X or Y is NaN or ±Inf;
//   - on a log X axis (LogX), a point with X ≤ 0;
//   - on a log Y axis (LogY), a point with Y ≤ 0.
//
// A non-finite YErr[i] draws no error bar at point i. On a log Y axis, an
// error bar whose lower end Y[i]-|YErr[i]| is ≤ 0 is cut, without a cap, one
// decade below the smallest positive value drawn. Log axes (plot.LogScale)
// span whole decades, with a label at each power of ten. A figure with no
// drawable point still renders (empty axes).
//
// Malformed input (slices of different lengths, a non-positive or huge image
// size, a data range wider than math.MaxFloat64 on a linear axis) is a
// returned error with the "report: " prefix; nothing is written.
package report
