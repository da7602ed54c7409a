package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
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
	if err := checkRecords(name, text, byte(delim), lim); err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	sh := Sheet{Name: csvSheetName(name), HeaderRow: opt.HeaderRow}
	row, prevEnd := 0, 0 // spreadsheet row number; line the previous record ended on
	total := int64(len(text))
	step := total/100 + 1
	var nextProgress int64
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, model.Errorf(model.EInvalid, "%s: line %d cannot be read as csv: %v.", name, pe.Line, pe.Err)
			}
			return nil, model.Errorf(model.EInvalid, "%s cannot be read as csv: %v.", name, err)
		}
		line, _ := r.FieldPos(0)
		// encoding/csv skips blank lines; Excel shows them as rows.
		row += 1 + max(0, line-prevEnd-1)
		lastLine, _ := r.FieldPos(len(rec) - 1)
		prevEnd = lastLine + strings.Count(rec[len(rec)-1], "\n")
		if opt.Progress != nil {
			if off := r.InputOffset(); off >= nextProgress {
				opt.Progress(off, total)
				nextProgress = off + step
			}
		}
		if row < opt.HeaderRow {
			continue
		}
		cells := make([]Cell, len(rec))
		for i, v := range rec {
			if strings.IndexByte(v, '\r') >= 0 {
				v = strings.ReplaceAll(v, "\r\n", "\n")
			}
			k := KindText
			if v == "" {
				k = KindEmpty
			}
			cells[i] = Cell{Value: v, Kind: k}
		}
		if row == opt.HeaderRow {
			sh.Header = header(cells)
			continue
		}
		if blank(cells) {
			continue
		}
		if len(sh.Rows) >= lim.MaxRows {
			return nil, model.Errorf(model.ETooLarge, "%s: row %s is over the limit of %s rows.", name, thousands(row), thousands(lim.MaxRows))
		}
		sh.Rows = append(sh.Rows, Row{Num: row, Cells: cells})
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
		opt.Progress(total, total)
	}
	return &Book{Format: "csv", Encoding: enc, Delimiter: delim, Sheets: []Sheet{sh}}, nil
}

func toCells(h []string) []Cell {
	c := make([]Cell, len(h))
	for i, v := range h {
		c[i] = Cell{Value: v, Kind: KindText}
	}
	return c
}
