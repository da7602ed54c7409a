package sheet

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// tokKind is a token of the minimal XML scanner used for the large parts
// (worksheets, shared strings): a hand loop over the inflated bytes is what
// makes reading 100,000 rows fast in the browser, where encoding/xml's
// allocations dominate.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

type scanner struct {
	b    []byte
	i    int
	err  error
	src  io.Reader // when set, b is a window refilled from src
	eof  bool
	done int64  // bytes dropped from the window's front, for progress
	name []byte // local name of the last tag
	attr []byte // raw attributes of the last start tag
	self bool   // the last start tag closed itself
	text []byte // raw text (entities not decoded) of the last text token
	cdat bool   // text came from CDATA
}

// fill moves the unread bytes to the window's front and reads more,
// growing the window when one token is larger than it.
func (s *scanner) fill() bool {
	if s.src == nil || s.eof || s.err != nil {
		return false
	}
	rest := copy(s.b[:cap(s.b)], s.b[s.i:])
	s.done += int64(s.i)
	s.i = 0
	buf := s.b[:cap(s.b)]
	if rest == len(buf) {
		if len(buf) >= maxToken {
			s.err = errHugeToken
			return false
		}
		buf = append(buf, make([]byte, len(buf))...)
		buf = buf[:cap(buf)]
	}
	// Fill the window, not just a few bytes: each refill rescans the
	// unfinished token, so small reads would make a long token quadratic
	// (measured: 52 s for a sheet of 300 MB of spaces).
	n, err := io.ReadFull(s.src, buf[rest:])
	s.b = buf[:rest+n]
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		s.eof = true
	} else if err != nil {
		s.err = err
		return false
	}
	return n > 0
}

func (s *scanner) next() tokKind {
	for {
		k, more := s.try()
		if !more {
			return k
		}
		if !s.fill() {
			s.eof = true // no more input: read what is left as it is
		}
	}
}

// final reports whether the window holds the rest of the input.
func (s *scanner) final() bool { return s.src == nil || s.eof || s.err != nil }

func (s *scanner) try() (tokKind, bool) {
	b := s.b
	if s.i >= len(b) {
		if !s.final() {
			return 0, true
		}
		return tokEOF, false
	}
	if b[s.i] != '<' {
		j := bytes.IndexByte(b[s.i:], '<')
		if j < 0 {
			if !s.final() {
				// Hand out the text so far (callers append text tokens),
				// keeping back a character reference cut in two.
				j = len(b) - s.i
				if k := bytes.LastIndexByte(b[s.i:], '&'); k >= 0 && bytes.IndexByte(b[s.i+k:], ';') < 0 && j-k < 16 {
					j = k
				}
				if j == 0 {
					return 0, true
				}
			} else {
				j = len(b) - s.i
			}
		}
		s.text, s.cdat = b[s.i:s.i+j], false
		s.i += j
		return tokText, false
	}
	if s.i+1 >= len(b) {
		if !s.final() {
			return 0, true
		}
		s.err = errTruncated
		return tokEOF, false
	}
	switch b[s.i+1] {
	case '/':
		j := bytes.IndexByte(b[s.i:], '>')
		if j < 0 {
			if !s.final() {
				return 0, true
			}
			s.err = errTruncated
			return tokEOF, false
		}
		s.name = local(bytes.TrimSpace(b[s.i+2 : s.i+j]))
		s.i += j + 1
		return tokEnd, false
	case '?':
		j := bytes.Index(b[s.i:], []byte("?>"))
		if j < 0 {
			if !s.final() {
				return 0, true
			}
			s.err = errTruncated
			return tokEOF, false
		}
		s.i += j + 2
		return s.try()
	case '!':
		if bytes.HasPrefix(b[s.i:], []byte("<![CDATA[")) {
			j := bytes.Index(b[s.i:], []byte("]]>"))
			if j < 0 {
				if !s.final() {
					return 0, true
				}
				s.err = errTruncated
				return tokEOF, false
			}
			s.text, s.cdat = b[s.i+9:s.i+j], true
			s.i += j + 3
			return tokText, false
		}
		if bytes.HasPrefix(b[s.i:], []byte("<!--")) {
			j := bytes.Index(b[s.i:], []byte("-->"))
			if j < 0 {
				if !s.final() {
					return 0, true
				}
				s.err = errTruncated
				return tokEOF, false
			}
			s.i += j + 3
			return s.try()
		}
		if len(b)-s.i < 9 && !s.final() {
			return 0, true
		}
		s.err = errDoctype
		return tokEOF, false
	}
	// A start tag: find its end outside quoted attribute values.
	j := s.i + 1
	q := byte(0)
	for ; j < len(b); j++ {
		c := b[j]
		if q != 0 {
			if c == q {
				q = 0
			}
			continue
		}
		if c == '"' || c == '\'' {
			q = c
		} else if c == '>' {
			break
		}
	}
	if j >= len(b) {
		if !s.final() {
			return 0, true
		}
		s.err = errTruncated
		return tokEOF, false
	}
	tag := b[s.i+1 : j]
	s.self = len(tag) > 0 && tag[len(tag)-1] == '/'
	if s.self {
		tag = tag[:len(tag)-1]
	}
	k := 0
	for k < len(tag) && tag[k] != ' ' && tag[k] != '\t' && tag[k] != '\n' && tag[k] != '\r' {
		k++
	}
	s.name, s.attr = local(tag[:k]), tag[k:]
	s.i = j + 1
	return tokStart, false
}

