package multiplex

import (
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spread-dev/spread/models/diffusion"
)

// DefaultRuns is the number of Monte-Carlo runs when MC.Runs is zero: the
// paper's mc = 100 (§5.1).
const DefaultRuns = 100

// mcStream is the world stream of the MC oracle under its Seed.
const mcStream = 0x6d756c7469706c78 // "multiplx"

// mcChunk is the number of runs per work item: the partition of the runs is
// fixed whatever the number of workers.
const mcChunk = 16

// MC is the Monte-Carlo spread oracle of a multiplex Model: it averages the
// number of active nodes |Reach(w_r, S)| (each node counted once, whatever
// the number of layers it is active in) over the worlds
// w_r = diffusion.NewWorld(Seed, mcStream, r), r = 0..Runs−1, run in
// parallel. The worlds do not depend on S (common random numbers), so
// Spread is a deterministic function of the seed set, computed in exact
// integer arithmetic before the final division: the result does not depend
// on Workers or GOMAXPROCS. It implements solvers/im's Oracle.
//
// Set the fields before the first call and do not change them afterwards;
// an MC must not be copied after first use. Spread is safe for concurrent
// use.
type MC struct {
	// Model is the multiplex model simulated. Required.
	Model *Model
	// Runs is the number R of simulated worlds. Zero means DefaultRuns.
	Runs int
	// Seed selects the worlds.
	Seed uint64
	// Workers is the number of goroutines. Zero means runtime.GOMAXPROCS(0).
	Workers int

	mu   sync.Mutex
	free []*mcWorker
}

type mcWorker struct {
	s         *Simulator
	buf       []int32
	sum, sum2 acc128
}

// Spread returns the mean number of active nodes over R worlds and its
// standard error sqrt(s²/R), s² the unbiased sample variance (NaN when
// R = 1). It panics if Model is nil, Runs < 0 or a seed is outside 0..n-1.
func (o *MC) Spread(seeds []int) (mean, stderr float64) {
	if o.Model == nil {
		panic("multiplex: MC.Model is nil")
	}
	R := o.Runs
	if R == 0 {
		R = DefaultRuns
	}
	if R < 0 {
		panic(fmt.Sprintf("multiplex: MC.Runs = %d", R))
	}
	n := o.Model.NumNodes()
	for _, s := range seeds {
		diffusion.CheckNode(s, n)
	}
	key := diffusion.NewStream(o.Seed, mcStream)
	chunks := (R + mcChunk - 1) / mcChunk
	nw := o.Workers
	if nw <= 0 {
		nw = runtime.GOMAXPROCS(0)
	}
	nw = max(1, min(nw, chunks))
	var next atomic.Int64
	ws := o.get(nw)
	work := func(wk *mcWorker) {
		wk.sum, wk.sum2 = acc128{}, acc128{}
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks {
				break
			}
			for r := c * mcChunk; r < min(R, (c+1)*mcChunk); r++ {
				wk.buf = wk.s.Reach(wk.buf[:0], key.World(uint64(r)), seeds)
				x := uint64(len(wk.buf))
				wk.sum.add(x)
				wk.sum2.add(x * x)
			}
		}
	}
	if nw == 1 {
		work(ws[0])
	} else {
		var wg sync.WaitGroup
		for _, wk := range ws {
			wg.Add(1)
			go func() { defer wg.Done(); work(wk) }()
		}
		wg.Wait()
	}
	var sum, sum2 acc128
	for _, wk := range ws {
		sum.addAcc(wk.sum)
		sum2.addAcc(wk.sum2)
	}
	o.put(ws)
	return meanStderr(sum, sum2, R)
}

func (o *MC) get(k int) []*mcWorker {
	o.mu.Lock()
	defer o.mu.Unlock()
	ws := make([]*mcWorker, k)
	for i := range ws {
		if l := len(o.free); l > 0 {
			ws[i] = o.free[l-1]
			o.free = o.free[:l-1]
		} else {
			ws[i] = &mcWorker{s: o.Model.NewSimulator()}
		}
	}
	return ws
}

func (o *MC) put(ws []*mcWorker) {
	o.mu.Lock()
	o.free = append(o.free, ws...)
	o.mu.Unlock()
}

// acc128 is an exact unsigned 128-bit accumulator, so that the sums do not
// depend on the order in which workers add them.
type acc128 struct{ hi, lo uint64 }

func (a *acc128) add(x uint64) {
	var c uint64
	a.lo, c = bits.Add64(a.lo, x, 0)
	a.hi += c
}

func (a *acc128) addAcc(b acc128) {
	var c uint64
	a.lo, c = bits.Add64(a.lo, b.lo, 0)
	a.hi += b.hi + c
}

func (a acc128) float() float64 { return float64(a.hi)*0x1p64 + float64(a.lo) }

func meanStderr(sum, sum2 acc128, R int) (mean, stderr float64) {
	fr := float64(R)
	mean = sum.float() / fr
	if R < 2 {
		return mean, math.NaN()
	}
	ss := sum2.float() - sum.float()*mean
	if ss < 0 {
		ss = 0
	}
	return mean, math.Sqrt(ss / (fr - 1) / fr)
}
