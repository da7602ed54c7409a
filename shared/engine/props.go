package engine

import (
	"encoding/json"
	"sort"
)

// Prop is one property a row writes.
type Prop struct {
	Name, Value string
}

// Props are the properties a row writes, sorted by name, each name once.
// A slice, not a map: a 100,000-row check built 100,000 maps, which cost a
// quarter of its time and most of its memory; rows of a table now share one
// backing array laid out in the order of the table's sorted property names.
// It is written to JSON as an object, as a map was.
type Props []Prop

// Get returns the value of name, and whether the row writes it.
func (p Props) Get(name string) (string, bool) {
	i := sort.Search(len(p), func(i int) bool { return p[i].Name >= name })
	if i < len(p) && p[i].Name == name {
		return p[i].Value, true
	}
	return "", false
}

// With returns p with name set to v, keeping the order (it may reuse p's
// array).
func (p Props) With(name, v string) Props {
	i := sort.Search(len(p), func(i int) bool { return p[i].Name >= name })
	if i < len(p) && p[i].Name == name {
		p[i].Value = v
		return p
	}
	p = append(p, Prop{})
	copy(p[i+1:], p[i:])
	p[i] = Prop{Name: name, Value: v}
	return p
}

// Map returns the properties as a map.
func (p Props) Map() map[string]string {
	if p == nil {
		return nil
	}
	m := make(map[string]string, len(p))
	for _, kv := range p {
		m[kv.Name] = kv.Value
	}
	return m
}

// PropsOf returns m as Props.
func PropsOf(m map[string]string) Props {
	if m == nil {
		return nil
	}
	p := make(Props, 0, len(m))
	for k, v := range m {
		p = append(p, Prop{k, v})
	}
	sort.Slice(p, func(i, j int) bool { return p[i].Name < p[j].Name })
	return p
}

// MarshalJSON writes an object with the names in order.
func (p Props) MarshalJSON() ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 32*len(p)+2)
	b = append(b, '{')
	for i, kv := range p {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(kv.Name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(kv.Value)
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
