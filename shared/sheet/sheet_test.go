package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"casegate/shared/model"
)

func mustRead(t *testing.T, name string, opt Options) *Book {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	book, err := Read(name, b, opt)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return book
}

// values returns a sheet as a person sees it: header then rows, with gap
// rows as empty rows, trailing empty cells dropped.
func values(sh Sheet) [][]string {
	out := [][]string{sh.Header}
	next := sh.HeaderRow + 1
	for _, r := range sh.Rows {
		for ; next < r.Num; next++ {
			out = append(out, []string{})
		}
		var row []string
		row = r.AppendTexts(row)
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		out = append(out, row)
		next = r.Num + 1
	}
	return out
}

// TestRead_Samples checks every sample against expected.json, the cells a
// person sees in Excel; notes in the expected cells say what is special.
func TestRead_Samples(t *testing.T) {
	raw, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	// Where expected.json describes a cell in words, what the reader gives.
	described := map[string]string{
		"=D2+D3 (formula, no cached value: read as empty or flagged)":            "",
		"0.3 (stored as 0.30000000000000004; Excel shows 15 significant digits)": "0.3",
		"42 (shown as ID-0042)":                              "42",
		"#N/A (error cell: flag it, do not import the text)": "#N/A",
	}
	for file, sheets := range expected {
		if strings.HasSuffix(file, "export.csv") {
			continue
		}
		book := mustRead(t, file, Options{})
		for name, rowsJSON := range sheets {
			if name == "notes" {
				continue
			}
			var want [][]string
			if err := json.Unmarshal(rowsJSON, &want); err != nil {
				t.Fatal(err)
			}
			var sh *Sheet
			for i := range book.Sheets {
				if book.Sheets[i].Name == name || name == "rows" {
					sh = &book.Sheets[i]
				}
			}
			if sh == nil {
				t.Errorf("%s: no sheet %s", file, name)
				continue
			}
			got := values(*sh)
			for i := range want {
				for j := range want[i] {
					if d, ok := described[want[i][j]]; ok {
						want[i][j] = d
					}
				}
				for len(want[i]) > 0 && want[i][len(want[i])-1] == "" {
					want[i] = want[i][:len(want[i])-1]
				}
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
				t.Errorf("%s/%s:\n got %q\nwant %q", file, name, got, want)
			}
		}
	}
}

func TestRead_Kinds(t *testing.T) {
	book := mustRead(t, "excel_features_1904.xlsx", Options{})
	if !book.Date1904 {
		t.Error("1904 date system not detected")
	}
	r := book.Sheets[0].Rows
	if r[0].Kind(2) != KindDate || r[0].Kind(4) != KindBool || r[1].Kind(1) != KindError || r[0].Kind(3) != KindNumber {
		t.Errorf("kinds: %+v %+v", r[0], r[1])
	}
	if r[1].Num != 5 {
		t.Errorf("gap rows: second data row is %d, want 5", r[1].Num)
	}
	ob := mustRead(t, "openpyxl_households.xlsx", Options{})
	if len(ob.Sheets) != 2 {
		t.Errorf("hidden sheet read by default: %d sheets", len(ob.Sheets))
	}
	nb := mustRead(t, "openpyxl_households.xlsx", Options{Sheet: "notes"})
	if len(nb.Sheets) != 1 || !nb.Sheets[0].Hidden {
		t.Errorf("hidden sheet by name: %+v", nb.Sheets)
	}
	infos, err := ListSheets("x.xlsx", mustBytes(t, "openpyxl_households.xlsx"))
	if err != nil || len(infos) != 3 || !infos[2].Hidden {
		t.Errorf("ListSheets: %+v %v", infos, err)
	}
}

