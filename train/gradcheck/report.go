package gradcheck

import (
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"strconv"
	"strings"
)

// Settings configures a check. A nil *Settings means all defaults; a zero
// field takes its default (for a purely relative test set AbsTol to a tiny
// positive value such as 1e-300). Negative or non-finite fields are invalid.
type Settings struct {
	// Step is the finite-difference step h. Default 1e-6.
	Step float64
	// RelTol is the relative tolerance. Default 1e-6.
	RelTol float64
	// AbsTol is the absolute tolerance. Default 1e-8.
	AbsTol float64
	// Worst is how many of the worst entries the Report keeps. Default 5.
	Worst int
}

// Default values of the Settings fields.
const (
	DefaultStep   = 1e-6
	DefaultRelTol = 1e-6
	DefaultAbsTol = 1e-8
	DefaultWorst  = 5
)

// resolve returns the settings with defaults filled in.
func resolve(s *Settings) (Settings, error) {
	var r Settings
	if s != nil {
		r = *s
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Step", r.Step}, {"RelTol", r.RelTol}, {"AbsTol", r.AbsTol}} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return r, fmt.Errorf("gradcheck: Settings.%s = %v, want a finite value ≥ 0", f.name, f.v)
		}
	}
	if r.Worst < 0 {
		return r, fmt.Errorf("gradcheck: Settings.Worst = %d, want ≥ 0", r.Worst)
	}
	train.Default(&r.Step, DefaultStep)
	train.Default(&r.RelTol, DefaultRelTol)
	train.Default(&r.AbsTol, DefaultAbsTol)
	train.Default(&r.Worst, DefaultWorst)
	return r, nil
}

// Entry is one checked gradient component.
type Entry struct {
	// Input is the position of the checked input in the wrt list of
	// CheckGraph (its name is Report.Inputs[Input]); 0 for Check and
	// CompareReference.
	Input int
	// Index is the component within that input (row-major for matrices).
	Index int
	// Autodiff is the gradient under test.
	Autodiff float64
	// Numeric is the central-difference value, NaN when not computed.
	Numeric float64
	// Reference is the reference gradient, NaN when not computed.
	Reference float64
	// Score is |a − b| / (AbsTol + RelTol·max(|a|, |b|)), the largest over
	// the comparisons of Autodiff with Numeric and with Reference; +Inf
	// when a compared value is not finite. The entry passes when Score ≤ 1.
	Score float64
}

// Report is the outcome of a check.
type Report struct {
	// Settings are the settings used, defaults filled in.
	Settings Settings
	// Inputs names the checked inputs (CheckGraph only; nil otherwise).
	Inputs []string
	// N is the number of entries checked.
	N int
	// Failed is the number of entries whose Score exceeds 1.
	Failed int
	// Pass reports whether every entry passed.
	Pass bool
	// MaxAbsErr is the largest |a − b| over all comparisons.
	MaxAbsErr float64
	// MaxRelErr is the largest |a − b| / max(|a|, |b|) over all
	// comparisons (0 where a = b = 0).
	MaxRelErr float64
	// Worst holds the entries with the largest Score, largest first, at
	// most Settings.Worst of them; ties keep index order.
	Worst []Entry

	hasNum, hasRef bool // which columns were computed (for String)
}

// collector accumulates entries into a Report.
type collector struct {
	r Report
}

func newCollector(s Settings, inputs []string) *collector {
	return &collector{r: Report{Settings: s, Inputs: inputs, Pass: true}}
}

// compare scores a against b and updates the error maxima.
func (c *collector) compare(a, b float64) float64 {
	abs := math.Abs(a - b)
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		c.r.MaxAbsErr = math.Inf(1)
		c.r.MaxRelErr = math.Inf(1)
		return math.Inf(1)
	}
	scale := math.Max(math.Abs(a), math.Abs(b))
	rel := 0.0
	if scale > 0 {
		rel = abs / scale
	}
	c.r.MaxAbsErr = math.Max(c.r.MaxAbsErr, abs)
	c.r.MaxRelErr = math.Max(c.r.MaxRelErr, rel)
	return abs / (c.r.Settings.AbsTol + c.r.Settings.RelTol*scale)
}

// add records one entry. numeric and ref are compared with autodiff only
// when hasNum and hasRef are set; otherwise they are stored as NaN.
func (c *collector) add(input, index int, autodiff, numeric, ref float64, hasNum, hasRef bool) {
	e := Entry{Input: input, Index: index, Autodiff: autodiff, Numeric: math.NaN(), Reference: math.NaN()}
	c.r.hasNum = c.r.hasNum || hasNum
	c.r.hasRef = c.r.hasRef || hasRef
	if hasNum {
		e.Numeric = numeric
		e.Score = c.compare(autodiff, numeric)
	}
	if hasRef {
		e.Reference = ref
		e.Score = math.Max(e.Score, c.compare(autodiff, ref))
	}
	c.r.N++
	if !(e.Score <= 1) {
		c.r.Failed++
		c.r.Pass = false
	}
	w := c.r.Worst
	k := c.r.Settings.Worst
	if len(w) == k && !(e.Score > w[k-1].Score) {
		return
	}
	i := len(w)
	for i > 0 && e.Score > w[i-1].Score {
		i--
	}
	if len(w) < k {
		w = append(w, Entry{})
	}
	copy(w[i+1:], w[i:])
	w[i] = e
	c.r.Worst = w
}

func (c *collector) report() *Report {
	r := c.r
	return &r
}

// String formats the report as a summary line followed by a table of the
// worst entries. Values not computed print as "-".
func (r *Report) String() string {
	var b strings.Builder
	status := "PASS"
	if !r.Pass {
		status = "FAIL"
	}
	fmt.Fprintf(&b, "gradcheck %s: %d of %d entries out of tolerance |a-b| <= %.3g + %.3g*max(|a|,|b|) (step %.3g); max abs err %.3g, max rel err %.3g\n",
		status, r.Failed, r.N, r.Settings.AbsTol, r.Settings.RelTol, r.Settings.Step, r.MaxAbsErr, r.MaxRelErr)
	if len(r.Worst) == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, "%-12s %7s %15s %15s %15s %10s\n", "input", "index", "autodiff", "numeric", "reference", "score")
	for _, e := range r.Worst {
		in := strconv.Itoa(e.Input)
		if e.Input < len(r.Inputs) {
			in = r.Inputs[e.Input]
		}
		fmt.Fprintf(&b, "%-12s %7d %15s %15s %15s %10.3g\n", in, e.Index,
			num(e.Autodiff, true), num(e.Numeric, r.hasNum), num(e.Reference, r.hasRef), e.Score)
	}
	return b.String()
}

// num formats v, or "-" for a column that was not computed.
func num(v float64, computed bool) string {
	if !computed {
		return "-"
	}
	return strconv.FormatFloat(v, 'e', 6, 64)
}
