// Package export writes cases as csv or xlsx in the layout the check
// command and the importer read back (case_id, case_type, external_id, name,
// owner_id, closed, date_opened, indices.<type>…, properties…), and the
// sample templates of a case type.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"casegate/shared/casetype"
	"casegate/shared/errfile"
	"casegate/shared/model"
)

// Header returns the export header for cs: the fixed columns, one
// indices.<type> column per parent type present, then every property name in
// order.
func Header(cs []model.Case) (fixed, parents, props []string) {
	fixed = []string{"case_id", "case_type", "external_id", "name", "owner_id", "closed", "date_opened"}
	pt, pp := map[string]bool{}, map[string]bool{}
	for _, c := range cs {
		if c.Parent != nil && c.Parent.CaseType != "" {
			pt[c.Parent.CaseType] = true
		}
		for k := range c.Properties {
			pp[k] = true
		}
	}
	for k := range pt {
		parents = append(parents, "indices."+k)
	}
	for k := range pp {
		props = append(props, k)
	}
	sort.Strings(parents)
	sort.Strings(props)
	return fixed, parents, props
}

// Records returns the export's rows, header first. Every cell is
// neutralised against formula injection.
func Records(cs []model.Case) [][]string {
	fixed, parents, props := Header(cs)
	header := append(append(append([]string{}, fixed...), parents...), props...)
	out := [][]string{header}
	for _, c := range cs {
		closed := "False"
		if c.Closed {
			closed = "True"
		}
		rec := []string{c.CaseID, c.CaseType, c.ExternalID, c.Name, c.OwnerID, closed, c.DateOpened}
		for _, p := range parents {
			v := ""
			if c.Parent != nil && "indices."+c.Parent.CaseType == p {
				v = c.Parent.CaseID
			}
			rec = append(rec, v)
		}
		for _, p := range props {
			rec = append(rec, c.Properties[p])
		}
		for i := range rec {
			rec[i] = errfile.Neutralize(rec[i])
		}
		out = append(out, rec)
	}
	return out
}

// WriteCSV writes cases as csv.
func WriteCSV(w io.Writer, cs []model.Case) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(Records(cs)); err != nil {
		return err
	}
	return cw.Error()
}

// WriteXLSX writes cases as a one-sheet workbook of text cells (ids keep
// their leading zeros).
func WriteXLSX(w io.Writer, cs []model.Case) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	for i, rec := range Records(cs) {
		row := make([]any, len(rec))
		for j, v := range rec {
			row[j] = excelize.Cell{Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// Template is a case type's sample: the header, one example row, and the
// rules of each column.
func Template(ct casetype.CaseType) (header, example []string, rules [][]string) {
	header = []string{"external_id", "name"}
	example = []string{"EX-0001", "Example " + ct.Name}
	if ct.ParentType != "" {
		header = append(header, "parent_external_id", "parent_type")
		example = append(example, "PARENT-0001", ct.ParentType)
	}
	rules = [][]string{{"column", "required", "kind", "rule"}}
	rules = append(rules, []string{"external_id", "yes", "text", "your own id for the case; at most 255 characters"})
	rules = append(rules, []string{"name", "yes", "text", "the case name; at most 255 characters"})
	if ct.ParentType != "" {
		rules = append(rules, []string{"parent_external_id", "no", "text", "external_id of the " + ct.ParentType + " case this one belongs to"})
		rules = append(rules, []string{"parent_type", "no", "text", ct.ParentType})
	}
	for _, f := range ct.Fields {
		if f.Name == "external_id" || f.Name == "name" {
			continue
		}
		header = append(header, f.Name)
		example = append(example, exampleValue(f))
		req := "no"
		if f.Required {
			req = "yes"
		}
		kind := string(f.Kind)
		if kind == "" {
			kind = "text"
		}
		rules = append(rules, []string{f.Name, req, kind, describe(f)})
	}
	return header, example, rules
}

func exampleValue(f casetype.Field) string {
	switch f.Kind {
	case casetype.KindDate:
		switch f.DateFormat {
		case "mm/dd/yyyy":
			return "01/31/2025"
		case "dd/mm/yyyy":
			return "31/01/2025"
		}
		return "2025-01-31"
	case casetype.KindNumber:
		return "3"
	case casetype.KindBool01:
		return "1"
	case casetype.KindSelect:
		return f.Values[0]
	case casetype.KindAddress:
		return "1 Main St, Denver, CO, 80202, US"
	case casetype.KindEmail:
		return "name@example.org"
	case casetype.KindPhone:
		return "+254 700 000000"
	}
	if f.Pattern != "" {
		return "ABC-001"
	}
	return "example"
}

func describe(f casetype.Field) string {
	var parts []string
	if f.Label != "" {
		parts = append(parts, f.Label)
	}
	switch f.Kind {
	case casetype.KindDate:
		if f.DateFormat != "" {
			parts = append(parts, "a date in the form "+f.DateFormat)
		} else {
			parts = append(parts, "a date (yyyy-mm-dd, or day/month/year, or an Excel date)")
		}
	case casetype.KindSelect:
		parts = append(parts, "one of: "+strings.Join(f.Values, ", "))
	case casetype.KindBool01:
		parts = append(parts, "0 or 1")
	case casetype.KindAddress:
		parts = append(parts, "Street, City, State/Province, Zip/Postal code, Country (keep the commas of missing parts)")
	}
	if f.PatternHint != "" {
		parts = append(parts, "only "+f.PatternHint)
	}
	if f.MaxLength > 0 {
		parts = append(parts, fmt.Sprintf("at most %d characters", f.MaxLength))
	}
	if f.Unique {
		parts = append(parts, "unique in the file")
	}
	if f.Help != "" {
		parts = append(parts, f.Help)
	}
	return strings.Join(parts, "; ")
}

// WriteTemplateCSV writes the header and the example row.
func WriteTemplateCSV(w io.Writer, ct casetype.CaseType) error {
	h, ex, _ := Template(ct)
	cw := csv.NewWriter(w)
	if err := cw.WriteAll([][]string{h, ex}); err != nil {
		return err
	}
	return cw.Error()
}

// WriteTemplateXLSX writes the header and example on the first sheet, named
// after the case type, and the rules on a second sheet.
func WriteTemplateXLSX(w io.Writer, ct casetype.CaseType) error {
	h, ex, rules := Template(ct)
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ct.Name); err != nil {
		return err
	}
	if _, err := f.NewSheet("rules"); err != nil {
		return err
	}
	put := func(sheet string, rows [][]string) error {
		for i, r := range rows {
			for j, v := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if err := f.SetCellStr(sheet, cell, v); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := put(ct.Name, [][]string{h, ex}); err != nil {
		return err
	}
	if err := put("rules", rules); err != nil {
		return err
	}
	return f.Write(w)
}
