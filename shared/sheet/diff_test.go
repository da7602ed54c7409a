//go:build !js

package sheet

// The differential test: every xlsx fixture is read by this reader and by
// excelize (the reference, through its streaming Rows/Columns API), and the
// two must agree cell for cell, except for the differences listed in
// knownDiffs with their reasons. Two views are compared:
//
//   - the value: excelize's raw cell value (shared, inline and rich strings,
//     booleans, errors, numbers) turned into what this reader shows with
//     excelize's own ExcelDateToTime for date-formatted numbers;
//   - the display of every date: excelize's formatted GetCellValue against
//     our ISO value put back into a scratch workbook with the same number
//     format, so a wrong day on either side shows up.
//
// The excelize-written fixtures are regenerated with
//   go test ./shared/sheet/ -run MatchesExcelize -write-fixtures
// and the openpyxl one with testdata/make_openpyxl.py.

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

// knownDiffs are the cells where this reader and excelize disagree, keyed
// file/sheet/cell (value view) or file/sheet/cell#shown (display view), with
// the reason. A listed cell that starts to agree fails the test, so the
// table cannot go stale.
var knownDiffs = map[string]string{
	// excelize v2.11.1 formats serial 1 of a 1904 workbook as 1900-01-03
	// (its formatter ignores date1904 for small serials); it is 1904-01-02,
	// as Excel shows and as excelize's own ExcelDateToTime says.
	"excel_features_1904.xlsx/cases/C5#shown": "excelize formats 1904 serial 1 as 1900-01-03",
	"excelize_1904.xlsx/cases/C3#shown":       "excelize formats 1904 serial 1 as 1900-01-03",
	"excelize_1904.xlsx/cases/C5#shown":       "excelize formats 1904 serial 0 (1904-01-01) as 00/01/1900",
	// Serial 60 in the 1900 system is 1900-02-29, a day Excel invented (the
	// Lotus leap-year bug). We keep the number (KindNumber) so the engine
	// reports it; excelize turns it into 1900-02-28 (value view) and shows
	// it as a date.
	"openpyxl_types.xlsx/household/D6":       "serial 60 (1900-02-29) kept as a number; excelize says 1900-02-28",
	"excelize_types.xlsx/household/C8":       "serial 60 (1900-02-29) kept as a number; excelize says 1900-02-28",
	"openpyxl_types.xlsx/household/D6#shown": "serial 60 kept as a number, not a date",
	"excelize_types.xlsx/household/C8#shown": "serial 60 kept as a number, not a date",
}

// writeExcelizeFixtures writes testdata/excelize_types.xlsx (1900 system:
// dates with built-in and custom formats, shared strings, rich text,
// booleans, a formula without a cached value, float noise, leading-zero
// text ids, sparse cells, serial 60, a hidden sheet) and
// testdata/excelize_1904.xlsx (1904 system, written by the StreamWriter,
// which uses inline strings).
func writeExcelizeFixtures(t *testing.T) {
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	must(f.SetSheetName("Sheet1", "household"))
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	custom := "dd/mm/yyyy hh:mm"
	dt, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	idfmt := `"ID-"0000`
	ids, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &idfmt})
	timeOnly, _ := f.NewStyle(&excelize.Style{NumFmt: 20})
	rows := [][]any{
		{"external_id", "name", "opened", "members", "ratio", "flag", "when", "code", "zip"},
		{"HH-0001", "Wanjiru", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), 4, 0.1 + 0.2, true, time.Date(2024, 3, 1, 14, 30, 0, 0, time.UTC), 42, "02134"},
		{"HH-0002", "José Müller ", time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), 0, 1e-7, false, 0.75, 7, "80202"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("household", cell, &r))
	}
	must(f.SetCellStyle("household", "C2", "C3", date))
	must(f.SetCellStyle("household", "G2", "G2", dt))
	must(f.SetCellStyle("household", "G3", "G3", timeOnly))
	must(f.SetCellStyle("household", "H2", "H3", ids))
	must(f.SetCellRichText("household", "B5", []excelize.RichTextRun{{Text: "rich "}, {Text: "text", Font: &excelize.Font{Bold: true}}}))
	must(f.SetCellValue("household", "A5", "HH-0005"))
	must(f.SetCellFormula("household", "D5", "1/0"))
	must(f.SetCellValue("household", "F7", "sparse"))
	must(f.SetCellValue("household", "A8", "HH-0008"))
	must(f.SetCellFloat("household", "C8", 60, -1, 64))
	must(f.SetCellStyle("household", "C8", "C8", date))
	must(f.SetCellFloat("household", "D8", 123456789.12345679, -1, 64))
	_, err := f.NewSheet("member")
	must(err)
	must(f.SetSheetRow("member", "A1", &[]any{"external_id", "parent_external_id", "dob"}))
	for i := 1; i <= 40; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		r := []any{"M-" + strconv.Itoa(i), "HH-0001", time.Date(1980+i, time.Month(i%12+1), i%28+1, 0, 0, 0, 0, time.UTC)}
		must(f.SetSheetRow("member", cell, &r))
	}
	must(f.SetCellStyle("member", "C2", "C41", date))
	_, err = f.NewSheet("secret")
	must(err)
	must(f.SetSheetVisible("secret", false))
	must(f.SetCellValue("secret", "A1", "x"))
	must(f.SaveAs(filepath.Join("testdata", "excelize_types.xlsx")))

	g := excelize.NewFile()
	defer g.Close()
	yes := true
	must(g.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	must(g.SetSheetName("Sheet1", "cases"))
	gdate, _ := g.NewStyle(&excelize.Style{NumFmt: 14})
	dmy := "dd/mm/yyyy"
	gdmy, _ := g.NewStyle(&excelize.Style{CustomNumFmt: &dmy})
	sw, err := g.NewStreamWriter("cases")
	must(err)
	must(sw.SetRow("A1", []any{"external_id", "name", "opened", "n"}))
	// Serials are written raw: the StreamWriter converts time.Time in the
	// 1900 system whatever the workbook says.
	must(sw.SetRow("A2", []any{"E-1", "  padded  ", excelize.Cell{StyleID: gdate, Value: 45292 - 1462}, 0.1 + 0.2}))
	must(sw.SetRow("A3", []any{"E-2", "line one\nline two", excelize.Cell{StyleID: gdmy, Value: 1}, "0042"}))
	must(sw.SetRow("A5", []any{"E-4", "gap above", excelize.Cell{StyleID: gdmy, Value: 0}, true}))
	must(sw.Flush())
	must(g.SaveAs(filepath.Join("testdata", "excelize_1904.xlsx")))
}

