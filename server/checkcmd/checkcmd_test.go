package checkcmd

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"casegate/shared/engine"
	"casegate/shared/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./server/checkcmd -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (run with -update after checking the change):\n%s", name, firstDiff(string(want), string(got)))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func td(name string) string { return filepath.Join("testdata", name) }

// writeMultiTab writes a workbook whose tabs are named after case types,
// households then members, with real Excel dates and a serial in a text column.
func writeMultiTab(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "member")) // children first: order must not matter
	_, err := f.NewSheet("household")
	must(err)
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	rows := map[string][][]any{
		"member": {
			{"external_id", "name", "parent_external_id", "dob"},
			{"MX-1", "Child one", "HX-1", 32874}, // 1990-01-01 as a serial with a date format
			{"MX-2", "Child two", "HX-2", 40179},
			{"MX-3", "Orphan", "HX-404", 40179},
		},
		"household": {
			{"external_id", "name", "members"},
			{"HX-1", "First household", 3},
			{"HX-2", "Second household", 0.1 + 0.2},
		},
	}
	for sh, rs := range rows {
		for i, r := range rs {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			must(f.SetSheetRow(sh, cell, &r))
		}
	}
	must(f.SetCellStyle("member", "D2", "D4", date))
	path := filepath.Join(t.TempDir(), "multitab.xlsx")
	must(f.SaveAs(path))
	return path
}

func TestRun_Golden(t *testing.T) {
	multi := writeMultiTab(t)
	cases := []struct {
		name string
		args []string
		exit int
	}{
		{"two_files_external_id", []string{"-search-field", "external_id", "-create-new-cases", "on", "-cases", td("cases_export.csv"),
			"-search-column", "household_id", "household:" + td("households.csv")}, ExitRowError},
		{"parents_and_children", []string{"-search-field", "external_id", "-create-new-cases", "on", "-cases", td("cases_export.csv"),
			"household:" + td("households_ext.csv"), "member:" + td("members.csv")}, ExitRowError},
		{"choices", []string{"-search-field", "external_id", "-create-new-cases", "on", "-cases", td("cases_export.csv"),
			"-choices", td("choices.json"), "member:" + td("members.csv")}, ExitRowError},
		{"by_case_id", []string{"-case-type", "household", "-cases", td("cases_export.csv"), "-create-new-cases", "on", td("by_case_id.csv")}, ExitRowError},
		{"by_case_id_no_create", []string{"-case-type", "household", "-cases", td("cases_export.csv"), td("by_case_id.csv")}, ExitRowError},
		{"parent_by_index_dmy", []string{"-case-type", "member", "-search-field", "external_id", "-create-new-cases", "on",
			"-cases", td("cases_export.csv"), td("members_by_index.csv")}, ExitRowError},
		{"tagged", []string{"-case-type", "tagged", "-search-field", "external_id", "-search-column", "tag_id", "-create-new-cases", "on", td("tagged.csv")}, ExitRowError},
		{"serials_and_ambiguous_dates", []string{"-case-type", "household", "-search-field", "external_id", "-create-new-cases", "on", td("serials.csv")}, ExitClean},
		{"cp1252_semicolon", []string{"-case-type", "household", "-search-field", "external_id", "-create-new-cases", "on", td("cp1252_semicolon.csv")}, ExitClean},
		{"utf16_tab", []string{"-case-type", "household", "-search-field", "external_id", "-create-new-cases", "on", td("utf16_tab.txt")}, ExitClean},
		{"utf8_bom", []string{"-case-type", "household", "-search-field", "external_id", "-create-new-cases", "on", td("utf8_bom.csv")}, ExitClean},
		{"multitab_excelize", []string{"-search-field", "external_id", "-create-new-cases", "on", multi}, ExitRowError},
		{"multitab_openpyxl", []string{"-search-field", "external_id", "-create-new-cases", "on", td("openpyxl_multitab.xlsx")}, ExitClean},
		{"commcare_export_reimport", []string{"-case-type", "member", "-cases", td("commcare_cases.csv"), td("commcare_export.csv")}, ExitClean},
		{"export_reimport_unchanged", []string{"-case-type", "household", "-cases", td("cases_export.csv"), td("households_export.csv")}, ExitClean},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Run(append([]string{"-format", "json"}, tc.args...), &out, &errb)
			if code != tc.exit {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.exit, errb.String())
			}
			got := strings.ReplaceAll(out.String(), filepath.Dir(multi)+string(filepath.Separator), "")
			golden(t, tc.name+".json", []byte(got))
		})
	}
}

