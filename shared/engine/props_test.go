package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"casegate/shared/sheet"
)

func TestProps(t *testing.T) {
	var p Props
	for _, kv := range [][2]string{{"village", "Kisumu"}, {"dob", "2001-01-01"}, {"zeta", ""}, {"dob", "2002-02-02"}, {"a\"b", "é"}} {
		p = p.With(kv[0], kv[1])
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	// The same bytes a map gives: sorted keys, escaped.
	m, _ := json.Marshal(map[string]string{"village": "Kisumu", "dob": "2002-02-02", "zeta": "", "a\"b": "é"})
	if string(b) != string(m) {
		t.Errorf("json %s, want %s", b, m)
	}
	var back Props
	if err := json.Unmarshal(b, &back); err != nil || back.Len() != 4 {
		t.Fatalf("round trip: %v %v", back, err)
	}
	if n, v := back.At(1); n != "dob" || v != "2002-02-02" {
		t.Errorf("At(1) = %s %s", n, v)
	}
	if v, ok := back.Get("zeta"); !ok || v != "" {
		t.Errorf("Get(zeta) = %q, %v", v, ok)
	}
	if _, ok := back.Get("nope"); ok {
		t.Error("Get(nope) found")
	}
	// The hash of Props is the hash of the same map.
	x, y := newHasher(), newHasher()
	x.propList(back)
	y.props(back.Map())
	if x.sum() != y.sum() {
		t.Error("Props and map hash differently")
	}
}

// A row's properties: the table's names shared and the values held as the
// row's cells when the row sets every place of the layout (only values that
// are not their cell's text its own), else only the places it set; defaults
// outside the layout merged in order; no cell and no shared name written.
func TestPropWriter(t *testing.T) {
	names := []string{"b", "d", "f"}
	lay := &propLayout{names: names, cells: []int{2, 0, 5}} // f's cell is past the row's end
	w := &propWriter{slot: map[string]int{"b": 0, "d": 1, "f": 2}, lay: lay, set: make([]bool, 3)}
	row1 := sheet.NewRow(2, []string{"2", "x", "1"}, nil)
	w.start(&row1)
	w.put(0, "b", "1")    // its cell's text
	w.put(-1, "d", "2")   // its own
	w.put(2, "f", "")     // a missing cell's text
	w.put(-1, "d", "two") // set again
	full := w.props()
	if full.lay != lay || len(full.over) != 1 || full.Map()["d"] != "two" || full.Map()["b"] != "1" || full.Len() != 3 {
		t.Errorf("every place set: %v (shared layout: %v, own values: %d)", full.Map(), full.lay == lay, len(full.over))
	}
	row2 := sheet.NewRow(3, []string{"a", "b", "c"}, nil)
	w.start(&row2)
	w.put(2, "f", "x")
	w.put(-1, "a", "default")
	w.put(-1, "e", "default")
	part := w.props()
	var got []string
	for n, v := range part.All() {
		got = append(got, n+"="+v)
	}
	if strings.Join(got, " ") != "a=default e=default f=x" {
		t.Errorf("part of the layout and defaults: %v", got)
	}
	row3 := sheet.NewRow(4, []string{"p", "q"}, nil)
	w.start(&row3)
	w.put(0, "b", "r")
	w.put(1, "d", "p") // d's cell (0) holds p: no value of its own
	w.put(2, "f", "s")
	third := w.props()
	if got := third.Map(); got["b"] != "r" || got["d"] != "p" || got["f"] != "s" || len(third.over) != 2 {
		t.Errorf("third row: %v (own values %d)", got, len(third.over))
	}
	if strings.Join(names, ",") != "b,d,f" || strings.Join(row1.Texts(), ",") != "2,x,1" || full.Map()["f"] != "" || full.Map()["d"] != "two" {
		t.Errorf("the shared names, a row's cells or the first row changed: %v %v %v", names, row1.Texts(), full.Map())
	}
	// With on a row's properties leaves its cells alone.
	changed := full.With("b", "changed")
	if changed.Map()["b"] != "changed" || full.Map()["b"] != "1" || row1.Text(2) != "1" {
		t.Errorf("With wrote through: %v %v %v", changed.Map(), full.Map(), row1.Texts())
	}
}
