package experiments

import (
	"context"
	"fmt"
	"github.com/spread-dev/spread/internal/parallel"
	"sync"
	"sync/atomic"
	"time"
)

// Stream tags keep the random streams of different purposes apart: the
// stream of a draw is subSeed(Options.Seed, tag, indices...).
const (
	tagGraph uint64 = iota + 1
	tagAlpha
	tagHidden
	tagCascades
	tagMC
	tagSources
)

// subSeed derives the seed of one random stream from the experiment seed and
// the indices naming the draw (a tag, then e.g. topology, instance, α*
// set). It depends only on its arguments, never on the worker that uses it.
func subSeed(seed uint64, parts ...uint64) uint64 {
	h := parallel.SplitMix64(seed)
	for _, p := range parts {
		h = parallel.SplitMix64(h ^ parallel.SplitMix64(p+0x632be59bd9b4e019))
	}
	return h
}

// runJobs calls job(ctx, i) for i = 0..n−1 on up to workers goroutines,
// handing out indices in increasing order. The first error cancels the
// context passed to the remaining jobs and is returned (wrapped with nothing:
// jobs name themselves in their errors). A cancelled parent context stops
// the hand-out and returns its error.
func runJobs(ctx context.Context, workers, n int, job func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers = max(1, min(workers, n))
	var (
		next     atomic.Int64
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := ctx.Err(); err != nil {
					fail(err)
					return
				}
				if err := job(ctx, i); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// tracker collects the per-run values of planned points, completes a point
// when all its runs have reported and sends it to the Recorder. Values are
// stored by run slot, so means are summed in slot order whatever the order
// in which jobs finish.
type tracker struct {
	name  string
	rec   Recorder
	start time.Time

	mu       sync.Mutex
	points   []Point
	vals     [][]float64
	got      []int
	failures []int
	atLimit  []int
	secs     []float64
	iters    []float64
	done     int
}

func newTracker(name string, rec Recorder) *tracker {
	return &tracker{name: name, rec: rec, start: time.Now()}
}

// plan adds a point with runs run slots and returns its index. Fields Mean,
// Stderr, Runs, Failures, AtLimit, Iters and Seconds are filled in on
// completion.
func (t *tracker) plan(p Point, runs int) int {
	t.points = append(t.points, p)
	t.vals = append(t.vals, make([]float64, runs))
	t.got = append(t.got, 0)
	t.failures = append(t.failures, 0)
	t.atLimit = append(t.atLimit, 0)
	t.secs = append(t.secs, 0)
	t.iters = append(t.iters, 0)
	return len(t.points) - 1
}

// runInfo describes how one run of a point went.
type runInfo struct {
	secs    float64 // wall time
	iters   int     // learning iterations (0 when nothing is learned)
	atLimit bool    // learning stopped at the iteration limit
	failed  bool    // learning stopped on a non-finite objective or gradient
}

// add stores the value v of run slot run of point i with its runInfo. When
// it completes the point, it reports it to the Recorder and returns the
// Recorder's error.
func (t *tracker) add(i, run int, v float64, ri runInfo) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.vals[i][run] = v
	t.got[i]++
	t.secs[i] += ri.secs
	t.iters[i] += float64(ri.iters)
	if ri.failed {
		t.failures[i]++
	}
	if ri.atLimit {
		t.atLimit[i]++
	}
	if t.got[i] < len(t.vals[i]) {
		return nil
	}
	p := &t.points[i]
	p.Mean, p.Stderr = meanStderr(t.vals[i])
	p.Runs = len(t.vals[i])
	p.Failures = t.failures[i]
	p.AtLimit = t.atLimit[i]
	p.Iters = t.iters[i] / float64(p.Runs)
	p.Seconds = t.secs[i]
	t.done++
	if t.rec == nil {
		return nil
	}
	cp := *p
	if err := t.rec.Record(Progress{Experiment: t.name, Point: &cp, Done: t.done, Total: len(t.points), Elapsed: time.Since(t.start)}); err != nil {
		return fmt.Errorf("experiments: %s: recorder: %w", t.name, err)
	}
	return nil
}

// note sends a note to the Recorder.
func (t *tracker) note(format string, args ...any) error {
	if t.rec == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.rec.Record(Progress{Experiment: t.name, Note: fmt.Sprintf(format, args...), Done: t.done, Total: len(t.points), Elapsed: time.Since(t.start)}); err != nil {
		return fmt.Errorf("experiments: %s: recorder: %w", t.name, err)
	}
	return nil
}

// result returns the completed points in planning order, or an error naming
// the first incomplete one.
// output finishes an experiment: the error of its runs if any, else the
// Output with the tracker's points, the configuration, seed and notes.
func (t *tracker) output(runErr error, cfg any, seed uint64, notes []string) (*Output, error) {
	if runErr != nil {
		return nil, runErr
	}
	pts, err := t.result()
	if err != nil {
		return nil, err
	}
	return &Output{Name: t.name, Config: cfg, Seed: seed, Points: pts, Notes: notes}, nil
}

func (t *tracker) result() ([]Point, error) {
	for i, p := range t.points {
		if t.got[i] != len(t.vals[i]) {
			return nil, fmt.Errorf("experiments: %s: point %q x=%g has %d of %d runs", t.name, p.Series, p.X, t.got[i], len(t.vals[i]))
		}
	}
	return t.points, nil
}