// TestRun_EveryCode checks that the golden reports together cover every
// issue code the engine can give, so a new code cannot go untested.
func TestRun_EveryCode(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	seen := map[model.Code]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r engine.Report
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, row := range r.Rows {
			for _, is := range row.Issues {
				seen[is.Code] = true
			}
		}
		for _, n := range r.Notices {
			seen[n.Code] = true
		}
	}
	var missing []string
	for _, c := range []model.Code{model.CodeRequired, model.CodeInvalidValue, model.CodeInvalidDate, model.CodeTooLong,
		model.CodeDuplicateInFile, model.CodeBlankExternalID, model.CodeNoMatch, model.CodeTooManyMatches,
		model.CodeParentNotFound, model.CodeParentAmbiguous, model.CodeParentWrongType, model.CodeParentCycle,
		model.CodeBadAddress, model.CodeReservedField, model.CodeAmbiguousDate, model.CodeWrongCaseType,
		model.CodeParentNotCreated, model.CodeCaseUpdatedTwice} {
		if !seen[c] {
			missing = append(missing, string(c))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no golden report covers: %s", strings.Join(missing, ", "))
	}
}

func TestRun_Text(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run([]string{"-search-field", "external_id", "-create-new-cases", "on", "-cases", td("cases_export.csv"),
		"household:" + td("households_ext.csv"), "member:" + td("members.csv")}, &out, &errb)
	if code != ExitRowError {
		t.Fatalf("exit %d; stderr %s", code, errb.String())
	}
	golden(t, "parents_and_children.txt", out.Bytes())
}

func TestRun_Unusable(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no files", []string{"-case-type", "household"}, "usage"},
		{"bad search field", []string{"-search-field", "name", td("households.csv")}, "Illegal value for search_field"},
		{"xls", []string{"-case-type", "household", write("old.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 rest")}, "xlsx"},
		{"ods", []string{"-case-type", "household", write("x.ods", "PK\x03\x04 not really")}, "xlsx"},
		{"empty", []string{"-case-type", "household", write("empty.csv", "")}, "empty"},
		{"duplicate headers", []string{"-case-type", "household", write("dup.csv", "name,village,name\na,b,c\n")}, "both named"},
		{"missing search column", []string{"-case-type", "household", "-search-field", "external_id", "-search-column", "hh", td("households.csv")}, "search column"},
		{"no case type", []string{td("households.csv")}, "No case type"},
		{"bad format", []string{"-format", "xml", td("households.csv")}, "-format"},
		{"missing file", []string{"-case-type", "household", filepath.Join(dir, "nope.csv")}, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := Run(tc.args, &out, &errb); code != ExitUnusable {
				t.Fatalf("exit %d, want 2; stderr %s", code, errb.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q does not mention %q", errb.String(), tc.want)
			}
		})
	}
}

func TestRun_ErrorFiles(t *testing.T) {
	dir := t.TempDir()
	csvOut, xlsxOut := filepath.Join(dir, "errors.csv"), filepath.Join(dir, "errors.xlsx")
	for _, out := range []string{csvOut, xlsxOut} {
		var o, e bytes.Buffer
		if code := Run([]string{"-case-type", "tagged", "-search-field", "external_id", "-search-column", "tag_id",
			"-create-new-cases", "on", "-errors", out, td("tagged.csv")}, &o, &e); code != ExitRowError {
			t.Fatalf("exit %d: %s", code, e.String())
		}
	}
	b, err := os.ReadFile(csvOut)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "tagged_errors.csv", b)
	f, err := excelize.OpenFile(xlsxOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := f.GetSheetName(0)
	// Row 3 of tagged.csv ("TAG 002") is the first bad row: second row of the error sheet.
	if v, _ := f.GetCellValue(sh, "A2"); v != "TAG 002" {
		t.Errorf("A2 = %q, want TAG 002", v)
	}
	comments, err := f.GetComments(sh)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range comments {
		if c.Cell == "A2" && strings.Contains(c.Text, "letters, digits and hyphens") {
			found = true
		}
	}
	if !found {
		t.Errorf("no comment on A2 explaining the tag_id rule; comments: %+v", comments)
	}
	style, _ := f.GetCellStyle(sh, "A2")
	if style == 0 {
		t.Errorf("bad cell A2 is not marked")
	}
}
