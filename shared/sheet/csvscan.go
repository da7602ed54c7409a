package sheet

import (
	"bytes"
	"unsafe"
)

// csvScanner reads records as encoding/csv does with LazyQuotes (the reader
// it replaced, kept in the tests as its oracle), from a text in memory. A
// field is a piece of the text itself when it can be (no doubled quote, no
// CRLF folded inside it), not a copy: encoding/csv copied every record into
// a new string, 17 MB for a 20 MB file, and cost a third of reading it.
//
// Its rules, encoding/csv's: lines end at \n, a \r before it is dropped (and
// a \r ending the text); empty lines are skipped; a quote opens a quoted
// field only as its first byte; inside one, "" is a quote, a quote before
// the delimiter or the line's end closes it, and any other quote is kept
// as a character; a quoted field goes on over line ends until it closes or
// the text ends.
type csvScanner struct {
	text  []byte // never written: fields point into it
	delim byte
	pos   int // the next line's first byte
	line  int // lines read

	// maxFields stops a record at that many fields and one more (tooMany):
	// a line of commas is millions of fields. 0 is no limit.
	maxFields int
	tooMany   bool
	open      bool // the text ended inside a quoted field

	fields []string // the record, reused
	buf    []byte   // a quoted field being unescaped, reused
	// The record's first line and the line its last field starts on
	// (encoding/csv's FieldPos), to number rows as a spreadsheet does;
	// its first byte.
	first, lastField, start int
}

// nextLine reads a line: its content is text[from:to], without its line
// end; nl reports whether it had one. ok is false at the end of the text.
func (s *csvScanner) nextLine() (from, to int, nl, ok bool) {
	if s.pos >= len(s.text) {
		return 0, 0, false, false
	}
	from = s.pos
	s.line++
	i := bytes.IndexByte(s.text[from:], '\n')
	if i < 0 {
		to = len(s.text)
		s.pos = to
	} else {
		to = from + i
		s.pos = to + 1
		nl = true
	}
	if to > from && s.text[to-1] == '\r' {
		to--
	}
	return from, to, nl, true
}

// piece is text[from:to] as a string sharing the text's bytes.
func (s *csvScanner) piece(from, to int) string {
	if to <= from {
		return ""
	}
	return unsafe.String(&s.text[from], to-from)
}

// record reads the next record; ok is false at the end of the text. The
// fields are valid until the next call (the slice is reused; the strings
// are not).
func (s *csvScanner) record() (fields []string, ok bool) {
	var from, to int
	var nl bool
	for {
		if from, to, nl, ok = s.nextLine(); !ok {
			return nil, false
		}
		if from < to {
			break
		}
	}
	s.fields = s.fields[:0]
	s.first, s.start = s.line, from
	cur := from
	for {
		if s.maxFields > 0 && len(s.fields) >= s.maxFields+1 {
			s.tooMany = true
			return s.fields, true
		}
		s.lastField = s.line
		if cur >= to || s.text[cur] != '"' {
			if i := bytes.IndexByte(s.text[cur:to], s.delim); i >= 0 {
				s.fields = append(s.fields, s.piece(cur, cur+i))
				cur += i + 1
				continue
			}
			s.fields = append(s.fields, s.piece(cur, to))
			return s.fields, true
		}
		// A quoted field. While contig holds, buf is the text from start
		// on: the field is then a piece of the text, not a copy.
		cur++
		start, contig := cur, true
		s.buf = s.buf[:0]
		next := false // the field ended at a delimiter: another follows
	quoted:
		for {
			if i := bytes.IndexByte(s.text[cur:to], '"'); i >= 0 {
				q := cur + i
				s.buf = append(s.buf, s.text[cur:q]...)
				cur = q + 1
				switch {
				case cur < to && s.text[cur] == '"': // "" is a quote
					s.buf = append(s.buf, '"')
					cur++
					contig = false
				case cur < to && s.text[cur] == s.delim:
					cur++
					next = true
					break quoted
				case cur >= to: // closed at the line's end
					break quoted
				default: // a bare quote is kept
					s.buf = append(s.buf, '"')
				}
				continue
			}
			if cur == to && !nl { // the text ends inside the field
				s.open = true
				break
			}
			s.buf = append(s.buf, s.text[cur:to]...)
			if nl {
				s.buf = append(s.buf, '\n')
				if to != s.pos-1 { // the line ended in \r\n, read as \n
					contig = false
				}
			}
			if from, to, nl, ok = s.nextLine(); !ok {
				s.open = true
				break
			}
			cur = from
		}
		if contig {
			s.fields = append(s.fields, s.piece(start, start+len(s.buf)))
		} else {
			s.fields = append(s.fields, string(s.buf))
		}
		if !next {
			return s.fields, true
		}
	}
}