func mustBytes(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadCSV(t *testing.T) {
	cases := []struct {
		name, body string
		opt        Options
		enc        string
		delim      rune
		want       string // header|row|row, cells joined by ","
	}{
		{"plain.csv", "a,b\n1,2\n", Options{}, "utf-8", ',', "a,b|1,2"},
		{"semi.csv", "a;b\n1;2,5\n", Options{}, "utf-8", ';', "a,b|1,2,5"},
		{"tab.txt", "a\tb\n1\t2\n", Options{}, "utf-8", '\t', "a,b|1,2"},
		{"sep.csv", "sep=;\na;b\n1;2\n", Options{}, "utf-8", ';', "a,b|1,2"},
		{"quoted.csv", "a,b\n\"x, y\",\"line\r\nbreak\"\n", Options{}, "utf-8", ',', "a,b|x, y,line\nbreak"},
		{"bom.csv", "\xef\xbb\xbfa,b\n1,2\n", Options{}, "utf-8-bom", ',', "a,b|1,2"},
		{"cp.csv", "a,b\nJos\xe9,\x93q\x94\n", Options{}, "windows-1252", ',', "a,b|José,“q”"},
		{"mac.csv", "a,b\nJos\x8e,x\n", Options{Encoding: "macintosh"}, "macintosh", ',', "a,b|José,x"},
		{"u16be.csv", "\xfe\xff\x00a\x00,\x00b\x00\n\x001\x00,\x002\x00\n", Options{}, "utf-16be", ',', "a,b|1,2"},
		{"header2.csv", "title\na,b\n1,2\n", Options{HeaderRow: 2}, "utf-8", ',', "a,b|1,2"},
		{"blank.csv", "a,b\n\n,\n1,2\n", Options{}, "utf-8", ',', "a,b|1,2"},
	}
	for _, c := range cases {
		book, err := Read(c.name, []byte(c.body), c.opt)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		sh := book.Sheets[0]
		parts := []string{strings.Join(sh.Header, ",")}
		for _, r := range sh.Rows {
			var cells []string
			cells = r.AppendTexts(cells)
			parts = append(parts, strings.Join(cells, ","))
		}
		if got := strings.Join(parts, "|"); got != c.want || book.Encoding != c.enc || book.Delimiter != c.delim {
			t.Errorf("%s: %q %s %q, want %q %s %q", c.name, got, book.Encoding, book.Delimiter, c.want, c.enc, c.delim)
		}
	}
	// Blank lines are rows in a spreadsheet: row numbers follow them.
	book, _ := Read("gap.csv", []byte("a\n\n\nx\n\"multi\nline\"\ny\n"), Options{})
	if nums := []int{book.Sheets[0].Rows[0].Num, book.Sheets[0].Rows[1].Num, book.Sheets[0].Rows[2].Num}; fmt.Sprint(nums) != "[4 5 6]" {
		t.Errorf("row numbers %v, want [4 5 6] (a quoted line break stays in one row)", nums)
	}
}

func wantErr(t *testing.T, what string, err error, kind model.ErrorKind, text string) {
	t.Helper()
	var me *model.Error
	if !errors.As(err, &me) {
		t.Errorf("%s: error %v is not a *model.Error", what, err)
		return
	}
	if me.Kind != kind || !strings.Contains(me.Message, text) {
		t.Errorf("%s: %s %q, want %s containing %q", what, me.Kind, me.Message, kind, text)
	}
}

// zipOf builds an xlsx-like zip from parts.
func zipOf(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	_ = zw.Close()
	return buf.Bytes()
}

const wbXML = `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`
const testRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`

func book(t *testing.T, sheet string) []byte {
	return zipOf(t, map[string]string{"xl/workbook.xml": wbXML, "xl/_rels/workbook.xml.rels": testRels, "xl/worksheets/sheet1.xml": sheet})
}

func TestRead_Refusals(t *testing.T) {
	small := Limits{MaxRows: 3, MaxCols: 4, MaxRecordBytes: 1024, MaxUnzipped: 1 << 20, MaxEntryUnzipped: 1 << 20}
	big := bytes.Repeat([]byte("a"), 2<<20)
	bomb := zipOf(t, map[string]string{"xl/workbook.xml": wbXML, "xl/_rels/workbook.xml.rels": testRels,
		"xl/worksheets/sheet1.xml": "<worksheet><sheetData>" + strings.Repeat(" ", 4<<20) + "</sheetData></worksheet>"})
	cases := []struct {
		name string
		data []byte
		opt  Options
		kind model.ErrorKind
		text string
	}{
		{"empty.csv", nil, Options{}, model.EInvalid, "empty"},
		{"spaces.csv", []byte(" \n \n"), Options{}, model.EInvalid, "empty"},
		{"old.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1xxxx"), Options{}, model.EUnsupported, "Save it as .xlsx or .csv"},
		{"locked.xlsx", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1xxxx"), Options{}, model.EInvalid, "password-protected"},
		{"renamed.xlsx", []byte("a,b\n1,2\n"), Options{}, model.EInvalid, "not a zip"},
		{"sheet.ods", []byte("PK\x03\x04...."), Options{}, model.EUnsupported, "OpenDocument"},
		{"doc.pdf", []byte("%PDF-1.4"), Options{}, model.EUnsupported, "Save it as"},
		{"bin.csv", []byte("a,b\n\x00\x01\x02\n"), Options{}, model.EUnsupported, "binary"},
		{"garbage.xlsx", []byte("PK\x03\x04garbage"), Options{}, model.EInvalid, "damaged"},
		{"noworkbook.xlsx", zipOf(t, map[string]string{"a.txt": "x"}), Options{}, model.EInvalid, "no workbook"},
		{"long.csv", append([]byte("a\n"), big...), Options{}, model.ETooLarge, "row 2 is longer than 1.0 MiB"},
		{"unclosed.csv", append([]byte("a\n\""), big...), Options{}, model.ETooLarge, "unclosed quote"},
		{"wide.csv", []byte("a,b,c,d,e\n"), Options{Limits: small}, model.ETooLarge, "more than 4 columns"},
		{"rows.csv", []byte("a\n1\n2\n3\n4\n"), Options{Limits: small}, model.ETooLarge, "over the limit of 3 rows"},
		{"header.csv", []byte("a\n"), Options{HeaderRow: 5}, model.EInvalid, "no row 5"},
		{"bomb.xlsx", bomb, Options{Limits: small}, model.ETooLarge, "inflates to more than"},
		{"xfd.xlsx", book(t, `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c r="XFD2"><v>1</v></c></row></sheetData></worksheet>`),
			Options{}, model.ETooLarge, "cell XFD2 is beyond the limit of 300 columns"},
		{"entity.xlsx", book(t, `<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>`), Options{}, model.EInvalid, "DOCTYPE"},
		{"badsst.xlsx", book(t, `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>`), Options{}, model.EInvalid, "shared string"},
		{"norows.xlsx", book(t, `<worksheet><sheetData/></worksheet>`), Options{}, model.EInvalid, "empty"},
		{"order.xlsx", book(t, `<worksheet><sheetData><row r="2"/><row r="1"/></sheetData></worksheet>`), Options{}, model.EInvalid, "out of order"},
		{"nosheet.xlsx", book(t, `<worksheet><sheetData/></worksheet>`), Options{Sheet: "Other"}, model.EInvalid, "no sheet named \"Other\""},
		{"toobig.csv", []byte("abc"), Options{Limits: Limits{MaxBytes: 2}}, model.ETooLarge, "the limit is 2 bytes"},
	}
	for _, c := range cases {
		start := time.Now()
		_, err := Read(c.name, c.data, c.opt)
		wantErr(t, c.name, err, c.kind, c.text)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %v", c.name, d)
		}
	}
}

func TestRead_XLSXForms(t *testing.T) {
	// Cells without r, inline and rich strings, a prefixed namespace, CDATA,
	// entities, _xHHHH_ escapes, booleans, a date style.
	data := zipOf(t, map[string]string{
		"xl/workbook.xml":            wbXML,
		"xl/_rels/workbook.xml.rels": testRels,
		"xl/styles.xml":              `<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt numFmtId="166" formatCode="&quot;ID-&quot;0000"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="14"/><xf numFmtId="20"/></cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml": `<x:worksheet xmlns:x="s"><x:sheetData>
<x:row><x:c t="inlineStr"><x:is><x:t>a &amp; b</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:r><x:t>rich </x:t></x:r><x:r><x:t>text</x:t></x:r></x:is></x:c><x:c t="inlineStr"><x:is><x:t><![CDATA[<cdata>]]></x:t></x:is></x:c><c t="inlineStr"><is><t>_x005F_x0041_</t></is></c></x:row>
<x:row><x:c s="1"><x:v>45292</x:v></x:c><x:c s="2"><x:v>1.5</x:v></x:c><x:c s="3"><x:v>42</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c><x:c s="4"><x:v>45292.75</x:v></x:c><x:c s="5"><x:v>0.5</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>tab_x0009_here</x:v></x:c><x:c><x:v>1E-3</x:v></x:c><x:c s="4"><x:v>60</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`,
	})
	b, err := Read("forms.xlsx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sh := b.Sheets[0]
	// Excel writes the text _x0041_ as _x005F_x0041_ (its underscore escaped).
	if fmt.Sprintf("%q", sh.Header) != `["a & b" "rich text" "<cdata>" "_x0041_"]` {
		t.Errorf("header %q", sh.Header)
	}
	var got []string
	for i := range sh.Rows[0].Len() {
		c := sh.Rows[0].Cell(i)
		got = append(got, fmt.Sprintf("%s/%d", c.Value, c.Kind))
	}
	want := "2024-01-01/3 1.5/2 42/2 FALSE/4 2024-01-01 18:00:00/3 12:00:00/3 tab\there/1 0.001/2 60/2"
	if strings.Join(got, " ") != want {
		t.Errorf("cells:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestFormatNumber(t *testing.T) {
	cases := map[string]string{"45292": "45292", "0.30000000000000004": "0.3", "1E-3": "0.001", "-0": "0", "1.0000000000000002": "1",
		"1E+21": "1E+21", "1.5E-16": "1.5E-16", "1e20": "100000000000000000000", "123456789.123": "123456789.123", "0.1": "0.1",
		"2.9999999999999996": "3", "-1.5e-7": "-0.00000015", "NaN": "NaN", "abc": "abc",
		"123456789012345678": "123456789012346000", "61.5": "61.5", "007": "7", "-12.50": "-12.5"}
	for in, want := range cases {
		if got := formatNumber(in); got != want {
			t.Errorf("formatNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatKind(t *testing.T) {
	cases := []struct {
		id   int
		code string
		want fmtKind
	}{
		{14, "", fmtDate}, {22, "", fmtDate}, {20, "", fmtTime}, {0, "", fmtNumber}, {49, "@", fmtNumber},
		{164, "dd/mm/yyyy", fmtDate}, {164, `"ID-"0000`, fmtNumber}, {164, "[h]:mm", fmtNumber}, {164, "[Red]0.00", fmtNumber},
		{164, "[$-409]mmmm d, yyyy", fmtDate}, {164, "hh:mm:ss", fmtTime}, {164, `0.00\ "days"`, fmtNumber},
	}
	for _, c := range cases {
		if got := formatKind(c.id, c.code); got != c.want {
			t.Errorf("formatKind(%d, %q) = %d, want %d", c.id, c.code, got, c.want)
		}
	}
}

// TestRead_SampleCells pins the cells the samples exist for, with their kinds.
func TestRead_SampleCells(t *testing.T) {
	at := func(sh Sheet, row, col int) Cell {
		t.Helper()
		for _, r := range sh.Rows {
			if r.Num == row {
				if col-1 < r.Len() {
					return r.Cell(col - 1)
				}
				return Cell{}
			}
		}
		t.Fatalf("%s: no row %d", sh.Name, row)
		return Cell{}
	}
	fb := mustRead(t, "excel_features_1904.xlsx", Options{})
	cases := fb.Sheets[0]
	for _, c := range []struct {
		row, col int
		want     Cell
	}{
		{2, 2, Cell{"José Müller ", KindText}},       // trailing space kept (the engine trims)
		{2, 3, Cell{"2027-03-16", KindDate}},         // custom dd/mm/yyyy, 1904 system
		{2, 4, Cell{"42", KindNumber}},               // "ID-"0000: the stored value
		{2, 5, Cell{"TRUE", KindBool}},               // t="b"
		{2, 6, Cell{"  padded  ", KindText}},         // inline string, spaces kept
		{5, 2, Cell{"#N/A", KindError}},              // t="e"
		{5, 3, Cell{"1904-01-02", KindDate}},         // 1904 serial 1
		{5, 4, Cell{"code", KindText}},               // t="str": the cached formula value
		{5, 6, Cell{"line one\nline two", KindText}}, // newline kept
	} {
		if got := at(cases, c.row, c.col); got != c.want {
			t.Errorf("excel_features_1904 %s%d = %+v, want %+v", ColName(c.col), c.row, got, c.want)
		}
	}
	if len(cases.Rows) != 2 || cases.Rows[1].Num != 5 {
		t.Errorf("gap rows 3-4 must be absent and row 5 numbered 5: %+v", cases.Rows)
	}
	ob := mustRead(t, "openpyxl_households.xlsx", Options{})
	if len(ob.Sheets) != 2 || ob.Sheets[0].Name != "household" || ob.Sheets[1].Name != "member" || ob.Date1904 {
		t.Fatalf("sheets %v", ob.Sheets)
	}
	if got := at(ob.Sheets[0], 4, 4); got.Kind != KindEmpty || got.Value != "" {
		t.Errorf("formula without a cached value = %+v, want empty", got)
	}
	if got := at(ob.Sheets[0], 2, 3); got != (Cell{"2024-03-01", KindDate}) {
		t.Errorf("openpyxl date = %+v", got)
	}
	if got := at(ob.Sheets[1], 3, 6); got != (Cell{"0.3", KindNumber}) {
		t.Errorf("float noise = %+v", got)
	}
	// A second writer's view (testdata/make_openpyxl.py).
	ot := mustRead(t, "openpyxl_types.xlsx", Options{Sheet: "household"}).Sheets[0]
	for _, c := range []struct {
		row, col int
		want     Cell
	}{
		{2, 9, Cell{"02134", KindText}}, // leading-zero id stored as text
		{2, 7, Cell{"2024-03-01 14:30:00", KindDate}},
		{3, 7, Cell{"09:15:00", KindDate}}, // time only
		{6, 2, Cell{"#N/A", KindError}},
		{6, 3, Cell{}},                 // formula, no cached value
		{6, 4, Cell{"60", KindNumber}}, // 1900-02-29 does not exist
		{6, 6, Cell{"1E+21", KindNumber}},
		{6, 13, Cell{"far", KindText}},
	} {
		if got := at(ot, c.row, c.col); got != c.want {
			t.Errorf("openpyxl_types %s%d = %+v, want %+v", ColName(c.col), c.row, got, c.want)
		}
	}
}

func TestRead_Progress(t *testing.T) {
	var calls int
	var last int64
	body := "a,b\n" + strings.Repeat("1,2\n", 10000)
	_, err := Read("p.csv", []byte(body), Options{Progress: func(done, total int64) {
		calls++
		if done < last || done > total {
			t.Fatalf("progress %d/%d after %d", done, total, last)
		}
		last = done
	}})
	if err != nil || calls < 10 || calls > 110 || last != int64(len(body)) {
		t.Errorf("progress: %d calls, last %d of %d, err %v", calls, last, len(body), err)
	}
	// xlsx: one gauge over every sheet read, ending at total.
	var sb strings.Builder
	sb.WriteString(`<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>h</t></is></c></row>`)
	for r := 2; r < 5000; r++ {
		sb.WriteString(`<row r="` + itoa(r) + `"><c><v>` + itoa(r) + `</v></c></row>`)
	}
	sb.WriteString(`</sheetData></worksheet>`)
	calls, last = 0, 0
	var total int64
	_, err = Read("p.xlsx", book(t, sb.String()), Options{Progress: func(done, tot int64) {
		calls++
		if done < last || done > tot {
			t.Fatalf("progress %d/%d after %d", done, tot, last)
		}
		last, total = done, tot
	}})
	if err != nil || calls < 10 || calls > 110 || last != total || total != int64(sb.Len()) {
		t.Errorf("xlsx progress: %d calls, last %d of %d, err %v", calls, last, total, err)
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a;b\n\"x;\ny\";2\n", "sep=;\na;b\n", "\xef\xbb\xbfa\tb\n", "\xff\xfea\x00,\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Read("f.csv", data, Options{Limits: Limits{MaxRecordBytes: 4096, MaxRows: 1000}})
		var me *model.Error
		if err != nil && !errors.As(err, &me) {
			t.Fatalf("error %v (%T) is not a *model.Error", err, err)
		}
	})
}

func FuzzReadXLSX(f *testing.F) {
	for _, name := range []string{"openpyxl_households.xlsx", "excel_features_1904.xlsx"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Read("f.xlsx", data, Options{Limits: Limits{MaxUnzipped: 8 << 20, MaxEntryUnzipped: 4 << 20}})
		var me *model.Error
		if err != nil && !errors.As(err, &me) {
			t.Fatalf("error %v (%T) is not a *model.Error", err, err)
		}
	})
}

// FuzzScanSheet fuzzes the worksheet scanner directly, inside a valid zip,
// and reads each input twice: with the one-pass cell reader and with the
// token loop alone, which must agree (sheet or error).
func FuzzScanSheet(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row><c><v>1</v></c></row></sheetData></worksheet>`)
	f.Add(`<worksheet><sheetData><row r="1"><c r="B1" t="s"><v>0</v></c><c t="e"><v>#N/A</v></c></row></sheetData></worksheet>`)
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a&amp;b </t></is></c><c r="C1"/><c r="D1" s="0" t="b"><v>1</v></c><c r='E1'></c><c r="F1" t="str"><f>1+1</f><v>2</v></c></row><row r="3"><c r="B3" r="A3"><v>&#49;</v></c><c xr:r="C3"><v>2</v></c></row></sheetData></worksheet>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string]string{"xl/workbook.xml": wbXML, "xl/_rels/workbook.xml.rels": testRels, "xl/worksheets/sheet1.xml": sheet} {
			w, _ := zw.Create(name)
			_, _ = w.Write([]byte(body))
		}
		_ = zw.Close()
		got, err := Read("f.xlsx", buf.Bytes(), Options{})
		var me *model.Error
		if err != nil && !errors.As(err, &me) {
			t.Fatalf("error %v (%T) is not a *model.Error", err, err)
		}
		fastCells = false
		want, werr := Read("f.xlsx", buf.Bytes(), Options{})
		fastCells = true
		if fmt.Sprint(err) != fmt.Sprint(werr) || (err == nil && fmt.Sprint(got.Sheets) != fmt.Sprint(want.Sheets)) {
			t.Fatalf("the one-pass cell reader differs from the token loop:\n%v %v\n%v %v", err, got, werr, want)
		}
	})
}

