package engine

import (
	"encoding/json"
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
	if err := json.Unmarshal(b, &back); err != nil || len(back) != 4 || back[1].Name != "dob" {
		t.Fatalf("round trip: %v %v", back, err)
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
	if compact(Props{{}, {"a", "1"}, {}, {"b", ""}}).Map()["b"] != "" || len(compact(Props{{}, {}})) != 0 {
		t.Error("compact")
	}
}
