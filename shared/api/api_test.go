package api

import (
	"reflect"
	"testing"

	"casegate/shared/engine"
	"casegate/shared/sheet"
	"casegate/shared/tablewire"
)

// TestStreamTablesAsWire: the engine's tables written straight to the
// compact form are what encoding their wire form writes, index included.
func TestStreamTablesAsWire(t *testing.T) {
	ts := []engine.Table{
		{File: "h.csv", Sheet: "h", CaseType: "household", Header: []string{"external_id", "name"}, Rows: []sheet.Row{
			sheet.NewRow(2, []string{"HH-1", "Ann"}, nil),
			sheet.NewRow(4, []string{"HH-2", ""}, nil),
		}},
		{File: "b.xlsx", Sheet: "members", CaseType: "member", Date1904: true, Header: []string{"dob", "n"}, Rows: []sheet.Row{
			sheet.NewRow(2, []string{"2001-02-03", "1.5"}, []sheet.Kind{sheet.KindDate, sheet.KindNumber}),
			sheet.NewRow(3, []string{"é 😀 \\x00"}, []sheet.Kind{sheet.KindText}),
		}},
		{File: "e.csv", Sheet: "e", Header: []string{}},
	}
	var b []byte
	ix := StreamTables(ts, 1<<20, func(p []byte) { b = append(b, p...) })
	want, wantIx := tablewire.EncodeIndexed(FromEngine(ts))
	if string(b) != want {
		t.Errorf("encoded:\n%q\nwant\n%q", b, want)
	}
	if !reflect.DeepEqual(ix, wantIx) {
		t.Errorf("index %+v, want %+v", ix, wantIx)
	}
	if n := TablesSize(ts); n != len(want) {
		t.Errorf("TablesSize %d, the form is %d bytes", n, len(want))
	}
}

// TestStreamTables: written in chunks of any size, the form and its index
// are what encoding their wire form writes, and each chunk ends where a
// row does.
func TestStreamTables(t *testing.T) {
	var ts []engine.Table
	for ti := range 3 {
		tb := engine.Table{File: "f.csv", Sheet: string(rune('a' + ti)), CaseType: "member", Header: []string{"id", "note"}}
		for r := range 50 {
			tb.Rows = append(tb.Rows, sheet.NewRow(r+2, []string{"M-" + string(rune('A'+r%26)), "naïve ✓ " + string(make([]byte, r))}, nil))
		}
		ts = append(ts, tb)
	}
	want, wantIx := tablewire.EncodeIndexed(FromEngine(ts))
	if n := TablesSize(ts); n != len(want) {
		t.Errorf("TablesSize %d, the form is %d bytes", n, len(want))
	}
	for _, chunk := range []int{1, 16, 100, 1 << 20} {
		var got []byte
		var ends []int
		ix := StreamTables(ts, chunk, func(b []byte) {
			got = append(got, b...)
			ends = append(ends, len(got))
		})
		if string(got) != string(want) || !reflect.DeepEqual(ix, wantIx) {
			t.Errorf("chunk %d: the streamed form differs", chunk)
			continue
		}
		starts := map[int]bool{}
		for _, s := range ix.Starts {
			starts[int(s)] = true
		}
		for _, e := range ends[:len(ends)-1] {
			if !starts[e] {
				t.Errorf("chunk %d: a chunk ends at %d, inside a row", chunk, e)
			}
		}
		if chunk == 1 && len(ends) < 100 {
			t.Errorf("chunk 1: %d chunks, want one a row", len(ends))
		}
	}
}
