// Package tablewire holds the tables of an import as they travel between
// the reader worker, the page and the server: JSON for the server's API,
// and a compact text form (Encode, Decode) for the worker's answer to the
// page. Decoding 100,000 rows from JSON took 2.8 s in wasm on the page's
// thread; the compact form takes a tenth of that. No dependencies, so the
// page's wasm carries only this.
package tablewire

import (
	"errors"
	"strconv"
	"strings"
	"unsafe"

	"casegate/shared/model"
)

// Table is one sheet of an import.
type Table struct {
	File     string   `json:"file"`
	Sheet    string   `json:"sheet"`
	CaseType string   `json:"case_type"`
	Date1904 bool     `json:"date_1904,omitempty"`
	Header   []string `json:"header"`
	Rows     []Row    `json:"rows"`
}

// Row is one spreadsheet row: its number, its cell texts and their kinds
// (sheet.Kind; omitted when every cell is text).
type Row struct {
	Num   int      `json:"n"`
	Cells []string `json:"c"`
	Kinds []uint8  `json:"k,omitempty"`
}

// magic starts the compact form (and tells it from JSON).
const magic = "tw1\n"

// Encode writes tables in the compact form: every string length-prefixed
// ("5:hello"), every number followed by a comma, so any cell text survives.
func Encode(ts []Table) string {
	s, _ := EncodeIndexed(ts)
	return s
}

// Index tells where each row of an encoded form is, so a reader can decode
// only the rows it shows (DecodeRow): the page keeps the worker's bytes and
// draws ~30 rows, instead of decoding 100,000 (2 M strings in its heap).
type Index struct {
	Heads  []Table `json:"heads"` // the tables without their rows
	Counts []int   `json:"counts"`
	Nums   []int32 `json:"-"` // every row's number, table after table
	Starts []int32 `json:"-"` // where each row starts, table after table; then the end of the form
}

// EncodeIndexed is Encode, with where its rows are.
func EncodeIndexed(ts []Table) (string, Index) {
	n, rows := 0, 0
	for _, t := range ts {
		rows += len(t.Rows)
		for _, r := range t.Rows {
			n += 8 + 4*len(r.Cells) + len(r.Kinds)
			for _, c := range r.Cells {
				n += len(c)
			}
		}
	}
	w := NewWriter(len(ts), rows, n)
	for _, t := range ts {
		w.Table(t, len(t.Rows))
		for _, r := range t.Rows {
			w.Row(r.Num, r.Cells, r.Kinds)
		}
	}
	b, ix := w.Done()
	return string(b), ix
}

// Writer writes the compact form table by table and row by row, so a
// caller with tables of another shape (the worker's engine tables) need not
// build []Table first (at 100,000 rows that was 2 M strings more).
type Writer struct {
	b  []byte
	ix Index
	// With flush, what is written goes out a chunk at a time, whole rows
	// (or verdicts) each: the worker hands them to JavaScript instead of
	// holding tens of MB it never needs again (wasm memory never shrinks).
	flush   func([]byte)
	chunk   int
	flushed int // bytes flushed before b
	// Verdicts: what each field of the previous verdict and issue held,
	// and the previous issue's candidates (ref).
	prev      [refSlots]string
	prevCands []model.Candidate
	// A sizer (NewSizer) writes nothing and counts what it would write.
	sizing bool
	size   int
}

// NewWriter starts the form for tables tables of rows rows in all, about
// size bytes.
func NewWriter(tables, rows, size int) *Writer {
	w := &Writer{b: make([]byte, 0, len(magic)+size+64*tables), ix: Index{Nums: make([]int32, 0, rows), Starts: make([]int32, 0, rows+1)}}
	w.b = append(w.b, magic...)
	w.num(tables)
	return w
}

