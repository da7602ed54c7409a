package api

import (
	"reflect"
	"testing"

	"casegate/shared/engine"
	"casegate/shared/sheet"
	"casegate/shared/tablewire"
)

// TestEncodeTables: the engine's tables written straight to the compact
// form are what encoding their wire form writes, index included.
func TestEncodeTables(t *testing.T) {
	ts := []engine.Table{
		{File: "h.csv", Sheet: "h", CaseType: "household", Header: []string{"external_id", "name"}, Rows: []sheet.Row{
			{Num: 2, Cells: []sheet.Cell{{Value: "HH-1", Kind: sheet.KindText}, {Value: "Ann", Kind: sheet.KindText}}},
			{Num: 4, Cells: []sheet.Cell{{Value: "HH-2", Kind: sheet.KindText}, {}}},
		}},
		{File: "b.xlsx", Sheet: "members", CaseType: "member", Date1904: true, Header: []string{"dob", "n"}, Rows: []sheet.Row{
			{Num: 2, Cells: []sheet.Cell{{Value: "2001-02-03", Kind: sheet.KindDate}, {Value: "1.5", Kind: sheet.KindNumber}}},
			{Num: 3, Cells: []sheet.Cell{{Value: "é 😀 \\x00", Kind: sheet.KindText}}},
		}},
		{File: "e.csv", Sheet: "e", Header: []string{}},
	}
	b, ix := EncodeTables(ts)
	want, wantIx := tablewire.EncodeIndexed(FromEngine(ts))
	if string(b) != want {
		t.Errorf("encoded:\n%q\nwant\n%q", b, want)
	}
	if !reflect.DeepEqual(ix, wantIx) {
		t.Errorf("index %+v, want %+v", ix, wantIx)
	}
}
