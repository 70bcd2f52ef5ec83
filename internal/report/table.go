package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/spread-dev/spread/internal/atomicfile"
)

// Table is a named table of already formatted cells, written as CSV.
// Name is used in error messages (and by callers to name files).
type Table struct {
	Name   string
	Header []string
	Rows   [][]string
}

// NewTable returns an empty table with the given column names.
func NewTable(name string, header ...string) *Table {
	return &Table{Name: name, Header: header}
}

// AddRow formats vals (see the package doc) and appends them as a row.
// Supported types are string, bool, every int and uint type, float32 and
// float64.
//
// It panics if len(vals) != len(t.Header) or a value has another type; both
// are programmer errors.
func (t *Table) AddRow(vals ...any) {
	if len(vals) != len(t.Header) {
		panic(fmt.Sprintf("report: table %s: AddRow with %d values, header has %d columns", t.Name, len(vals), len(t.Header)))
	}
	row := make([]string, len(vals))
	for i, v := range vals {
		s, ok := format(v)
		if !ok {
			panic(fmt.Sprintf("report: table %s column %q: unsupported value type %T", t.Name, t.Header[i], v))
		}
		row[i] = s
	}
	t.Rows = append(t.Rows, row)
}

func format(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return strconv.FormatInt(int64(v), 10), true
	case int8:
		return strconv.FormatInt(int64(v), 10), true
	case int16:
		return strconv.FormatInt(int64(v), 10), true
	case int32:
		return strconv.FormatInt(int64(v), 10), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint:
		return strconv.FormatUint(uint64(v), 10), true
	case uint8:
		return strconv.FormatUint(uint64(v), 10), true
	case uint16:
		return strconv.FormatUint(uint64(v), 10), true
	case uint32:
		return strconv.FormatUint(uint64(v), 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	}
	return "", false
}

// WriteCSVTo writes the header and rows to w as CSV. It returns an error,
// writing nothing, if the header is empty or a row's length differs from
// the header's.
func (t *Table) WriteCSVTo(w io.Writer) error {
	if err := t.check(); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(t.Header)
	cw.WriteAll(t.Rows) // WriteAll flushes; errors are sticky.
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: table %s: %w", t.Name, err)
	}
	return nil
}

// WriteCSV writes the table as CSV to the file path, atomically: on error
// path is left as it was.
func (t *Table) WriteCSV(path string) error {
	if err := t.check(); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, t.WriteCSVTo)
}

func (t *Table) check() error {
	if len(t.Header) == 0 {
		return fmt.Errorf("report: table %s has no columns", t.Name)
	}
	for i, r := range t.Rows {
		if len(r) != len(t.Header) {
			return fmt.Errorf("report: table %s row %d has %d fields, header has %d", t.Name, i, len(r), len(t.Header))
		}
	}
	return nil
}
