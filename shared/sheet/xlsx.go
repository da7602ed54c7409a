package sheet

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"

	"casegate/shared/model"
)

func readXLSX(name string, r io.ReaderAt, size int64, opt Options) (*Book, error) {
	z, err := openZip(name, r, size, opt.Limits)
	if err != nil {
		return nil, err
	}
	var chosen []sheetRef
	if opt.Sheet != "" {
		for _, s := range z.sheets {
			if s.name == opt.Sheet || strings.EqualFold(s.name, opt.Sheet) && len(chosen) == 0 {
				chosen = []sheetRef{s}
			}
		}
		if len(chosen) == 0 {
			var names []string
			for _, s := range z.sheets {
				names = append(names, s.name)
			}
			return nil, model.Errorf(model.EInvalid, "%s has no sheet named %q; its sheets are %s.", name, opt.Sheet, strings.Join(names, ", "))
		}
	} else {
		for _, s := range z.sheets {
			if !s.hidden {
				chosen = append(chosen, s)
			}
		}
		if len(chosen) == 0 {
			return nil, model.Errorf(model.EInvalid, "%s has only hidden sheets; choose one by name.", name)
		}
	}
	styles, err := z.styleKinds()
	if err != nil {
		return nil, err
	}
	sst, err := z.sharedStrings()
	if err != nil {
		return nil, err
	}
	book := &Book{Format: "xlsx", Date1904: z.date1904}
	// Progress counts the chosen worksheets' inflated bytes, as their zip
	// headers state them (only a gauge: the caps never trust them).
	prog := &progress{fn: opt.Progress}
	for _, ref := range chosen {
		if f := z.files[strings.ToLower(strings.TrimPrefix(ref.part, "/"))]; f != nil && f.UncompressedSize64 < 1<<40 {
			prog.total += int64(f.UncompressedSize64)
		}
	}
	prog.step = prog.total/100 + 1
	for _, ref := range chosen {
		pr, err := z.open(ref.part)
		if err != nil {
			return nil, err
		}
		if pr == nil {
			return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: the part of sheet %q (%s) is missing.", name, ref.name, ref.part)
		}
		sh, err := z.readSheet(ref, pr, styles, sst, opt, prog)
		pr.Close()
		if err != nil {
			return nil, err
		}
		book.Sheets = append(book.Sheets, *sh)
	}
	if opt.Progress != nil {
		opt.Progress(prog.total, prog.total)
	}
	return book, nil
}

// progress calls Options.Progress about 100 times over a whole read.
type progress struct {
	fn                     func(done, total int64)
	base, total, step, nxt int64
}

// at reports offset off within the current sheet part.
func (p *progress) at(off int64) {
	if p.fn == nil {
		return
	}
	if d := p.base + off; d >= p.nxt && d < p.total {
		p.fn(d, p.total)
		p.nxt = d + p.step
	}
}

// sharedStrings reads the shared string table: plain <t> and rich-text
// runs concatenated, phonetic runs (<rPh>) left out.
func (z *zipBook) sharedStrings() ([]string, error) {
	raw, err := z.read("\x00sst")
	if err != nil || raw == nil {
		return nil, err
	}
	var out []string
	s := scanner{b: raw}
	var cur []byte
	inSI, inT, inPh := false, false, 0
	for {
		switch s.next() {
		case tokEOF:
			if s.err != nil {
				return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: the shared strings cannot be read (%v).", z.name, s.err)
			}
			return out, nil
		case tokStart:
			switch string(s.name) {
			case "si":
				inSI, cur = true, cur[:0]
				if s.self {
					out = append(out, "")
					inSI = false
				}
			case "t":
				inT = !s.self
			case "rPh":
				if !s.self {
					inPh++
				}
			}
		case tokEnd:
			switch string(s.name) {
			case "si":
				out = append(out, decodeOOXMLEscapes(string(cur)))
				inSI = false
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case tokText:
			if inSI && inT && inPh == 0 {
				t := s.text
				if !s.cdat {
					if t, err = unescape(t); err != nil {
						return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: the shared strings hold %v.", z.name, err)
					}
				}
				cur = append(cur, t...)
			}
		}
	}
}

// blankCells is blank for cells being read.
func blankCells(cells []Cell) bool {
	for _, c := range cells {
		if strings.TrimSpace(c.Value) != "" {
			return false
		}
	}
	return true
}

// maxSheetRows is Excel's last row.
const maxSheetRows = 1 << 20

// colIndex reads the column letters of a cell reference ("AB12" → 28).
func colIndex(ref []byte) (int, bool) {
	n := 0
	i := 0
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			n = n*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			n = n*26 + int(c-'a'+1)
		default:
			return n, i > 0
		}
		if n > 1<<24 {
			return n, true
		}
	}
	return n, i > 0
}

