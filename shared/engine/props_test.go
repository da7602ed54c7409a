package engine

import (
	"encoding/json"
	"strings"
	"testing"
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

// A row's properties: the table's names shared when the row sets every
// place of the layout, else only the places it set; defaults outside the
// layout merged in order; nothing written into the shared names.
func TestPropWriter(t *testing.T) {
	names := []string{"b", "d", "f"}
	w := &propWriter{slot: map[string]int{"b": 0, "d": 1, "f": 2}, names: names, set: make([]bool, 3)}
	layout := make([]string, 6)
	w.start(layout[0:3:3])
	w.put(0, "b", "1")
	w.put(-1, "d", "2")
	w.put(2, "f", "")
	full := w.props()
	if &full.names[0] != &names[0] || full.Map()["d"] != "2" || full.Len() != 3 {
		t.Errorf("every place set: %v (shared names: %v)", full.Map(), &full.names[0] == &names[0])
	}
	w.start(layout[3:6:6])
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
	if strings.Join(names, ",") != "b,d,f" || full.Map()["f"] != "" {
		t.Errorf("the shared names or the first row changed: %v %v", names, full.Map())
	}
}
