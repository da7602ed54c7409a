package sheet

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"casegate/shared/model"
)

func csvSheetName(name string) string {
	return strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
}

// decode turns the file into UTF-8: a BOM decides, else valid UTF-8 is
// UTF-8, else it is Windows-1252 (what Excel's "CSV" writes in Western
// locales). Options.Encoding overrides.
func decode(name string, data []byte, enc string) ([]byte, string, error) {
	if cm, used := singleByteFor(enc); cm != nil {
		return decodeSingle(cm, data), used, nil
	}
	var dec *encoding.Decoder
	used := enc
	switch strings.ToLower(enc) {
	case "":
		switch {
		case bytes.HasPrefix(data, bomUTF8):
			return data[3:], "utf-8-bom", nil
		case bytes.HasPrefix(data, bomUTF16LE):
			dec, used = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), "utf-16le"
		case bytes.HasPrefix(data, bomUTF16BE):
			dec, used = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder(), "utf-16be"
		case utf8.Valid(data):
			return data, "utf-8", nil
		default:
			cm, used := notUTF8()
			return decodeSingle(cm, data), used, nil
		}
	case "utf-8", "utf8":
		data = bytes.TrimPrefix(data, bomUTF8)
		if !utf8.Valid(data) {
			return nil, "", model.Errorf(model.EInvalid, "%s is not valid UTF-8; choose another encoding (windows-1252 is usual for files from Excel).", name)
		}
		return data, "utf-8", nil
	case "utf-16le":
		dec = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case "utf-16be":
		dec = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	default:
		return nil, "", model.Errorf(model.EInvalid, "Unknown encoding %q: use utf-8, windows-1252, utf-16le, utf-16be or macintosh.", enc)
	}
	out, err := dec.Bytes(data)
	if err != nil {
		return nil, "", model.Errorf(model.EInvalid, "%s cannot be read as %s: %v.", name, used, err)
	}
	return out, used, nil
}

// The byte order marks a text may start with.
var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

func hasBOM(b []byte) bool {
	return bytes.HasPrefix(b, bomUTF8) || bytes.HasPrefix(b, bomUTF16LE) || bytes.HasPrefix(b, bomUTF16BE)
}

// notUTF8 is the encoding a text without a byte order mark that is not
// UTF-8 is read in: what Excel's "CSV" writes in Western locales.
func notUTF8() (*charmap.Charmap, string) { return charmap.Windows1252, "windows-1252" }

// singleByteFor names the encoding of a byte per character enc is, if it
// is one (Windows-1252 and its aliases, Mac Roman).
func singleByteFor(enc string) (*charmap.Charmap, string) {
	switch strings.ToLower(enc) {
	case "windows-1252", "cp1252", "latin1", "iso-8859-1":
		return charmap.Windows1252, "windows-1252"
	case "macintosh", "mac-roman":
		return charmap.Macintosh, "macintosh"
	}
	return nil, ""
}

// byteTable is a single-byte encoding's bytes as UTF-8.
type byteTable struct {
	enc  [256][4]byte
	size [256]uint8
}

func tableOf(cm *charmap.Charmap) *byteTable {
	t := &byteTable{}
	for b := range 256 {
		t.size[b] = uint8(utf8.EncodeRune(t.enc[b][:], cm.DecodeByte(byte(b))))
	}
	return t
}

// decodedSize is the size of data decoded.
func (t *byteTable) decodedSize(data []byte) int {
	n := 0
	for _, b := range data {
		n += int(t.size[b])
	}
	return n
}

// decodeTail decodes the last raw bytes of buf into the whole of buf, which
// is their decoded size: a byte's UTF-8 never reaches a byte not yet read.
func (t *byteTable) decodeTail(buf []byte, raw int) {
	w := 0
	for j := len(buf) - raw; j < len(buf); j++ {
		b := buf[j]
		if b < 0x80 {
			buf[w] = b
			w++
			continue
		}
		w += copy(buf[w:], t.enc[b][:t.size[b]])
	}
}

// decodeSingle decodes a single-byte encoding into UTF-8 of exactly the
// size needed: the decoder's growing buffer made ~2× the text in garbage
// (40 MB for a 19 MB file), which the browser's worker keeps till it ends.
func decodeSingle(cm *charmap.Charmap, data []byte) []byte {
	t := tableOf(cm)
	n := t.decodedSize(data)
	out := make([]byte, n)
	copy(out[n-len(data):], data)
	t.decodeTail(out, len(data))
	return out
}

