package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"casegate/shared/benchdata"
	"casegate/shared/casetype"
	"casegate/shared/sheet"
	"casegate/shared/spec"
	"casegate/shared/tablewire"
)

// TestSplitSameAsOneCore: a table large enough to be read on several cores
// gives the plan one core gives, byte for byte: duplicates found across the
// parts, the first row of each named, every issue in order.
func TestSplitSameAsOneCore(t *testing.T) {
	var buf bytes.Buffer
	if err := benchdata.WriteCSV(&buf, 12000, false); err != nil {
		t.Fatal(err)
	}
	// Rows whose external id repeats one in another part, a blank name,
	// and a bad date.
	data := buf.Bytes()
	data = append(data, []byte("M-0000003,Dup,HH-000000,household,2001-02-03,female,1,1,Kisumu,,1,01/01/2024,1,,,,,,,1\n")...)
	data = append(data, []byte("M-9999999,,HH-000001,household,2001-13-03,male,1,1,Kisumu,,1,01/01/2024,1,,,,,,,1\n")...)
	book, err := sheet.Read("members.csv", data, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg := casetype.NewRegistry()
	ts, err := TablesFromBook("members.csv", book, "member", true, reg)
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Tables: ts, Registry: reg, Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true}}
	run := func(procs int) (*Plan, []byte) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		p, err := Check(in)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(p)
		return p, b
	}
	one, oneJSON := run(1)
	many, manyJSON := run(4)
	if one.Hash != many.Hash || !bytes.Equal(oneJSON, manyJSON) {
		t.Fatalf("the split plan differs: %s vs %s", one.Hash, many.Hash)
	}
	dup := row(many, "members.csv", 12002)
	if dup == nil || codes(dup) != "duplicate_in_file" && !containsCode(dup, "duplicate_in_file") {
		t.Errorf("row 12002 repeats M-0000003 (row 5): %+v", dup)
	}
	bad := row(many, "members.csv", 12003)
	if bad == nil || !containsCode(bad, "required") || !containsCode(bad, "invalid_date") {
		t.Errorf("row 12003: %s", codes(bad))
	}
}

func containsCode(r *RowResult, code string) bool {
	for _, is := range r.Issues {
		if string(is.Code) == code {
			return true
		}
	}
	return false
}

// TestApplyEditsKeepsKinds: an edited cell becomes typed text; the row's
// other cells keep their kinds (a date stays a date), and a cell past the
// row's end is added.
func TestApplyEditsKeepsKinds(t *testing.T) {
	ts := []Table{{File: "m.xlsx", Sheet: "m", Header: []string{"id", "dob", "n", "a", "b"}, Rows: []sheet.Row{
		sheet.NewRow(2, []string{"M-1", "2001-02-03", "42"}, []sheet.Kind{sheet.KindText, sheet.KindDate, sheet.KindNumber}),
		sheet.NewRow(3, []string{"M-2"}, nil),
	}}}
	ApplyEdits(ts, []tablewire.Edit{
		{File: "m.xlsx", Sheet: "m", Row: 2, Col: 2, Value: "forty-two"},
		{File: "m.xlsx", Sheet: "m", Row: 2, Col: 4, Value: "x"},
		{File: "m.xlsx", Sheet: "m", Row: 3, Col: 1, Value: "03/02/2001"},
	})
	r := ts[0].Rows[0]
	got := fmt.Sprint(r.Texts(), r.Kind(0), r.Kind(1), r.Kind(2), r.Kind(3), r.Kind(4))
	want := fmt.Sprint([]string{"M-1", "2001-02-03", "forty-two", "", "x"}, sheet.KindText, sheet.KindDate, sheet.KindText, sheet.KindEmpty, sheet.KindText)
	if got != want {
		t.Errorf("row 2: %s, want %s", got, want)
	}
	if r := ts[0].Rows[1]; r.Len() != 2 || r.Text(1) != "03/02/2001" || r.Kind(1) != sheet.KindText || r.Kinds != nil {
		t.Errorf("row 3: %+v", r)
	}
}