// NewStreamWriter is NewWriter handing the form to flush in chunks of
// about chunk bytes: each chunk ends at a row's end, so one holds whole
// texts (valid UTF-8 when the texts are). Done flushes the rest.
func NewStreamWriter(tables, rows, chunk int, flush func([]byte)) *Writer {
	w := newChunked(chunk, flush)
	w.ix = Index{Nums: make([]int32, 0, rows), Starts: make([]int32, 0, rows+1)}
	w.b = append(w.b, magic...)
	w.num(tables)
	return w
}

// NewSizer is a Writer that writes nothing, only counts the bytes the
// same calls would write (Size): the worker makes the one buffer its
// answer goes into at its exact size, instead of joining chunks (a second
// copy of tens of MB).
func NewSizer(tables int) *Writer {
	w := &Writer{sizing: true, size: len(magic)}
	w.num(tables)
	return w
}

// Size is how many bytes a sizer's calls would have written.
func (w *Writer) Size() int { return w.size }

// newChunked is a Writer handing what it writes to flush about chunk
// bytes at a time (cut).
func newChunked(chunk int, flush func([]byte)) *Writer {
	return &Writer{b: make([]byte, 0, chunk+chunk/4), flush: flush, chunk: chunk}
}

// cut flushes what is written once it fills a chunk.
func (w *Writer) cut() {
	if w.flush != nil && len(w.b) >= w.chunk {
		w.flush(w.b)
		w.flushed += len(w.b)
		w.b = w.b[:0]
	}
}

// Table starts a table (head's rows are not written) of rows rows.
func (w *Writer) Table(head Table, rows int) {
	head.Rows = nil
	w.ix.Heads, w.ix.Counts = append(w.ix.Heads, head), append(w.ix.Counts, rows)
	w.str(head.File)
	w.str(head.Sheet)
	w.str(head.CaseType)
	if head.Date1904 {
		w.num(1)
	} else {
		w.num(0)
	}
	w.num(len(head.Header))
	for _, h := range head.Header {
		w.str(h)
	}
	w.num(rows)
}

// Row writes a row of the current table.
func (w *Writer) Row(num int, cells []string, kinds []uint8) {
	if !w.sizing {
		w.cut()
		w.ix.Nums, w.ix.Starts = append(w.ix.Nums, int32(num)), append(w.ix.Starts, int32(w.flushed+len(w.b)))
	}
	w.num(num)
	w.num(len(cells))
	for _, c := range cells {
		w.str(c)
	}
	w.str(unsafe.String(unsafe.SliceData(kinds), len(kinds))) // written as a text: "3:" and the kinds' bytes
}

// Done returns the form (nil when flushed) and its index.
func (w *Writer) Done() ([]byte, Index) {
	w.ix.Starts = append(w.ix.Starts, int32(w.flushed+len(w.b)))
	if w.flush != nil {
		w.flush(w.b)
		return nil, w.ix
	}
	return w.b, w.ix
}

func (w *Writer) num(v int) {
	if w.sizing {
		w.size += decimalLen(v) + 1
		return
	}
	w.b = append(appendDecimal(w.b, v), ',')
}

func (w *Writer) str(s string) {
	if w.sizing {
		w.size += decimalLen(len(s)) + 1 + len(s)
		return
	}
	switch n := len(s); { // appendDecimal, written out: 2 M cells in a 100k-row table
	case n < 10:
		w.b = append(w.b, byte('0'+n), ':')
	case n < 100:
		w.b = append(w.b, byte('0'+n/10), byte('0'+n%10), ':')
	default:
		w.b = append(strconv.AppendInt(w.b, int64(n), 10), ':')
	}
	w.b = append(w.b, s...)
}

// appendDecimal is strconv.AppendInt(b, v, 10), quicker for the numbers
// below 100 most of the form's are (cell counts; str has its own copy for
// cell lengths, as a call per cell cost more than it saved).
func appendDecimal(b []byte, v int) []byte {
	switch {
	case uint(v) < 10:
		return append(b, byte('0'+v))
	case uint(v) < 100:
		return append(b, byte('0'+v/10), byte('0'+v%10))
	}
	return strconv.AppendInt(b, int64(v), 10)
}