// sniff picks the delimiter that splits the first lines most consistently.
func sniff(data []byte) rune {
	best, bestScore := ',', -1
	for _, d := range []byte{',', ';', '\t'} {
		counts := map[int]int{}
		lines, quoted, n := 0, false, 0
		for i := 0; i < len(data) && lines < 20; i++ {
			switch c := data[i]; {
			case c == '"':
				quoted = !quoted
			case c == d && !quoted:
				n++
			case c == '\n' && !quoted:
				counts[n]++
				lines++
				n = 0
			}
		}
		if n > 0 {
			counts[n]++
			lines++
		}
		// The score: lines sharing the most common non-zero count.
		score := 0
		for k, v := range counts {
			if k > 0 && v > score {
				score = v
			}
		}
		if score > bestScore {
			best, bestScore = rune(d), score
		}
	}
	return best
}

// checkRecords walks the records one byte at a time and says which limit
// a record goes over, as the scanner's limits are refused: the scanner
// notices a record over a limit, this walk words it (the row, and which
// limit the record crossed first). Its quote rules are encoding/csv's with
// LazyQuotes, as the scanner's: a quote opens a quoted field only at the
// field's start, and inside one a quote not followed by a quote, the
// delimiter or the line end is kept as a character. (Toggling on every
// quote instead would read `12" pipe` as an open quote and count the rest
// of the file as one record.) Rows are numbered as a spreadsheet shows
// them: blank lines count.
func checkRecords(name string, data []byte, delim byte, lim Limits) error {
	const (
		fieldStart = iota
		unquoted
		quoted
		quoteSeen // a quote inside a quoted field: closes it, or is escaped
	)
	state := fieldStart
	start, fields, rec := 0, 1, 1
	tooLong := func() error {
		return model.Errorf(model.ETooLarge, "%s: row %s is longer than %s; the limit is %s per row (an unclosed quote can cause this).",
			name, thousands(rec), size(int64(lim.MaxRecordBytes)), size(int64(lim.MaxRecordBytes)))
	}
	for i := 0; i < len(data); i++ {
		// Fastest path: a record on one line with no quote, within both
		// limits, is read whole (three vector scans, not a byte at a time).
		// Anything else, or a record over a limit (so its error is the
		// walk's), takes the walk below.
		if state == fieldStart && i == start {
			end := len(data)
			if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
				end = i + j
			}
			if line := data[i:end]; end-start < lim.MaxRecordBytes && bytes.IndexByte(line, '"') < 0 &&
				(len(line) < lim.MaxCols || bytes.Count(line, []byte{delim}) < lim.MaxCols) {
				if end == len(data) {
					break
				}
				i = end
				start = i + 1
				rec++
				continue
			}
		}
		// Fast paths: the bytes inside a field that change nothing are
		// skipped in bulk (the length check below sees where they end).
		switch state {
		case unquoted:
			for i < len(data) && data[i] != delim && data[i] != '\n' {
				i++
			}
		case quoted:
			if j := bytes.IndexByte(data[i:], '"'); j < 0 {
				i = len(data)
			} else {
				i += j
			}
		}
		// Past the limit inside the bytes skipped: the byte-by-byte walk
		// would have stopped there, before what the next byte does (a
		// column too many, say), so this is the error to report.
		if i-start > lim.MaxRecordBytes {
			return tooLong()
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		endRecord := false
		switch state {
		case fieldStart, unquoted:
			switch {
			case c == '"' && state == fieldStart:
				state = quoted
			case c == delim:
				state = fieldStart
				fields++
			case c == '\n':
				endRecord = true
			default:
				state = unquoted
			}
		case quoted:
			if c == '"' {
				state = quoteSeen
			}
		case quoteSeen:
			switch {
			case c == '"':
				state = quoted
			case c == delim:
				state = fieldStart
				fields++
			case c == '\n':
				endRecord = true
			case c == '\r' && i+1 < len(data) && data[i+1] == '\n':
				i++
				endRecord = true
			default:
				state = quoted
			}
		}
		if fields > lim.MaxCols {
			return model.Errorf(model.ETooLarge, "%s: row %s has more than %d columns; the limit is %d.", name, thousands(rec), lim.MaxCols, lim.MaxCols)
		}
		if endRecord {
			if i-start >= lim.MaxRecordBytes {
				return tooLong()
			}
			state, start, fields = fieldStart, i+1, 1
			rec++
			continue
		}
		if i-start >= lim.MaxRecordBytes {
			return tooLong()
		}
	}
	return nil
}

