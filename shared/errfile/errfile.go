// Package errfile writes the error file of an import: the rows that will not
// be imported, exactly as they were, plus the reasons. csv gets a reason
// column; xlsx also marks each bad cell and puts the reason in its comment,
// so a person can fix the rows in a spreadsheet program and import them again.
package errfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"casegate/shared/api"
	"casegate/shared/engine"
	"casegate/shared/model"
	"casegate/shared/sheet"
)

// ReasonColumn is the header of the added column.
const ReasonColumn = "casegate_errors"

// badRow is one row to write with its reasons.
type badRow struct {
	table  int
	cells  []string
	reason string
	bad    map[string]string // column header → message
}

// collect lists, per table, the rows that have errors or are skipped.
func collect(tables []engine.Table, p *engine.Plan) [][]badRow {
	type key struct {
		file, sheet string
		row         int
	}
	byKey := map[key]*engine.RowResult{}
	for i := range p.Rows {
		r := &p.Rows[i]
		byKey[key{r.File, r.Sheet, r.Row}] = r
	}
	out := make([][]badRow, len(tables))
	for ti, t := range tables {
		for _, row := range t.Rows {
			r := byKey[key{t.File, t.Sheet, row.Num}]
			if r == nil || (r.Action != engine.ActionError && r.Action != engine.ActionSkip) {
				continue
			}
			b := badRow{table: ti, bad: map[string]string{}}
			for _, c := range row.Cells {
				b.cells = append(b.cells, c.Value)
			}
			var reasons []string
			for _, is := range r.Issues {
				if is.Severity != model.SeverityError && r.Action != engine.ActionSkip {
					continue
				}
				reasons = append(reasons, is.Message)
				if is.Column != "" {
					b.bad[is.Column] += is.Message + " "
				}
			}
			b.reason = fmt.Sprintf("row %d: %s", row.Num, strings.Join(reasons, " "))
			out[ti] = append(out[ti], b)
		}
	}
	return out
}

// WriteFile writes the error file; the extension (.csv or .xlsx) picks the format.
func WriteFile(path string, tables []engine.Table, p *engine.Plan) error {
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		err = WriteCSV(&buf, tables, p)
	case ".xlsx":
		err = WriteXLSX(&buf, tables, p)
	default:
		return fmt.Errorf("the error file must end in .csv or .xlsx")
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
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
	for ti, rows := range collect(tables, p) {
		for _, b := range rows {
			rec := make([]string, len(header))
			if multi {
				rec[0], rec[1] = tables[ti].File, tables[ti].Sheet
			}
			for ci, v := range b.cells {
				if ci < len(pos[ti]) {
					rec[pos[ti][ci]] = Neutralize(v)
				}
			}
			rec[len(rec)-1] = b.reason
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes one sheet per table with the bad cells filled red and
// commented.
func WriteXLSX(w io.Writer, tables []engine.Table, p *engine.Plan) error {
	f := excelize.NewFile()
	defer f.Close()
	bad, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for ti, rows := range collect(tables, p) {
		t := tables[ti]
		name := sheetName(t.Sheet, used)
		if ti == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		header := append(append([]string{}, t.Header...), ReasonColumn)
		for ci, h := range header {
			cell, _ := excelize.CoordinatesToCellName(ci+1, 1)
			if err := f.SetCellStr(name, cell, h); err != nil {
				return err
			}
			_ = f.SetCellStyle(name, cell, cell, bold)
		}
		for ri, b := range rows {
			rn := ri + 2
			for ci := range t.Header {
				v := ""
				if ci < len(b.cells) {
					v = b.cells[ci]
				}
				cell, _ := excelize.CoordinatesToCellName(ci+1, rn)
				if err := f.SetCellStr(name, cell, v); err != nil { // text: keeps leading zeros and never runs formulas
					return err
				}
				if msg, ok := b.bad[strings.TrimSpace(t.Header[ci])]; ok {
					_ = f.SetCellStyle(name, cell, cell, bad)
					_ = f.AddComment(name, excelize.Comment{Cell: cell, Author: "casegate", Text: strings.TrimSpace(msg)})
				}
			}
			cell, _ := excelize.CoordinatesToCellName(len(t.Header)+1, rn)
			if err := f.SetCellStr(name, cell, b.reason); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}

func sheetName(s string, used map[string]bool) string {
	r := strings.NewReplacer(":", "_", "\\", "_", "/", "_", "?", "_", "*", "_", "[", "_", "]", "_")
	s = r.Replace(s)
	if s == "" {
		s = "errors"
	}
	if len([]rune(s)) > 28 {
		s = string([]rune(s)[:28])
	}
	base, n := s, 2
	for used[s] {
		s = fmt.Sprintf("%s %d", base, n)
		n++
	}
	used[s] = true
	return s
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

// fromOutcomes rebuilds tables and a plan from an import's stored results.
func fromOutcomes(rows []api.RowOutcome) ([]engine.Table, *engine.Plan) {
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
		cells := make([]sheet.Cell, len(o.Cells))
		for i, v := range o.Cells {
			cells[i] = sheet.Cell{Value: v, Kind: sheet.KindText}
		}
		tables[ti].Rows = append(tables[ti].Rows, sheet.Row{Num: o.Row, Cells: cells})
		p.Rows = append(p.Rows, engine.RowResult{File: o.File, Sheet: o.Sheet, Row: o.Row, Action: o.Action, Issues: o.Issues})
	}
	return tables, p
}

// WriteOutcomesCSV writes the error file of a stored import.
func WriteOutcomesCSV(w io.Writer, rows []api.RowOutcome) error {
	t, p := fromOutcomes(rows)
	return WriteCSV(w, t, p)
}

// WriteOutcomesXLSX writes the error workbook of a stored import.
func WriteOutcomesXLSX(w io.Writer, rows []api.RowOutcome) error {
	t, p := fromOutcomes(rows)
	return WriteXLSX(w, t, p)
}
