// Package errfile writes the error file of an import: the rows that will not
// be imported, exactly as they were, plus the reasons, as csv with a reason
// column. Package errxlsx writes the workbook with the bad cells marked; it
// is apart because excelize would add 0.9 MB to the reader worker, which
// writes the page's csv with this package.
package errfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"casegate/shared/api"
	"casegate/shared/engine"
	"casegate/shared/model"
	"casegate/shared/sheet"
)

// ReasonColumn is the header of the added column.
const ReasonColumn = "casegate_errors"

// Row is one row of an error file: its cells as they were, the reason, and
// the message of each bad cell by column header.
type Row struct {
	Cells  []string
	Reason string
	Bad    map[string]string
}

// Rows lists, per table, the rows that have errors or are skipped.
func Rows(tables []engine.Table, p *engine.Plan) [][]Row {
	type key struct {
		file, sheet string
		row         int
	}
	byKey := map[key]*engine.RowResult{}
	for i := range p.Rows {
		r := &p.Rows[i]
		byKey[key{r.File, r.Sheet, r.Row}] = r
	}
	out := make([][]Row, len(tables))
	for ti, t := range tables {
		for _, row := range t.Rows {
			r := byKey[key{t.File, t.Sheet, row.Num}]
			if r == nil || (r.Action != engine.ActionError && r.Action != engine.ActionSkip) {
				continue
			}
			b := Row{Bad: map[string]string{}, Cells: row.Texts()}
			var reasons []string
			for _, is := range r.Issues {
				if is.Severity != model.SeverityError && r.Action != engine.ActionSkip {
					continue
				}
				reasons = append(reasons, is.Message)
				if is.Column != "" {
					b.Bad[is.Column] += is.Message + " "
				}
			}
			b.Reason = fmt.Sprintf("row %d: %s", row.Num, strings.Join(reasons, " "))
			out[ti] = append(out[ti], b)
		}
	}
	return out
}

// WriteCSV writes every table's bad rows under one header: the union of the
// tables' headers, the reason column, and file and sheet when there are
// several tables.
func WriteCSV(w io.Writer, tables []engine.Table, p *engine.Plan) error {
	var header []string
	pos := make([][]int, len(tables)) // table column → output column
	index := map[string]int{}
	multi := len(tables) > 1
	if multi {
		header = append(header, "file", "sheet")
	}
	for ti, t := range tables {
		for _, h := range t.Header {
			k := strings.TrimSpace(h)
			i, ok := index[k]
			if !ok || k == "" {
				i = len(header)
				header = append(header, k)
				if k != "" {
					index[k] = i
				}
			}
			pos[ti] = append(pos[ti], i)
		}
	}
	header = append(header, ReasonColumn)
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for ti, rows := range Rows(tables, p) {
		for _, b := range rows {
			rec := make([]string, len(header))
			if multi {
				rec[0], rec[1] = tables[ti].File, tables[ti].Sheet
			}
			for ci, v := range b.Cells {
				if ci < len(pos[ti]) {
					rec[pos[ti][ci]] = Neutralize(v)
				}
			}
			rec[len(rec)-1] = b.Reason
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Neutralize stops a spreadsheet program from running a cell as a formula
// (csv injection): a leading = + - @ tab or CR gets a leading quote.
func Neutralize(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if isNumber(v) {
			return v
		}
		return "'" + v
	}
	return v
}

func isNumber(v string) bool {
	seenDigit := false
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			seenDigit = true
		case (r == '-' || r == '+') && i == 0:
		case r == '.':
		default:
			return false
		}
	}
	return seenDigit
}

// FromOutcomes rebuilds tables and a plan from an import's stored results.
func FromOutcomes(rows []api.RowOutcome) ([]engine.Table, *engine.Plan) {
	var tables []engine.Table
	idx := map[[2]string]int{}
	p := &engine.Plan{}
	for _, o := range rows {
		if o.Cells == nil {
			continue
		}
		k := [2]string{o.File, o.Sheet}
		ti, ok := idx[k]
		if !ok {
			ti = len(tables)
			idx[k] = ti
			tables = append(tables, engine.Table{File: o.File, Sheet: o.Sheet, Header: o.Header})
		}
		tables[ti].Rows = append(tables[ti].Rows, sheet.NewRow(o.Row, o.Cells, nil))
		p.Rows = append(p.Rows, engine.RowResult{File: o.File, Sheet: o.Sheet, Row: o.Row, Action: o.Action, Issues: o.Issues})
	}
	return tables, p
}

// WriteOutcomesCSV writes the error file of a stored import.
func WriteOutcomesCSV(w io.Writer, rows []api.RowOutcome) error {
	t, p := FromOutcomes(rows)
	return WriteCSV(w, t, p)
}