// splitMin is the smallest text read in parts (a variable for tests).
var splitMin = 1 << 20

func readCSV(name string, data []byte, opt Options) (*Book, error) {
	text, enc, err := decode(name, data, opt.Encoding)
	if err != nil {
		return nil, err
	}
	return readText(name, text, enc, opt)
}

// readText reads a csv's text, decoded from enc.
func readText(name string, text []byte, enc string, opt Options) (*Book, error) {
	lim := opt.Limits
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, model.Errorf(model.EInvalid, "%s is empty.", name)
	}
	// Text never holds NUL bytes (UTF-16 was decoded above): this is binary.
	if bytes.IndexByte(text, 0) >= 0 {
		return nil, saveAs(name, "a binary file, not text")
	}
	delim := opt.Delimiter
	// Excel's "sep=;" first line names the delimiter.
	if len(text) > 5 && bytes.HasPrefix(bytes.ToLower(text[:4]), []byte("sep=")) {
		if nl := bytes.IndexByte(text, '\n'); nl > 4 {
			if d := strings.TrimSpace(string(text[4:nl])); len(d) == 1 && delim == 0 {
				delim = rune(d[0])
			}
			text = text[nl+1:]
		}
	}
	if delim == 0 {
		delim = sniff(text)
	}
	if delim != ',' && delim != ';' && delim != '\t' {
		return nil, model.Errorf(model.EInvalid, "The delimiter must be a comma, a semicolon or a tab.")
	}
	sh := Sheet{Name: csvSheetName(name), HeaderRow: opt.HeaderRow}
	parts := 1
	if opt.Progress == nil && len(text) >= splitMin {
		parts = min(runtime.GOMAXPROCS(0), 4)
	}
	cs := readParts(text, delim, opt, parts)
	if len(cs) > 1 && !joinable(cs) {
		cs = readParts(text, delim, opt, 1)
	}
	for i := range cs {
		if cs[i].overLimit { // the walk says which limit, on which row
			if err := checkRecords(name, text, byte(delim), lim); err != nil {
				return nil, err
			}
			return nil, model.Errorf(model.ETooLarge, "%s has a row over the limits.", name)
		}
	}
	row := join(&sh, cs)
	if len(sh.Rows) > lim.MaxRows {
		return nil, model.Errorf(model.ETooLarge, "%s: row %s is over the limit of %s rows.", name, thousands(sh.Rows[lim.MaxRows].Num), thousands(lim.MaxRows))
	}
	if sh.Header == nil {
		if row == 0 {
			return nil, model.Errorf(model.EInvalid, "%s is empty.", name)
		}
		return nil, model.Errorf(model.EInvalid, "%s has no row %d to use as the header (it has %d rows).", name, opt.HeaderRow, row)
	}
	if blank(sh.Header) {
		return nil, model.Errorf(model.EInvalid, "%s: the header row (row %d) is empty; the first row must name the columns.", name, opt.HeaderRow)
	}
	if opt.Progress != nil {
		opt.Progress(int64(len(text)), int64(len(text)))
	}
	return &Book{Format: "csv", Encoding: enc, Delimiter: delim, Sheets: []Sheet{sh}}, nil
}

// readParts reads text in parts, one per core: the text is cut after the
// line ends nearest equal shares, each part is read on its own with row
// numbers counted from its start, and join puts them together. A cut
// guessed inside a quoted field that runs over lines shows in the part
// before it, which then ends inside the field (joinable).
func readParts(text []byte, delim rune, opt Options, parts int) []csvPart {
	cs := make([]csvPart, 0, parts)
	from := 0
	for k := 1; k <= parts; k++ {
		to := len(text)
		if k < parts {
			to = len(text) * k / parts
			if j := bytes.IndexByte(text[to:], '\n'); j >= 0 {
				to += j + 1
			} else {
				to = len(text)
			}
		}
		if to <= from && k < parts {
			continue
		}
		cs = append(cs, csvPart{text: text[from:to], delim: delim, opt: opt, first: from == 0})
		if from = to; from >= len(text) {
			break
		}
	}
	if len(cs) == 1 {
		cs[0].read()
		return cs
	}
	var wg sync.WaitGroup
	for i := range cs {
		wg.Add(1)
		go func() { defer wg.Done(); cs[i].read() }()
	}
	wg.Wait()
	return cs
}