func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// readSheet scans one worksheet.
func (z *zipBook) readSheet(ref sheetRef, pr *partReader, styles []fmtKind, sst []string, opt Options, prog *progress) (*Sheet, error) {
	lim := opt.Limits
	sh := &Sheet{Name: ref.name, Hidden: ref.hidden, HeaderRow: opt.HeaderRow}
	var texts arena   // the cells' strings
	var slab cellSlab // the rows' cells
	s := scanner{b: make([]byte, 0, scanWindow), src: pr}
	bad := func(format string, a ...any) error {
		return model.Errorf(model.EInvalid, "%s, sheet %s: "+format, append([]any{z.name, ref.name}, a...)...)
	}
	var (
		inData, inRow, inCell, inV, inIS, inT bool
		inPh                                  int
		rowNum, col                           int
		cells                                 []Cell
		cellRef, cellT                        []byte
		cellS                                 int
		v, isText                             []byte
		lastRow                               int
	)
	var flushRow func() error
	flush := func() error {
		if rowNum < opt.HeaderRow {
			return nil
		}
		if rowNum == opt.HeaderRow {
			texts := make([]string, len(cells))
			for i, c := range cells {
				texts[i] = strings.Clone(c.Value) // the arena's bytes are the next row's
			}
			sh.Header = header(texts)
			return nil
		}
		if blankCells(cells) {
			return nil
		}
		if len(sh.Rows) >= lim.MaxRows {
			return model.Errorf(model.ETooLarge, "%s, sheet %s: row %s is over the limit of %s rows.", z.name, ref.name, thousands(rowNum), thousands(lim.MaxRows))
		}
		if at := s.done + int64(s.i); len(sh.Rows) == 1024 && at > 0 && pr.size > at {
			// Sized once from how far into the part these rows are, not
			// doubled on: at 100k rows the doublings were 13 MB of garbage.
			est := min(int64(len(sh.Rows))*pr.size/at*21/20, int64(lim.MaxRows)+1)
			if more := int(est) - len(sh.Rows); more > 0 {
				sh.Rows = slices.Grow(sh.Rows, more)
			}
		}
		sh.Rows = append(sh.Rows, slab.row(rowNum, cells))
		return nil
	}
	flushRow = func() error {
		err := flush()
		texts.reset() // the row copied its cells' texts out
		return err
	}
	// Numbers and dates repeat (dates of birth, counts, amounts): each
	// distinct stored value is formatted once, and looking it up with
	// string(v) does not allocate. Allocation is what the browser's
	// single-threaded collector pays for most.
	var formatted [3]map[string]Cell
	for i := range formatted {
		formatted[i] = map[string]Cell{}
	}
	endCell := func() error {
		var c Cell
		var val string
		switch string(cellT) {
		case "s", "":
		default:
			val = texts.string(v)
		}
		decoded := false
		if inIS || string(cellT) == "inlineStr" {
			val, decoded = decodeOOXMLEscapes(texts.string(isText)), true
		}
		switch string(cellT) {
		case "s":
			idx, ok := atoi(bytes.TrimSpace(v))
			if !ok || idx >= len(sst) {
				return bad("cell %s points to shared string %q, which does not exist.", cellRef, v)
			}
			c = Cell{Value: sst[idx], Kind: KindText}
		case "inlineStr", "str":
			if !decoded { // once: "_x005F_x0041_" is the text _x0041_
				val = decodeOOXMLEscapes(val)
			}
			c = Cell{Value: val, Kind: KindText}
		case "b":
			if strings.TrimSpace(val) == "1" || strings.EqualFold(strings.TrimSpace(val), "true") {
				c = Cell{Value: "TRUE", Kind: KindBool}
			} else {
				c = Cell{Value: "FALSE", Kind: KindBool}
			}
		case "e":
			c = Cell{Value: val, Kind: KindError}
		case "d":
			c = Cell{Value: strings.Replace(strings.TrimSuffix(val, "Z"), "T", " ", 1), Kind: KindDate}
			if strings.HasSuffix(c.Value, " 00:00:00") {
				c.Value = c.Value[:10]
			}
		default:
			fk := fmtNumber
			if cellS >= 0 && cellS < len(styles) {
				fk = styles[cellS]
			}
			if hit, ok := formatted[fk][string(v)]; ok {
				c = hit
				break
			}
			val = strings.TrimSpace(texts.string(v))
			if val == "" {
				break
			}
			if fk == fmtNumber {
				c = Cell{Value: formatNumber(val), Kind: KindNumber}
			} else {
				c.Value, c.Kind = formatDate(val, fk, z.date1904)
			}
			if len(formatted[fk]) < 200000 {
				c.Value = strings.Clone(c.Value) // kept past the row (the arena's are not)
				formatted[fk][string(v)] = c
			}
		}
		if c.Value == "" {
			c.Kind = KindEmpty
			return nil // empty cells take no room: trailing styled cells stay out
		}
		if col < 1 {
			return bad("a cell in row %d is outside any row or column.", rowNum)
		}
		if col > lim.MaxCols {
			return model.Errorf(model.ETooLarge, "%s, sheet %s: cell %s%d is beyond the limit of %d columns.", z.name, ref.name, ColName(col), rowNum, lim.MaxCols)
		}
		for len(cells) < col {
			cells = append(cells, Cell{})
		}
		cells[col-1] = c
		return nil
	}
	startCell := func(ra, ta, sa []byte, self bool) error {
		cellRef = append(cellRef[:0], ra...) // copied: the window moves
		if c, ok := colIndex(cellRef); ok {
			if c <= col {
				return bad("cell %s comes after column %s in row %d; the cells are out of order.", cellRef, ColName(col), rowNum)
			}
			col = c
		} else {
			col++
		}
		cellT = append(cellT[:0], ta...)
		cellS = -1
		if st, ok := atoi(sa); ok {
			cellS = st
		}
		v, isText, inIS = v[:0], isText[:0], false
		inCell = !self
		if self && col > lim.MaxCols+16384 {
			return bad("cell %s is beyond the last column Excel allows.", cellRef)
		}
		return nil
	}
	for {
		// Most cells are one of a few plain forms: read them in one pass
		// (the token loop below took most of a 100k-row read in wasm).
		if inRow && !inCell && fastCells {
			if fc, ok := s.cell(); ok {
				if err := startCell(fc.r, fc.t, fc.s, fc.self); err != nil {
					return nil, err
				}
				if fc.self {
					continue
				}
				text := fc.text
				if bytes.IndexByte(text, '&') >= 0 {
					var err error
					if text, err = unescape(text); err != nil {
						return nil, bad("cell %s holds %v.", cellRef, err)
					}
				}
				if fc.inline {
					inIS, isText = true, append(isText, text...)
				} else {
					v = append(v, text...)
				}
				if err := endCell(); err != nil {
					return nil, err
				}
				inCell = false
				continue
			}
		}
		tk := s.next()
		if tk == tokEOF {
			if s.err != nil {
				var me *model.Error
				if errors.As(s.err, &me) { // a cap crossed while inflating
					return nil, me
				}
				return nil, bad("the worksheet cannot be read (%v).", s.err)
			}
			break
		}
		switch tk {
		case tokStart:
			name := s.name
			switch {
			case string(name) == "sheetData":
				inData = !s.self
			case !inData:
			case string(name) == "row":
				if ra := attrValue(s.attr, "r"); ra != nil {
					r, ok := atoi(ra)
					if !ok || r < 1 || r > maxSheetRows {
						return nil, bad("a row is numbered %q; rows are numbered 1 to 1,048,576.", ra)
					}
					if r <= lastRow {
						return nil, bad("row %d comes after row %d; the rows are out of order.", r, lastRow)
					}
					rowNum = r
				} else {
					rowNum = lastRow + 1 // rows without r follow the previous one
				}
				lastRow, col, cells, inRow, inCell = rowNum, 0, cells[:0], !s.self, false // the row's cells are copied out when it ends
				if s.self {
					if err := flushRow(); err != nil {
						return nil, err
					}
				}
				prog.at(s.done + int64(s.i))
			case string(name) == "c" && inRow:
				if err := startCell(attrValue(s.attr, "r"), attrValue(s.attr, "t"), attrValue(s.attr, "s"), s.self); err != nil {
					return nil, err
				}
			case inCell && string(name) == "v":
				inV = !s.self
			case inCell && string(name) == "is":
				inIS = true
			case inIS && string(name) == "t":
				inT = !s.self
			case inIS && string(name) == "rPh":
				if !s.self {
					inPh++
				}
			}
		case tokEnd:
			switch string(s.name) {
			case "sheetData":
				inData = false
			case "row":
				if inRow {
					if err := flushRow(); err != nil {
						return nil, err
					}
				}
				inRow = false
			case "c":
				if inCell {
					if err := endCell(); err != nil {
						return nil, err
					}
				}
				inCell, inV, inT = false, false, false
			case "v":
				inV = false
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case tokText:
			if !inCell {
				continue
			}
			t := s.text
			var err error
			if !s.cdat && (inV || inT) {
				if t, err = unescape(t); err != nil {
					return nil, bad("cell %s holds %v.", cellRef, err)
				}
			}
			if inV {
				v = append(v, t...)
			} else if inT && inPh == 0 {
				isText = append(isText, t...)
			}
		}
	}
	if sh.Header == nil {
		if lastRow == 0 {
			return nil, model.Errorf(model.EInvalid, "%s, sheet %s is empty.", z.name, ref.name)
		}
		return nil, model.Errorf(model.EInvalid, "%s, sheet %s has no row %d to use as the header.", z.name, ref.name, opt.HeaderRow)
	}
	if blank(sh.Header) {
		return nil, model.Errorf(model.EInvalid, "%s, sheet %s: the header row (row %d) is empty; the first row must name the columns.", z.name, ref.name, opt.HeaderRow)
	}
	prog.at(pr.size)
	prog.base += pr.size
	return sh, nil
}