// decimalLen is how many bytes strconv writes v in.
func decimalLen(v int) int {
	n := 1
	if v < 0 {
		n, v = 2, -v
	}
	for ; v >= 10; v /= 10 {
		n++
	}
	return n
}

// DecodeRow reads the row at the front of s (from one of Index.Starts to
// the next, which may hold the next table's head after it). Cell texts are
// slices of s.
func DecodeRow(s string) (Row, error) {
	d := decoder{s: s}
	var cells []string
	r := decodeRow(&d, &cells, 0)
	return r, d.err
}

// decodeRow reads a row, its cells taken from the front of *cells, which
// is refilled chunk cells at a time when short (rows of a table share
// arrays: one allocation, not one a row; 0: just the row's).
func decodeRow(d *decoder, cells *[]string, chunk int) Row {
	var r Row
	r.Num = d.num()
	nc := d.count(1 << 16)
	if d.err != nil {
		return r
	}
	if len(*cells) < nc {
		*cells = make([]string, max(nc, chunk))
	}
	r.Cells, *cells = (*cells)[:nc:nc], (*cells)[nc:]
	for k := range r.Cells {
		r.Cells[k] = d.str()
	}
	if k := d.str(); k != "" {
		r.Kinds = []uint8(k)
	}
	return r
}

var errBad = errors.New("the tables are not in the compact form (cut short or damaged)")

// Decode reads the compact form. Cell texts are slices of s.
func Decode(s string) ([]Table, error) {
	if !strings.HasPrefix(s, magic) {
		return nil, errBad
	}
	d := decoder{s: s, i: len(magic)}
	ts := make([]Table, d.count(1<<20))
	for i := range ts {
		t := &ts[i]
		t.File, t.Sheet, t.CaseType = d.str(), d.str(), d.str()
		switch d.num() {
		case 0:
		case 1:
			t.Date1904 = true
		default:
			d.err = errBad
		}
		t.Header = make([]string, d.count(1<<16))
		for j := range t.Header {
			t.Header[j] = d.str()
		}
		t.Rows = make([]Row, d.count(1<<24))
		// The cells of all rows in one array: one allocation, not one a row.
		var cells []string
		for j := range t.Rows {
			t.Rows[j] = decodeRow(&d, &cells, 64*1024)
			if d.err != nil {
				return nil, d.err
			}
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	if d.err == nil && d.i != len(s) {
		d.err = errBad
	}
	if d.err != nil {
		return nil, d.err
	}
	return ts, nil
}

type decoder struct {
	s   string
	i   int
	err error
}

// upto reads a decimal number ended by end.
func (d *decoder) upto(end byte) int {
	if d.err != nil {
		return 0
	}
	n, start := 0, d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		n = n*10 + int(d.s[d.i]-'0')
		d.i++
		if d.i-start > 18 {
			d.err = errBad
			return 0
		}
	}
	// One form per number: no leading zeros.
	if d.i == start || d.i >= len(d.s) || d.s[d.i] != end || d.s[start] == '0' && d.i-start > 1 {
		d.err = errBad
		return 0
	}
	d.i++
	return n
}

func (d *decoder) num() int { return d.upto(',') }

// count reads a length, refusing one over limit (damage, not data).
func (d *decoder) count(limit int) int {
	n := d.num()
	if n > limit {
		d.err = errBad
		return 0
	}
	return n
}

func (d *decoder) str() string {
	off, n := d.strAt()
	return d.s[off : off+n]
}

// strAt reads a text and returns where it is in s.
func (d *decoder) strAt() (off, n int) {
	n = d.upto(':')
	if d.err != nil {
		return d.i, 0
	}
	if n > len(d.s)-d.i {
		d.err = errBad
		return d.i, 0
	}
	off = d.i
	d.i += n
	return off, n
}
