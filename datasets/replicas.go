package datasets

import (
	"fmt"
	"os"

	"github.com/spread-dev/spread/graphs"
)

// ReplicaPath returns the file of replica r (1-based) of a mixture model
// saved under path: path itself for r = 1 and "path.r<r>" for r ≥ 2, the
// convention of spread ic learn -replicas.
func ReplicaPath(path string, r int) string {
	if r <= 1 {
		return path
	}
	return fmt.Sprintf("%s.r%d", path, r)
}

// WriteReplicasFiles writes the R replicas of a mixture model, θ stored
// replica-major (replica r is theta[r·P:(r+1)·P], P = g.NumPairs(), the
// layout of models/ic), one edge-value file per replica at
// ReplicaPath(path, r+1), each atomically (WriteEdgeValuesFile). Replica
// files of an earlier run with more replicas (ReplicaPath(path, R+1),
// R+2, ... while they exist) are removed afterwards, so the files beside
// path always form one model. It returns an error if len(theta) != R·P or
// on the first failed write.
func WriteReplicasFiles(path string, g *graphs.Graph, theta []float64, R int) error {
	P := g.NumPairs()
	if R < 1 || len(theta) != R*P {
		return fmt.Errorf("datasets: WriteReplicasFiles: %d values for %d replicas of %d parameters", len(theta), R, P)
	}
	for r := 0; r < R; r++ {
		if err := WriteEdgeValuesFile(ReplicaPath(path, r+1), g, theta[r*P:(r+1)*P]); err != nil {
			return err
		}
	}
	for r := R + 1; ; r++ {
		p := ReplicaPath(path, r)
		if _, err := os.Lstat(p); err != nil {
			return nil
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("datasets: remove stale replica: %w", err)
		}
	}
}

// ReadReplicasFiles reads one edge-value file of probabilities per replica
// (ReadEdgeValuesFile with prob set) and returns them as one replica-major
// θ and the number of replicas R = len(paths). Errors name the file and
// line; an empty paths is an error.
func ReadReplicasFiles(paths []string, g *graphs.Graph) (theta []float64, R int, err error) {
	if len(paths) == 0 {
		return nil, 0, fmt.Errorf("datasets: ReadReplicasFiles: no files")
	}
	for _, p := range paths {
		th, err := ReadEdgeValuesFile(p, g, true)
		if err != nil {
			return nil, 0, err
		}
		theta = append(theta, th...)
	}
	return theta, len(paths), nil
}
