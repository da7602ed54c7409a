package sheet

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

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
	var dec *encoding.Decoder
	used := enc
	switch strings.ToLower(enc) {
	case "":
		switch {
		case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
			return data[3:], "utf-8-bom", nil
		case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
			dec, used = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), "utf-16le"
		case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
			dec, used = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder(), "utf-16be"
		case utf8.Valid(data):
			return data, "utf-8", nil
		default:
			dec, used = charmap.Windows1252.NewDecoder(), "windows-1252"
		}
	case "utf-8", "utf8":
		data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
		if !utf8.Valid(data) {
			return nil, "", model.Errorf(model.EInvalid, "%s is not valid UTF-8; choose another encoding (windows-1252 is usual for files from Excel).", name)
		}
		return data, "utf-8", nil
	case "windows-1252", "cp1252", "latin1", "iso-8859-1":
		dec, used = charmap.Windows1252.NewDecoder(), "windows-1252"
	case "utf-16le":
		dec = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case "utf-16be":
		dec = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	case "macintosh", "mac-roman":
		dec, used = charmap.Macintosh.NewDecoder(), "macintosh"
	default:
		return nil, "", model.Errorf(model.EInvalid, "Unknown encoding %q: use utf-8, windows-1252, utf-16le, utf-16be or macintosh.", enc)
	}
	out, err := dec.Bytes(data)
	if err != nil {
		return nil, "", model.Errorf(model.EInvalid, "%s cannot be read as %s: %v.", name, used, err)
	}
	return out, used, nil
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

// checkRecords walks the records before encoding/csv does, so one huge
// record or a row of thousands of fields is refused before it costs memory
// (encoding/csv has no cap: a 32 MiB line costs it 2.2 GB). Its quote rules
// are encoding/csv's with LazyQuotes: a quote opens a quoted field only at
// the field's start, and inside one a quote not followed by a quote, the
// delimiter or the line end is kept as a character. (Toggling on every
// quote instead would read `12" pipe` as an open quote and count the rest
// of the file as one record.) Rows are numbered as a spreadsheet shows
// them: blank lines count.
//
// It also returns where to split the text into parts that start at a
// record: parts-1 offsets near equal shares, each with its row number,
// none before row minRow.
func checkRecords(name string, data []byte, delim byte, lim Limits, parts, minRow int) ([]split, error) {
	var splits []split
	next := len(data) + 1 // the next offset a split is wanted at
	if parts > 1 {
		next = len(data) / parts
	}
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
	// splitAfter splits after the record ending at i, if it ends past the
	// next share.
	splitAfter := func(i, rec int) {
		if i+1 >= next && rec > minRow && i+1 < len(data) {
			splits = append(splits, split{off: i + 1, row: rec})
			next = len(data) * (len(splits) + 1) / parts
			if len(splits) == parts-1 {
				next = len(data) + 1
			}
		}
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
				splitAfter(i, rec)
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
			return nil, tooLong()
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
			return nil, model.Errorf(model.ETooLarge, "%s: row %s has more than %d columns; the limit is %d.", name, thousands(rec), lim.MaxCols, lim.MaxCols)
		}
		if endRecord {
			if i-start >= lim.MaxRecordBytes {
				return nil, tooLong()
			}
			state, start, fields = fieldStart, i+1, 1
			rec++
			splitAfter(i, rec)
			continue
		}
		if i-start >= lim.MaxRecordBytes {
			return nil, tooLong()
		}
	}
	return splits, nil
}

// split is where a part of a csv text starts: a record's first byte and
// its row number.
type split struct{ off, row int }

// splitMin is the smallest text read in parts (a variable for tests).
var splitMin = 1 << 20

