//go:build !js

package sheet

// The differential test: every xlsx fixture is read by this reader and by
// excelize (the reference, through its streaming Rows API), and the two must
// agree cell for cell, except for the differences listed with their reasons.

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var writeFixtures = flag.Bool("write-fixtures", false, "rewrite the excelize-written fixtures in testdata")

// knownDiffs are cells where excelize is wrong, keyed file/sheet/cell.
// None today: the test compares raw values converted with excelize's own
// ExcelDateToTime, which is right for 1904 workbooks; excelize's formatted
// GetCellValue is not (it shows serial 1 of a 1904 workbook as 1900-01-03,
// not 1904-01-02), which is why the comparison does not use it.
var knownDiffs = map[string]string{}

// writeExcelizeFixture writes testdata/excelize_types.xlsx: dates with built-in
// and custom formats, shared and inline strings, rich text, booleans, an
// error, float noise, leading-zero text ids, sparse cells, a hidden sheet.
func writeExcelizeFixture(t *testing.T, path string) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "household"))
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	custom := "dd/mm/yyyy hh:mm"
	dt, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	idfmt := `"ID-"0000`
	ids, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &idfmt})
	rows := [][]any{
		{"external_id", "name", "opened", "members", "ratio", "flag", "when", "code", "zip"},
		{"HH-0001", "Wanjiru", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), 4, 0.1 + 0.2, true, time.Date(2024, 3, 1, 14, 30, 0, 0, time.UTC), 42, "02134"},
		{"HH-0002", "José Müller ", time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), 0, 1e-7, false, nil, 7, "80202"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("household", cell, &r))
	}
	must(f.SetCellStyle("household", "C2", "C3", date))
	must(f.SetCellStyle("household", "G2", "G2", dt))
	must(f.SetCellStyle("household", "H2", "H3", ids))
	must(f.SetCellRichText("household", "B5", []excelize.RichTextRun{{Text: "rich "}, {Text: "text", Font: &excelize.Font{Bold: true}}}))
	must(f.SetCellValue("household", "A5", "HH-0005"))
	must(f.SetCellFormula("household", "D5", "1/0"))
	must(f.SetCellValue("household", "F7", "sparse"))
	_, err := f.NewSheet("member")
	must(err)
	for i := 1; i <= 40; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		r := []any{"M-" + strconv.Itoa(i), "HH-0001", time.Date(1980+i, time.Month(i%12+1), i%28+1, 0, 0, 0, 0, time.UTC)}
		must(f.SetSheetRow("member", cell, &r))
	}
	must(f.SetSheetRow("member", "A1", &[]any{"external_id", "parent_external_id", "dob"}))
	must(f.SetCellStyle("member", "C2", "C41", date))
	_, err = f.NewSheet("secret")
	must(err)
	must(f.SetSheetVisible("secret", false))
	must(f.SetCellValue("secret", "A1", "x"))
	must(f.SaveAs(path))
}

func TestXLSX_MatchesExcelize(t *testing.T) {
	fx := filepath.Join("testdata", "excelize_types.xlsx")
	if *writeFixtures {
		writeExcelizeFixture(t, fx)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	if len(files) < 4 {
		t.Fatalf("fixtures missing: %v (run with -write-fixtures and testdata/make_openpyxl.py)", files)
	}
	for _, path := range files {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 64 << 20})
		if err != nil {
			t.Fatalf("%s: excelize: %v", name, err)
		}
		date1904 := false
		if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
			date1904 = *p.Date1904
		}
		for _, sheetName := range f.GetSheetList() {
			book, err := Read(name, data, Options{Sheet: sheetName})
			if err != nil {
				t.Errorf("%s/%s: %v", name, sheetName, err)
				continue
			}
			ours := map[string]Cell{}
			sh := book.Sheets[0]
			for c, h := range sh.Header {
				ref, _ := excelize.CoordinatesToCellName(c+1, sh.HeaderRow)
				ours[ref] = Cell{Value: h, Kind: KindText}
			}
			for _, r := range sh.Rows {
				for c, cell := range r.Cells {
					ref, _ := excelize.CoordinatesToCellName(c+1, r.Num)
					ours[ref] = cell
				}
			}
			rows, err := f.Rows(sheetName)
			if err != nil {
				t.Fatal(err)
			}
			compared := 0
			for rn := 1; rows.Next(); rn++ {
				cols, err := rows.Columns(excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatalf("%s/%s row %d: excelize: %v", name, sheetName, rn, err)
				}
				for c, raw := range cols {
					ref, _ := excelize.CoordinatesToCellName(c+1, rn)
					key := name + "/" + sheetName + "/" + ref
					typ, _ := f.GetCellType(sheetName, ref)
					style, _ := f.GetCellStyle(sheetName, ref)
					want := expectFromExcelize(f, raw, typ, style, date1904)
					if rn == sh.HeaderRow {
						want = strings.TrimSpace(want)
					}
					got := ours[ref].Value
					delete(ours, ref)
					compared++
					if got != want {
						if _, known := knownDiffs[key]; !known {
							t.Errorf("%s: ours %q, excelize %q", key, got, want)
						}
					} else if _, known := knownDiffs[key]; known {
						t.Errorf("%s: listed as a known difference but now agrees: remove it", key)
					}
				}
			}
			_ = rows.Close()
			for ref, c := range ours {
				if c.Value != "" {
					t.Errorf("%s/%s/%s: ours %q, excelize has no such cell", name, sheetName, ref, c.Value)
				}
			}
			if compared == 0 {
				t.Errorf("%s/%s: nothing compared", name, sheetName)
			}
		}
		f.Close()
	}
}

// expectFromExcelize turns excelize's raw value into what this reader shows.
func expectFromExcelize(f *excelize.File, raw string, typ excelize.CellType, style int, date1904 bool) string {
	switch typ {
	case excelize.CellTypeBool:
		if raw == "1" || strings.EqualFold(raw, "true") {
			return "TRUE"
		}
		return "FALSE"
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeError, excelize.CellTypeFormula:
		return raw
	}
	if raw == "" {
		return ""
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw
	}
	kind := fmtNumber
	if st, err := f.GetStyle(style); err == nil && style > 0 {
		code := ""
		if st.CustomNumFmt != nil {
			code = *st.CustomNumFmt
		}
		kind = formatKind(st.NumFmt, code)
	}
	switch kind {
	case fmtNumber:
		return formatNumber(raw)
	case fmtTime:
		if v >= 0 && v < 1 {
			secs := int(math.Round(v * 86400))
			return pad2(secs/3600) + ":" + pad2(secs/60%60) + ":" + pad2(secs%60)
		}
	}
	if !date1904 && v >= 60 && v < 61 {
		return formatNumber(raw)
	}
	tm, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return raw
	}
	tm = tm.Round(time.Second)
	if tm.Hour() == 0 && tm.Minute() == 0 && tm.Second() == 0 {
		return tm.Format("2006-01-02")
	}
	return tm.Format("2006-01-02 15:04:05")
}