// joinable reports whether parts read on their own read as the whole text
// does: each part but the last ends where a record ends, and the first
// holds the header.
func joinable(cs []csvPart) bool {
	for i := range cs[:len(cs)-1] {
		if cs[i].open {
			return false
		}
	}
	return cs[0].header != nil
}

// join puts the parts' rows in sh, renumbered from the parts' starts to the
// whole text's, and returns the last row a record was on.
func join(sh *Sheet, cs []csvPart) int {
	sh.Header = cs[0].header
	if len(cs) == 1 {
		sh.Rows = cs[0].rows
		return cs[0].row
	}
	n := 0
	for i := range cs {
		n += len(cs[i].rows)
	}
	if n > 0 {
		sh.Rows = make([]Row, 0, n)
	}
	// The rows before a part: the last row of the parts before it, and the
	// blank lines after that row (its first record counts its own).
	before, last := 0, 0
	for i := range cs {
		for _, r := range cs[i].rows {
			r.Num += before
			sh.Rows = append(sh.Rows, r)
		}
		if cs[i].records > 0 {
			last = before + cs[i].row
		}
		before += cs[i].row + cs[i].tail
	}
	return last
}

// csvPart is a run of a csv text, read on its own.
type csvPart struct {
	text  []byte
	delim rune
	opt   Options
	first bool // the text's start: holds the rows up to the header
	// results
	records   int  // records read
	row       int  // the row of its last record, from the part's start
	tail      int  // lines after its last record (blank)
	open      bool // it ends inside a quoted field
	overLimit bool // a record over a limit: the read stopped there
	header    []string
	rows      []Row
	slab      cellSlab
}

func (c *csvPart) read() {
	opt, lim := c.opt, c.opt.Limits
	s := csvScanner{text: c.text, delim: byte(c.delim), maxFields: lim.MaxCols}
	// The rows' cells are pieces of the text, which is never written.
	whole := unsafe.String(unsafe.SliceData(c.text), len(c.text))
	row, prevEnd := 0, 0 // spreadsheet row number (from the part's start); line the previous record ended on
	total := int64(len(c.text))
	step := total/100 + 1
	var nextProgress int64
	defer func() { c.row, c.tail, c.open = row, s.line-prevEnd, s.open }()
	for {
		rec, ok := s.record()
		if !ok {
			break
		}
		// Limits, as the walk (checkRecords) words them: the record's
		// last byte at most MaxRecordBytes-1 past its first, at most
		// MaxCols fields.
		if s.pos-1-s.start >= lim.MaxRecordBytes || s.tooMany || len(rec) > lim.MaxCols {
			c.overLimit = true
			return
		}
		c.records++
		// Blank lines are not records; Excel shows them as rows.
		row += 1 + max(0, s.first-prevEnd-1)
		prevEnd = s.lastField + strings.Count(rec[len(rec)-1], "\n")
		if opt.Progress != nil {
			if off := int64(s.pos); off >= nextProgress {
				opt.Progress(off, total)
				nextProgress = off + step
			}
		}
		if c.first && row < opt.HeaderRow {
			continue
		}
		if c.first && row == opt.HeaderRow {
			c.header = header(rec)
			continue
		}
		if blank(rec) {
			continue
		}
		// Past the limit, a part stops (the whole text's count is checked
		// after the parts are joined).
		if len(c.rows) > lim.MaxRows {
			return
		}
		if c.rows == nil {
			// Sized once from the bytes the first records took (counting
			// the lines cost 0.12 s at 100k rows in wasm); a wrong guess
			// only grows the slice.
			per := max(1, s.pos/max(1, c.records))
			c.rows = make([]Row, 0, (len(c.text)-s.pos)/per*9/8+16)
		}
		c.rows = append(c.rows, c.slab.textRow(row, whole, rec))
	}
}
