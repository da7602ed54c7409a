package engine

import (
	"encoding/json"
	"iter"
	"sort"

	"casegate/shared/model"
	"casegate/shared/sheet"
)

// Props are the properties a row writes, sorted by name, each name once.
// The rows of a table share one list of names, and a row read from a
// spreadsheet holds its values as its cells where the value is the cell's
// text (most are): only the others (a date made ISO, a number tidied, a
// default) are its own. A value per row and property was 16 bytes, ~23 MB
// of a 100,000-row check in the browser's worker, whose memory is the
// budget. It is written to JSON as an object, as a map is.
type Props struct {
	lay *propLayout
	row *sheet.Row // with lay.cells: the row whose cells hold the values
	// With lay.cells, the values that are not their cell's text; without,
	// every value, in name order. (One slice for both: 40 bytes a row.)
	over []propOver
}

// ownProps makes Props holding their own values.
func ownProps(names, vals []string) Props {
	over := make([]propOver, len(vals))
	for i, v := range vals {
		over[i] = propOver{int32(i), v}
	}
	return Props{lay: &propLayout{names: names}, over: over}
}

// propLayout is the names of Props, shared, never written; with cells,
// where each value is among a row's cells.
type propLayout struct {
	names []string
	cells []int // place → index of the row's cell holding its value
}

// propOver is a value that is not its cell's text.
type propOver struct {
	slot int32
	v    string
}

// Len is the number of properties.
func (p Props) Len() int {
	if p.lay == nil {
		return 0
	}
	return len(p.lay.names)
}

// IsZero reports whether p holds no property (for omitzero).
func (p Props) IsZero() bool { return p.Len() == 0 }

// At returns the i-th property in name order.
func (p Props) At(i int) (name, value string) { return p.lay.names[i], p.value(i) }

func (p Props) value(i int) string {
	if p.lay.cells == nil {
		return p.over[i].v
	}
	for _, o := range p.over {
		if int(o.slot) == i {
			return o.v
		}
	}
	return p.row.Text(p.lay.cells[i])
}

// All yields the properties in name order.
func (p Props) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i := range p.Len() {
			if !yield(p.At(i)) {
				return
			}
		}
	}
}

func (p Props) names() []string {
	if p.lay == nil {
		return nil
	}
	return p.lay.names
}

// Get returns the value of name, and whether the row writes it.
func (p Props) Get(name string) (string, bool) {
	names := p.names()
	i := sort.SearchStrings(names, name)
	if i < len(names) && names[i] == name {
		return p.value(i), true
	}
	return "", false
}

// With returns p with name set to v, keeping the order. A name p has is
// set in place when p holds its own values; otherwise new slices are made
// (names and cells are shared: never written).
func (p Props) With(name, v string) Props {
	names := p.names()
	i := sort.SearchStrings(names, name)
	if i < len(names) && names[i] == name {
		if p.lay.cells != nil {
			p = p.own()
		}
		p.over[i].v = v
		return p
	}
	nn := make([]string, 0, len(names)+1)
	vals := make([]string, 0, len(names)+1)
	nn = append(append(append(nn, names[:i]...), name), names[i:]...)
	for k := range i {
		vals = append(vals, p.value(k))
	}
	vals = append(vals, v)
	for k := i; k < len(names); k++ {
		vals = append(vals, p.value(k))
	}
	return ownProps(nn, vals)
}

// own returns p with values of its own, in name order.
func (p Props) own() Props {
	vals := make([]string, p.Len())
	for i := range vals {
		vals[i] = p.value(i)
	}
	return ownProps(p.lay.names, vals)
}

// Map returns the properties as a map (nil when there are none).
func (p Props) Map() map[string]string {
	if p.Len() == 0 {
		return nil
	}
	m := make(map[string]string, p.Len())
	for n, v := range p.All() {
		m[n] = v
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
	return ownProps(names, vals)
}

// MarshalJSON writes an object with the names in order.
func (p Props) MarshalJSON() ([]byte, error) {
	if p.Len() == 0 {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 32*p.Len()+2)
	b = append(b, '{')
	for i := range p.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		n, val := p.At(i)
		k, err := json.Marshal(n)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(val)
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

// propWriter gathers one row's properties as it is read: the places of
// the table's layout it sets (a value that is not its cell's text kept in
// a shared array), and the others (defaults of properties no column
// writes) apart. One per goroutine reading rows.
type propWriter struct {
	slot   map[string]int // property name → place in the layout
	lay    *propLayout    // the table's
	row    *sheet.Row     // the row being read
	room   []propOver     // the row's values that are not their cell's text, from a shared array
	set    []bool         // the layout's places the row has set
	nset   int
	extra  Props
	strs   []string      // room for keep
	reqs   []parentReq   // room for newReq
	issues []model.Issue // room for firstIssue
}

// firstIssue returns room for a row's first issue from a shared array: most
// rows with an issue have one, and an allocation per row cost a tenth of a
// parent-less members file's check.
func (w *propWriter) firstIssue() []model.Issue {
	if len(w.issues) == 0 {
		w.issues = make([]model.Issue, 1024)
	}
	s := w.issues[:0:1]
	w.issues = w.issues[1:]
	return s
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

func (w *propWriter) start(row *sheet.Row) {
	w.row, w.nset, w.extra = row, 0, Props{}
	w.room = w.room[len(w.room):] // the previous rows keep theirs
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
	cell := w.row.Text(w.lay.cells[slot])
	k := 0
	for k < len(w.room) && int(w.room[k].slot) != slot {
		k++
	}
	switch {
	case v == cell && k < len(w.room): // set again, to its cell's text
		w.room = append(w.room[:k], w.room[k+1:]...)
	case v == cell:
	case k < len(w.room):
		w.room[k].v = v
	default:
		if len(w.room) == cap(w.room) { // a new shared array, this row's part moved to it
			room := make([]propOver, len(w.room), max(4096, 2*len(w.room)))
			copy(room, w.room)
			w.room = room
		}
		w.room = append(w.room, propOver{int32(slot), v})
	}
	if !w.set[slot] {
		w.set[slot] = true
		w.nset++
	}
}

// props returns the row's properties: its cells and the values that are
// not their cells' text when it set every place of the layout, else the
// places set and the others, in new slices.
func (w *propWriter) props() Props {
	var p Props
	row := Props{lay: w.lay, row: w.row}
	if len(w.room) > 0 {
		row.over = w.room[:len(w.room):len(w.room)]
	}
	if w.nset == len(w.lay.names) {
		p = row
	} else if w.nset > 0 {
		names, vals := make([]string, 0, w.nset), make([]string, 0, w.nset)
		for i, ok := range w.set {
			if ok {
				names, vals = append(names, w.lay.names[i]), append(vals, row.value(i))
			}
		}
		p = ownProps(names, vals)
		w.room = w.room[:0] // copied: the room is the next row's
	}
	for i := range w.extra.Len() {
		p = p.With(w.extra.At(i))
	}
	return p
}