var (
	errTruncated = &xmlError{"the XML ends in the middle of a tag"}
	errHugeToken = &xmlError{"a tag or text run larger than 16 MiB, which no spreadsheet writes"}
)

// maxToken caps the window: one tag or CDATA section may not be larger.
const maxToken = 16 << 20

// local drops a namespace prefix: "x:row" → "row".
func local(n []byte) []byte {
	if i := bytes.IndexByte(n, ':'); i >= 0 {
		return n[i+1:]
	}
	return n
}

// attrValue returns the raw value of attribute name (unprefixed match).
func attrValue(attrs []byte, name string) []byte {
	for i := 0; i < len(attrs); {
		for i < len(attrs) && (attrs[i] == ' ' || attrs[i] == '\t' || attrs[i] == '\n' || attrs[i] == '\r') {
			i++
		}
		start := i
		for i < len(attrs) && attrs[i] != '=' && attrs[i] != ' ' {
			i++
		}
		key := attrs[start:i]
		for i < len(attrs) && attrs[i] != '"' && attrs[i] != '\'' {
			i++
		}
		if i >= len(attrs) {
			return nil
		}
		q := attrs[i]
		i++
		vs := i
		for i < len(attrs) && attrs[i] != q {
			i++
		}
		val := attrs[vs:min(i, len(attrs))]
		i++
		if string(local(key)) == name && (len(key) == len(name) || !bytes.HasPrefix(key, []byte("xmlns"))) {
			return val
		}
	}
	return nil
}

// unescape decodes the five XML entities and character references.
func unescape(b []byte) ([]byte, error) {
	if bytes.IndexByte(b, '&') < 0 {
		return b, nil
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '&' {
			out = append(out, b[i])
			continue
		}
		j := bytes.IndexByte(b[i:], ';')
		if j < 0 || j > 12 {
			return nil, &xmlError{"a malformed character entity"}
		}
		ent := string(b[i+1 : i+j])
		switch ent {
		case "amp":
			out = append(out, '&')
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return nil, &xmlError{"an unknown entity &" + ent + ";"}
			}
			var n uint64
			var err error
			if ent[1] == 'x' || ent[1] == 'X' {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				return nil, &xmlError{"a bad character reference &" + ent + ";"}
			}
			out = utf8.AppendRune(out, rune(n))
		}
		i += j
	}
	return out, nil
}

// decodeOOXMLEscapes turns Excel's _xHHHH_ escapes (control characters in
// strings) back into characters.
func decodeOOXMLEscapes(s string) string {
	if len(s) < 7 || !strings.Contains(s, "_x") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if i+6 < len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b = utf8.AppendRune(b, rune(n))
				i += 6
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

// arena makes a row's cells' strings out of one reused block: a string
// per cell was an allocation per cell, which the browser's wasm pays
// dearly for. The strings live until reset (the row is copied out by
// then), when the block's bytes are written again.
type arena struct{ buf []byte }

// reset makes the block's room free again.
func (a *arena) reset() { a.buf = a.buf[:0] }

func (a *arena) string(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case len(b) > 1024:
		return string(b)
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, 64<<10)
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[start], len(b))
}

// cellSlab hands out rows' cell offsets, kinds and texts from shared
// arrays: one allocation per 16k cells (or 64 KiB of text) instead of
// one per row.
type cellSlab struct {
	offs  []uint32
	kinds []Kind
	text  []byte
}

func (s *cellSlab) takeOffs(n int) []uint32 { return carve(&s.offs, n) }

func (s *cellSlab) takeKinds(n int) []Kind { return carve(&s.kinds, n) }

// carve cuts n elements off the front of *buf, refilled 16k at a time.
func carve[T any](buf *[]T, n int) []T {
	if len(*buf) < n {
		*buf = make([]T, max(n, 16<<10))
	}
	c := (*buf)[:n:n]
	*buf = (*buf)[n:]
	return c
}

