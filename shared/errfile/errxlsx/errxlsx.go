// Package errxlsx writes the error workbook of an import: one sheet per
// table with the rows that will not be imported, each bad cell filled red
// with the reason in its comment, so a person can fix the rows in a
// spreadsheet program and import them again. The csv is package errfile's.
package errxlsx

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"casegate/shared/api"
	"casegate/shared/engine"
	"casegate/shared/errfile"
)

// WriteFile writes the error file; the extension (.csv or .xlsx) picks the format.
func WriteFile(path string, tables []engine.Table, p *engine.Plan) error {
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		err = errfile.WriteCSV(&buf, tables, p)
	case ".xlsx":
		err = Write(&buf, tables, p)
	default:
		return fmt.Errorf("the error file must end in .csv or .xlsx")
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Write writes one sheet per table with the bad cells filled red and
// commented.
func Write(w io.Writer, tables []engine.Table, p *engine.Plan) error {
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
	for ti, rows := range errfile.Rows(tables, p) {
		t := tables[ti]
		name := sheetName(t.Sheet, used)
		if ti == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		header := append(append([]string{}, t.Header...), errfile.ReasonColumn)
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
				if ci < len(b.Cells) {
					v = b.Cells[ci]
				}
				cell, _ := excelize.CoordinatesToCellName(ci+1, rn)
				if err := f.SetCellStr(name, cell, v); err != nil { // text: keeps leading zeros and never runs formulas
					return err
				}
				if msg, ok := b.Bad[strings.TrimSpace(t.Header[ci])]; ok {
					_ = f.SetCellStyle(name, cell, cell, bad)
					_ = f.AddComment(name, excelize.Comment{Cell: cell, Author: "casegate", Text: strings.TrimSpace(msg)})
				}
			}
			cell, _ := excelize.CoordinatesToCellName(len(t.Header)+1, rn)
			if err := f.SetCellStr(name, cell, b.Reason); err != nil {
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

// WriteOutcomes writes the error workbook of a stored import.
func WriteOutcomes(w io.Writer, rows []api.RowOutcome) error {
	t, p := errfile.FromOutcomes(rows)
	return Write(w, t, p)
}
