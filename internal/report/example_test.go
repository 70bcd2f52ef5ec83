package report_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/spread-dev/spread/internal/report"
)

// A table of estimated spreads for seed sets of growing size k, written to
// a CSV file and read back.
func ExampleTable() {
	dir, err := os.MkdirTemp("", "report")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	tab := report.NewTable("spread", "model", "k", "spread", "std")
	tab.AddRow("IC", 1, 2.5, 0.1)
	tab.AddRow("IC", 2, 3.75, 1e-9)
	tab.AddRow("LT, p=0.5", 3, 1.0/3, math.NaN())
	path := filepath.Join(dir, tab.Name+".csv")
	if err := tab.WriteCSV(path); err != nil {
		panic(err)
	}

	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(b))
	// Output:
	// model,k,spread,std
	// IC,1,2.5,0.1
	// IC,2,3.75,1e-09
	// "LT, p=0.5",3,0.3333333333333333,NaN
}

// A log-log figure with error bars. The zero at n = 10 cannot be drawn on
// the log Y axis and is dropped.
func ExampleFigure_SavePNG() {
	dir, err := os.MkdirTemp("", "report")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	fig := report.Figure{
		Title:  "Monte Carlo spread",
		XLabel: "nodes n",
		YLabel: "σ(S)",
		LogX:   true,
		LogY:   true,
		Series: []report.Series{
			{Name: "IC", X: []float64{10, 100, 1000}, Y: []float64{0, 40, 350}, YErr: []float64{0, 5, 20}},
		},
	}
	err = fig.SavePNG(filepath.Join(dir, "spread.png"), 6, 4)
	fmt.Println(err)
	// Output:
	// <nil>
}