// TestXLSX_SmallWindow reads every fixture with a window of a few bytes, so
// tags, entities and CDATA are cut at every place, and must read the same.
func TestXLSX_SmallWindow(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xlsx")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		want, err := Read(filepath.Base(f), data, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{1, 7, 64, 0} {
			scanWindow = w
			if w == 0 { // and the token loop alone, without the one-pass cell reader
				scanWindow, fastCells = 1<<20, false
			}
			got, err := Read(filepath.Base(f), data, Options{})
			scanWindow, fastCells = 1<<20, true
			if err != nil {
				t.Fatalf("%s, window %d: %v", f, w, err)
			}
			if fmt.Sprint(got.Sheets) != fmt.Sprint(want.Sheets) {
				t.Errorf("%s, window %d: differs", f, w)
			}
		}
	}
}

// TestReadZipSameAsRead: a workbook read where it is (ReadZip, as the
// worker reads one from JavaScript's memory) is the workbook Read reads,
// and its refusals are Read's.
func TestReadZipSameAsRead(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	if len(files) == 0 {
		t.Fatal("no xlsx fixtures")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !IsZip(data) {
			continue
		}
		want, werr := Read(filepath.Base(f), data, Options{})
		got, gerr := ReadZip(filepath.Base(f), bytes.NewReader(data), int64(len(data)), Options{})
		if fmt.Sprint(werr) != fmt.Sprint(gerr) || !reflect.DeepEqual(seen(got), seen(want)) {
			t.Errorf("%s: ReadZip differs from Read (%v / %v)", f, gerr, werr)
		}
		wl, _ := ListSheets(filepath.Base(f), data)
		gl, _ := ListZipSheets(filepath.Base(f), bytes.NewReader(data), int64(len(data)))
		if !reflect.DeepEqual(gl, wl) {
			t.Errorf("%s: sheets %v, want %v", f, gl, wl)
		}
	}
	if _, err := ReadZip("a.ods", bytes.NewReader(zipMagic), 4, Options{}); err == nil || !strings.Contains(err.Error(), "OpenDocument") {
		t.Errorf("an .ods: %v", err)
	}
	if _, err := ReadZip("big.xlsx", bytes.NewReader(zipMagic), 1<<40, Options{}); model.KindOf(err) != model.ETooLarge {
		t.Errorf("a file over the limit: %v", err)
	}
}
