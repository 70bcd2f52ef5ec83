package report

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestTableCSVRoundTrip(t *testing.T) {
	tab := NewTable("spread", "graph", "k", "spread", "std", "ok")
	// Rows chosen to exercise quoting (comma, quote, newline), every numeric
	// kind, shortest float formatting and non-finite floats.
	rows := []struct {
		vals []any
		want []string
	}{
		{[]any{"karate", 3, 12.5, 0.1, true}, []string{"karate", "3", "12.5", "0.1", "true"}},
		{[]any{`a,"b"`, int64(-7), 1e-9, float32(0.1), false}, []string{`a,"b"`, "-7", "1e-09", "0.1", "false"}},
		{[]any{"two\nlines", uint8(255), math.NaN(), math.Inf(1), false}, []string{"two\nlines", "255", "NaN", "+Inf", "false"}},
		{[]any{"", uint64(math.MaxUint64), 1.0 / 3, math.Inf(-1), true}, []string{"", "18446744073709551615", "0.3333333333333333", "-Inf", "true"}},
	}
	for _, r := range rows {
		tab.AddRow(r.vals...)
	}
	path := filepath.Join(t.TempDir(), "spread.csv")
	if err := tab.WriteCSV(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows)+1 {
		t.Fatalf("read %d records, want %d", len(got), len(rows)+1)
	}
	if !reflect.DeepEqual(got[0], tab.Header) {
		t.Errorf("header = %q, want %q", got[0], tab.Header)
	}
	for i, r := range rows {
		if !reflect.DeepEqual(got[i+1], r.want) {
			t.Errorf("row %d = %q, want %q", i, got[i+1], r.want)
		}
		// float64 cells parse back to the identical value.
		if v, ok := r.vals[2].(float64); ok {
			back, err := strconv.ParseFloat(got[i+1][2], 64)
			if err != nil || !(back == v || math.IsNaN(back) && math.IsNaN(v)) {
				t.Errorf("row %d: %q parses to %v (%v), want %v", i, got[i+1][2], back, err, v)
			}
		}
	}
}

func TestAddRowPanics(t *testing.T) {
	tests := []struct {
		name string
		vals []any
		want string // substring of the panic message
	}{
		{"too few", []any{1}, "AddRow with 1 values, header has 2"},
		{"too many", []any{1, 2, 3}, "AddRow with 3 values, header has 2"},
		{"unsupported type", []any{1, []int{2}}, `column "b": unsupported value type []int`},
		{"nil", []any{nil, 2}, `column "a": unsupported value type <nil>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab := NewTable("t", "a", "b")
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "report: ") {
					t.Errorf("panic %v, want message containing %q", r, tc.want)
				}
				if len(tab.Rows) != 0 {
					t.Errorf("rows = %q after failed AddRow", tab.Rows)
				}
			}()
			tab.AddRow(tc.vals...)
		})
	}
}

func TestWriteCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		tab  Table
		want string
	}{
		{"no columns", Table{Name: "t"}, "report: table t has no columns"},
		{"ragged row", Table{Name: "t", Header: []string{"a", "b"}, Rows: [][]string{{"1", "2"}, {"3"}}},
			"report: table t row 1 has 1 fields, header has 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.csv")
			err := tc.tab.WriteCSV(path)
			if err == nil || err.Error() != tc.want {
				t.Errorf("WriteCSV error = %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(path); err == nil {
				t.Errorf("WriteCSV failed but created %s", path)
			}
			var sb strings.Builder
			if err := tc.tab.WriteCSVTo(&sb); err == nil || sb.Len() != 0 {
				t.Errorf("WriteCSVTo: error %v, wrote %q; want an error and nothing written", err, sb.String())
			}
		})
	}
}