// row copies cells out as a row: their texts one after another in a
// shared block (the cells' own strings may be reused after), and their
// kinds (nil when every cell is text or empty).
func (s *cellSlab) row(num int, cells []Cell) Row {
	n := 0
	plain := true
	for _, c := range cells {
		n += len(c.Value)
		plain = plain && (c.Kind == KindText || c.Kind == KindEmpty)
	}
	if cap(s.text)-len(s.text) < n {
		s.text = make([]byte, 0, max(n, 64<<10))
	}
	start := len(s.text)
	r := Row{Num: num, offs: s.takeOffs(len(cells))}
	for i, c := range cells {
		s.text = append(s.text, c.Value...)
		r.offs[i] = uint32(len(s.text) - start)
	}
	if n > 0 {
		r.text = unsafe.String(&s.text[start], n)
	}
	if !plain {
		r.Kinds = s.takeKinds(len(cells))
		for i, c := range cells {
			r.Kinds[i] = c.Kind
		}
	}
	return r
}

// textRow makes a row of cells that are pieces of text (a csv part's
// text: no copy), or copies them when one is not (a field with a doubled
// quote, read into a string of its own).
func (s *cellSlab) textRow(num int, text string, cells []string) Row {
	base := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	offs := s.takeOffs(2 * len(cells))
	for i, c := range cells {
		if c == "" {
			offs[2*i], offs[2*i+1] = 0, 0
			continue
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(c)))
		if p < base || p+uintptr(len(c)) > base+uintptr(len(text)) {
			return NewRow(num, cells, nil)
		}
		offs[2*i], offs[2*i+1] = uint32(p-base), uint32(p-base)+uint32(len(c))
	}
	return Row{Num: num, text: text, offs: offs, pairs: true}
}

// fastCells turns on scanner.cell (tests compare reading with and without).
var fastCells = true

// plainCell is a cell element read by scanner.cell: its r, s and t
// attributes and its raw text (entities not decoded).
type plainCell struct {
	r, s, t, text []byte
	inline, self  bool
}

// cell reads, when the window holds all of it, a cell element in one of the
// forms nearly every writer uses: <c …/>, <c …></c>, <c …><v>…</v></c> or
// <c …><is><t>…</t></is></c>. Anything else (a formula, rich text, a
// prefixed name, CDATA) is left to the token loop (ok false, nothing read).
func (s *scanner) cell() (c plainCell, ok bool) {
	b, i := s.b, s.i
	if i+3 > len(b) || b[i] != '<' || b[i+1] != 'c' {
		return c, false
	}
	i += 2
	if x := b[i]; x != ' ' && x != '>' && x != '/' && x != '\t' && x != '\n' && x != '\r' {
		return c, false // <col…>, <cfRule…>
	}
	for {
		if i >= len(b) {
			return c, false
		}
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		case '>':
			i++
		case '/':
			if i+1 < len(b) && b[i+1] == '>' {
				c.self = true
				s.i = i + 2
				return c, true
			}
			return c, false
		default:
			ns := i
			for i < len(b) && isNameByte(b[i]) {
				i++
			}
			if i+1 >= len(b) || b[i] != '=' || (b[i+1] != '"' && b[i+1] != '\'') {
				return c, false
			}
			name, q := b[ns:i], b[i+1]
			i += 2
			j := bytes.IndexByte(b[i:], q)
			if j < 0 {
				return c, false
			}
			switch val := b[i : i+j]; { // the first of a repeated name counts, as in attrValue
			case string(name) == "r" && c.r == nil:
				c.r = val
			case string(name) == "s" && c.s == nil:
				c.s = val
			case string(name) == "t" && c.t == nil:
				c.t = val
			}
			i += j + 1
			continue
		}
		break
	}
	rest := b[i:]
	switch {
	case bytes.HasPrefix(rest, []byte("</c>")):
		s.i = i + 4
		return c, true
	case bytes.HasPrefix(rest, []byte("<v>")):
		i += 3
	case bytes.HasPrefix(rest, []byte("<is><t>")):
		i += 7
		c.inline = true
	case bytes.HasPrefix(rest, []byte(`<is><t xml:space="preserve">`)):
		i += 28
		c.inline = true
	default:
		return c, false
	}
	j := bytes.IndexByte(b[i:], '<')
	if j < 0 {
		return c, false
	}
	c.text, i = b[i:i+j], i+j
	end := []byte("</v></c>")
	if c.inline {
		end = []byte("</t></is></c>")
	}
	if !bytes.HasPrefix(b[i:], end) {
		return c, false
	}
	s.i = i + len(end)
	return c, true
}

// isNameByte: what cell's attribute names are made of (a prefix's colon or
// anything stranger sends the cell to the token loop).
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// scanWindow is the worksheet scanner's starting window; tests shrink it so
// every token boundary meets a refill.
var scanWindow = 1 << 20
