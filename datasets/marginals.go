package datasets

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
)

// WriteMarginals writes activation marginals p_i(t), the probability that
// node i is active by slot t, as CSV "node,t,p" with a header line and
// external node ids, node-major (all t of node 0, then node 1, ...), with
// p in the shortest representation that reads back exactly. marg is
// time-major, p_i(t) = marg[t*g.N+i] for t = 0..T-1 (the layout of
// models/ic's DMP and Simulator marginals). It returns an error if
// len(marg) != T*g.N, or on a write error.
func WriteMarginals(w io.Writer, g *graphs.Graph, marg []float64, T int) error {
	if T < 0 || len(marg) != T*g.N {
		return fmt.Errorf("datasets: WriteMarginals: %d marginals for T = %d and %d nodes", len(marg), T, g.N)
	}
	return writeBuffered(w, func(bw *bufio.Writer) {
		bw.WriteString("node,t,p\n")
		buf := make([]byte, 0, 64)
		for i := 0; i < g.N; i++ {
			for t := 0; t < T; t++ {
				buf = append(buf[:0], g.ID(i)...)
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, int64(t), 10)
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, marg[t*g.N+i], 'g', -1, 64)
				buf = append(buf, '\n')
				bw.Write(buf)
			}
		}
	})
}

// WriteMarginalsFile writes the marginals file to path atomically
// (temporary file and rename).
func WriteMarginalsFile(path string, g *graphs.Graph, marg []float64, T int) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return WriteMarginals(w, g, marg, T) })
}