func readCSV(name string, data []byte, opt Options) (*Book, error) {
	lim := opt.Limits
	text, enc, err := decode(name, data, opt.Encoding)
	if err != nil {
		return nil, err
	}
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
	// A large text is parsed in parts, one per core, each from a record
	// start the walk below finds; the parts are joined in order, so the
	// sheet is the one a single pass reads (tested, and fuzzed, against it).
	parts := 1
	if opt.Progress == nil && len(text) >= splitMin {
		parts = min(runtime.GOMAXPROCS(0), 4)
	}
	splits, err := checkRecords(name, text, byte(delim), lim, parts, max(opt.HeaderRow, 1))
	if err != nil {
		return nil, err
	}
	sh := Sheet{Name: csvSheetName(name), HeaderRow: opt.HeaderRow}
	var row int
	if len(splits) == 0 {
		c := csvPart{text: text, delim: delim, opt: opt, first: true}
		c.read()
		if c.err != nil {
			return nil, c.err
		}
		sh.Header, sh.Rows, row = c.header, c.rows, c.row
	} else {
		cs := make([]csvPart, len(splits)+1)
		from := split{}
		for i := range cs {
			to := len(text)
			if i < len(splits) {
				to = splits[i].off
			}
			cs[i] = csvPart{text: text[from.off:to], delim: delim, opt: opt, row: max(from.row-1, 0), first: i == 0}
			if i < len(splits) {
				from = splits[i]
			}
		}
		var wg sync.WaitGroup
		for i := range cs {
			wg.Add(1)
			go func() { defer wg.Done(); cs[i].read() }()
		}
		wg.Wait()
		n := 0
		for i := range cs {
			if cs[i].err != nil {
				return nil, cs[i].err
			}
			n += len(cs[i].rows)
		}
		sh.Header = cs[0].header
		for i := range cs { // the last row a record was on (blank lines after it are not rows)
			if cs[i].records > 0 {
				row = cs[i].row
			}
		}
		if n > 0 {
			sh.Rows = make([]Row, 0, n)
		}
		for i := range cs {
			sh.Rows = append(sh.Rows, cs[i].rows...)
		}
	}
	if len(sh.Rows) > lim.MaxRows {
		return nil, model.Errorf(model.ETooLarge, "%s: row %s is over the limit of %s rows.", name, thousands(sh.Rows[lim.MaxRows].Num), thousands(lim.MaxRows))
	}
	if sh.Header == nil {
		if row == 0 {
			return nil, model.Errorf(model.EInvalid, "%s is empty.", name)
		}
		return nil, model.Errorf(model.EInvalid, "%s has no row %d to use as the header (it has %d rows).", name, opt.HeaderRow, row)
	}
	if blank(toCells(sh.Header)) {
		return nil, model.Errorf(model.EInvalid, "%s: the header row (row %d) is empty; the first row must name the columns.", name, opt.HeaderRow)
	}
	if opt.Progress != nil {
		opt.Progress(int64(len(text)), int64(len(text)))
	}
	return &Book{Format: "csv", Encoding: enc, Delimiter: delim, Sheets: []Sheet{sh}}, nil
}

// csvPart is a run of whole records of a csv text, parsed on its own.
type csvPart struct {
	text    []byte
	delim   rune
	opt     Options
	first   bool // holds the rows up to the header
	records int  // records read
	row     int  // the row before the part; after read, its last row
	// results
	header []string
	rows   []Row
	err    error
	slab   cellSlab
}

func (c *csvPart) read() {
	opt, lim := c.opt, c.opt.Limits
	s := csvScanner{text: c.text, delim: byte(c.delim)}
	row, prevEnd := c.row, 0 // spreadsheet row number; line (in the part) the previous record ended on
	total := int64(len(c.text))
	step := total/100 + 1
	var nextProgress int64
	defer func() { c.row = row }()
	for {
		rec, ok := s.record()
		if !ok {
			break
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
		cells := c.slab.take(len(rec))
		for i, v := range rec {
			k := KindText
			if v == "" {
				k = KindEmpty
			}
			cells[i] = Cell{Value: v, Kind: k}
		}
		if c.first && row == opt.HeaderRow {
			c.header = header(cells)
			continue
		}
		if blank(cells) {
			continue
		}
		// Past the limit, a single part stops (the whole text's count is
		// checked after the parts are joined).
		if len(c.rows) > lim.MaxRows {
			return
		}
		if c.rows == nil { // at most a record per line: allocated once
			c.rows = make([]Row, 0, bytes.Count(c.text[s.pos:], []byte{'\n'})+1)
		}
		c.rows = append(c.rows, Row{Num: row, Cells: cells})
	}
}

func toCells(h []string) []Cell {
	c := make([]Cell, len(h))
	for i, v := range h {
		c[i] = Cell{Value: v, Kind: KindText}
	}
	return c
}