func TestXLSX_MatchesExcelize(t *testing.T) {
	if *writeFixtures {
		writeExcelizeFixtures(t)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	if len(files) < 5 {
		t.Fatalf("fixtures missing: %v (run with -write-fixtures and testdata/make_openpyxl.py)", files)
	}
	seen := map[string]bool{}
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
		scratch := excelize.NewFile()
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
				for c := range r.Len() {
					ref, _ := excelize.CoordinatesToCellName(c+1, r.Num)
					ours[ref] = r.Cell(c)
				}
			}
			check := func(key, got, want string) {
				seen[key] = true
				reason, known := knownDiffs[key]
				switch {
				case got != want && !known:
					t.Errorf("%s: ours %q, excelize %q", key, got, want)
				case got != want:
					t.Logf("known difference %s: ours %q, excelize %q (%s)", key, got, want, reason)
				case known:
					t.Errorf("%s: listed as a known difference but now agrees: remove it", key)
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
					want, isDate := expectFromExcelize(f, raw, typ, style, date1904)
					if rn == sh.HeaderRow {
						want = strings.TrimSpace(want)
					}
					got := ours[ref]
					delete(ours, ref)
					compared++
					check(key, got.Value, want)
					if isDate || got.Kind == KindDate {
						shown, _ := f.GetCellValue(sheetName, ref)
						check(key+"#shown", reshow(t, scratch, f, style, got), shown)
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
		_ = scratch.Close()
		_ = f.Close()
	}
	for key := range knownDiffs {
		if !seen[key] {
			t.Errorf("known difference %s names no compared cell: remove it", key)
		}
	}
}

// reshow puts our value back into a scratch 1900-system workbook with the
// original cell's number format and returns what excelize shows for it.
func reshow(t *testing.T, scratch, orig *excelize.File, style int, c Cell) string {
	t.Helper()
	if c.Kind != KindDate {
		return c.Value // a number we refused as a date: shown as it is
	}
	var v any
	if tm, err := time.Parse("2006-01-02 15:04:05", c.Value); err == nil {
		v = tm
	} else if tm, err := time.Parse("2006-01-02", c.Value); err == nil {
		v = tm
	} else if tm, err := time.Parse("15:04:05", c.Value); err == nil {
		v = float64(tm.Hour()*3600+tm.Minute()*60+tm.Second()) / 86400
	} else {
		t.Fatalf("date cell %q is not ISO", c.Value)
	}
	st, err := orig.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	id, err := scratch.NewStyle(&excelize.Style{NumFmt: st.NumFmt, CustomNumFmt: st.CustomNumFmt})
	if err != nil {
		t.Fatal(err)
	}
	if err := scratch.SetCellValue("Sheet1", "A1", v); err != nil {
		t.Fatal(err)
	}
	if err := scratch.SetCellStyle("Sheet1", "A1", "A1", id); err != nil {
		t.Fatal(err)
	}
	shown, err := scratch.GetCellValue("Sheet1", "A1")
	if err != nil {
		t.Fatal(err)
	}
	return shown
}

// expectFromExcelize turns excelize's raw value into what this reader
// shows, and says whether the cell is a date-formatted number.
func expectFromExcelize(f *excelize.File, raw string, typ excelize.CellType, style int, date1904 bool) (string, bool) {
	switch typ {
	case excelize.CellTypeBool:
		if raw == "1" || strings.EqualFold(raw, "true") {
			return "TRUE", false
		}
		return "FALSE", false
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeError, excelize.CellTypeFormula:
		return raw, false
	}
	if raw == "" {
		return "", false
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw, false
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
		return formatNumber(raw), false
	case fmtTime:
		if v >= 0 && v < 1 {
			secs := int(math.Round(v * 86400))
			return pad2(secs/3600) + ":" + pad2(secs/60%60) + ":" + pad2(secs%60), true
		}
	}
	tm, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return raw, true
	}
	tm = tm.Round(time.Second)
	if tm.Hour() == 0 && tm.Minute() == 0 && tm.Second() == 0 {
		return tm.Format("2006-01-02"), true
	}
	return tm.Format("2006-01-02 15:04:05"), true
}
