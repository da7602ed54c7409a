package engine

import (
	"bytes"
	"encoding/json"
	"runtime"
	"testing"

	"casegate/shared/benchdata"
	"casegate/shared/casetype"
	"casegate/shared/sheet"
	"casegate/shared/spec"
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
