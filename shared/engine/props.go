package engine

import (
	"encoding/json"
	"iter"
	"sort"
)

// Props are the properties a row writes, sorted by name, each name once:
// names and values in two slices of the same length. Rows of a table share
// one names slice (the table's sorted property names) and each row's values
// are its part of one array: 16 bytes a value, where a name and value pair
// per row cost 32 and a map per row a quarter of a check's time. It is
// written to JSON as an object, as a map is.
type Props struct {
	names, vals []string // names may be shared: never written
}

// Len is the number of properties.
func (p Props) Len() int { return len(p.names) }

// IsZero reports whether p holds no property (for omitzero).
func (p Props) IsZero() bool { return len(p.names) == 0 }

// At returns the i-th property in name order.
func (p Props) At(i int) (name, value string) { return p.names[i], p.vals[i] }

// All yields the properties in name order.
func (p Props) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i, n := range p.names {
			if !yield(n, p.vals[i]) {
				return
			}
		}
	}
}

// Get returns the value of name, and whether the row writes it.
func (p Props) Get(name string) (string, bool) {
	i := sort.SearchStrings(p.names, name)
	if i < len(p.names) && p.names[i] == name {
		return p.vals[i], true
	}
	return "", false
}

// With returns p with name set to v, keeping the order. A name p has is
// set in place; a new one makes new slices (names may be shared).
func (p Props) With(name, v string) Props {
	i := sort.SearchStrings(p.names, name)
	if i < len(p.names) && p.names[i] == name {
		p.vals[i] = v
		return p
	}
	names := make([]string, 0, len(p.names)+1)
	vals := make([]string, 0, len(p.names)+1)
	names = append(append(append(names, p.names[:i]...), name), p.names[i:]...)
	vals = append(append(append(vals, p.vals[:i]...), v), p.vals[i:]...)
	return Props{names, vals}
}

// Map returns the properties as a map (nil when there are none).
func (p Props) Map() map[string]string {
	if p.Len() == 0 {
		return nil
	}
	m := make(map[string]string, len(p.names))
	for i, n := range p.names {
		m[n] = p.vals[i]
	}
	return m
}

// PropsOf returns m as Props.
func PropsOf(m map[string]string) Props {
	if len(m) == 0 {
		return Props{}
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	vals := make([]string, len(names))
	for i, n := range names {
		vals[i] = m[n]
	}
	return Props{names, vals}
}

// MarshalJSON writes an object with the names in order.
func (p Props) MarshalJSON() ([]byte, error) {
	if p.Len() == 0 {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 32*p.Len()+2)
	b = append(b, '{')
	for i, n := range p.names {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(n)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(p.vals[i])
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads an object.
func (p *Props) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*p = PropsOf(m)
	return nil
}

// propWriter gathers one row's properties as it is read: the values of the
// table's layout in the row's part of the table's array, and the others
// (defaults of properties no column writes) apart. One per goroutine
// reading rows.
type propWriter struct {
	slot  map[string]int // property name → place in the layout
	names []string       // the layout: the table's sorted property names
	vals  []string       // the row's part of the table's array
	set   []bool         // the layout's places the row has set
	nset  int
	extra Props
	strs  []string    // room for keep
	reqs  []parentReq // room for newReq
}

// newReq returns a new parent request from a shared array.
func (w *propWriter) newReq() *parentReq {
	if len(w.reqs) == 0 {
		w.reqs = make([]parentReq, 1024)
	}
	p := &w.reqs[0]
	w.reqs = w.reqs[1:]
	return p
}

// keep returns a pointer to a copy of v (a row's name) from a shared array:
// one allocation per 4k rows, not one a row.
func (w *propWriter) keep(v string) *string {
	if len(w.strs) == 0 {
		w.strs = make([]string, 4096)
	}
	p := &w.strs[0]
	*p, w.strs = v, w.strs[1:]
	return p
}

func (w *propWriter) start(vals []string) {
	w.vals, w.nset, w.extra = vals, 0, Props{}
	clear(w.set)
}

// put sets a property; slot is its place in the layout when the caller
// knows it, else -1.
func (w *propWriter) put(slot int, name, v string) {
	if slot < 0 {
		var ok bool
		if slot, ok = w.slot[name]; !ok {
			w.extra = w.extra.With(name, v)
			return
		}
	}
	w.vals[slot] = v
	if !w.set[slot] {
		w.set[slot] = true
		w.nset++
	}
}

// props returns the row's properties: the table's names with the row's
// values when it set every place (no copy), else the places set and the
// others, in new slices.
func (w *propWriter) props() Props {
	var p Props
	if w.nset == len(w.names) {
		p = Props{w.names, w.vals}
	} else if w.nset > 0 {
		p.names, p.vals = make([]string, 0, w.nset), make([]string, 0, w.nset)
		for i, ok := range w.set {
			if ok {
				p.names, p.vals = append(p.names, w.names[i]), append(p.vals, w.vals[i])
			}
		}
	}
	for i, n := range w.extra.names {
		p = p.With(n, w.extra.vals[i])
	}
	return p
}
