// Package sheet reads spreadsheets into rows of cells: csv (UTF-8, UTF-8 or
// UTF-16 with BOM, Windows-1252, or Mac Roman on request; comma, semicolon
// or tab, sniffed) and xlsx with a streaming reader of its own over
// archive/zip and a byte scanner, many times faster and lighter than
// excelize (which stays out of non-test code: it would bloat the browser's
// wasm). Every size is capped before it can hurt, and every file-level
// failure is a *model.Error whose message names the limit, row or cell.
//
// What a cell holds (Cell.Value is what a person sees, normalised):
//   - csv: text as written (not trimmed; the engine trims), "\r\n" inside
//     quotes as "\n". Row.Num counts lines as a spreadsheet shows them:
//     blank lines count, a quoted line break does not.
//   - xlsx numbers: the stored value with float noise removed as Excel shows
//     it (15 significant digits: 0.30000000000000004 → 0.3); an exponent
//     only beyond everyday magnitudes (1E+21). A custom format that is not
//     a date ("ID-"0000) gives the stored number ("42"), not the display.
//   - xlsx dates (built-in formats 14–22 and 45–47, or a custom format with
//     d/m/y/h/s outside quotes and brackets; elapsed [h] is a number):
//     KindDate, ISO "2006-01-02", "2006-01-02 15:04:05" with a time of day,
//     "15:04:05" for a time alone, in the workbook's 1900 or 1904 system.
//     Serial 60 of the 1900 system (Excel's fictitious 1900-02-29), negative
//     serials and serials past 9999 stay numbers for the engine to report.
//   - xlsx booleans "TRUE"/"FALSE" (KindBool), errors as their text "#N/A"
//     (KindError), formula strings by their cached value; a formula with no
//     cached value (written by a library, never calculated) is KindEmpty:
//     the cell reads as blank, as it would import.
//
// Rows holds the rows after the header row without fully blank ones; Num
// keeps the spreadsheet's numbering, so gaps stay visible.
package sheet

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"casegate/shared/model"
)

// Kind is what a cell holds.
type Kind uint8

const (
	KindEmpty  Kind = iota
	KindText        // text (every csv cell)
	KindNumber      // a number, as Excel shows it (15 significant digits)
	KindDate        // a date-formatted number, as ISO yyyy-mm-dd[ hh:mm:ss]
	KindBool        // TRUE or FALSE
	KindError       // an error value such as #N/A
)

// Cell is one cell.
type Cell struct {
	Value string
	Kind  Kind
}

// Row is one row; Num is its number as in the spreadsheet. Its cells are
// what a person sees, held as one text and where each cell is in it (a
// csv row's text is a piece of the file's): 4 or 8 bytes a cell, where a
// string per cell cost 16 (2 M cells at 100,000 rows, held while the
// import is checked in the browser's worker, whose memory is the budget).
// Kinds are the cells' kinds, nil when every cell is text or empty (every
// csv row).
type Row struct {
	Num   int
	Kinds []Kind
	text  string
	offs  []uint32 // cell i ends at offs[i], starting where cell i-1 ends; paired: starts at offs[2i], ends at offs[2i+1]
	pairs bool
}

// NewRow makes a row of cells (copied into the row's text); kinds may be nil.
func NewRow(num int, cells []string, kinds []Kind) Row {
	n := 0
	for _, c := range cells {
		n += len(c)
	}
	b := make([]byte, 0, n)
	offs := make([]uint32, len(cells))
	for i, c := range cells {
		b = append(b, c...)
		offs[i] = uint32(len(b))
	}
	return Row{Num: num, Kinds: kinds, text: unsafe.String(unsafe.SliceData(b), len(b)), offs: offs}
}

// Len is the number of cells.
func (r *Row) Len() int {
	if r.pairs {
		return len(r.offs) / 2
	}
	return len(r.offs)
}

// Text is the i-th cell's text; past the row's end, "".
func (r *Row) Text(i int) string {
	switch {
	case r.pairs:
		if 2*i+1 < len(r.offs) {
			return r.text[r.offs[2*i]:r.offs[2*i+1]]
		}
	case i == 0 && len(r.offs) > 0:
		return r.text[:r.offs[0]]
	case i > 0 && i < len(r.offs):
		return r.text[r.offs[i-1]:r.offs[i]]
	}
	return ""
}

// Texts returns the cells' texts in a new slice.
func (r *Row) Texts() []string { return r.AppendTexts(make([]string, 0, r.Len())) }

// AppendTexts appends the cells' texts to dst.
func (r *Row) AppendTexts(dst []string) []string {
	for i := range r.Len() {
		dst = append(dst, r.Text(i))
	}
	return dst
}

// Kind is the kind of the i-th cell.
func (r *Row) Kind(i int) Kind { return r.Cell(i).Kind }

// Cell is the i-th cell.
func (r *Row) Cell(i int) Cell {
	v := r.Text(i)
	switch {
	case r.Kinds != nil && i < len(r.Kinds):
		return Cell{Value: v, Kind: r.Kinds[i]}
	case v == "":
		return Cell{}
	}
	return Cell{Value: v, Kind: KindText}
}

// Set sets the i-th cell's text (an edit: the row's text is made again),
// adding empty cells up to it; a set cell is text.
func (r *Row) Set(i int, v string) {
	cells := r.Texts()
	for len(cells) <= i {
		cells = append(cells, "")
	}
	cells[i] = v
	kinds := r.Kinds
	if kinds != nil {
		kinds = append(slices.Clone(kinds), make([]Kind, max(0, len(cells)-len(kinds)))...)
		kinds[i] = KindText
		if v == "" {
			kinds[i] = KindEmpty
		}
	}
	*r = NewRow(r.Num, cells, kinds)
}

// Sheet is one read sheet. Rows holds the rows after the header, without
// fully blank ones (Num keeps the real numbering).
type Sheet struct {
	Name      string
	Hidden    bool
	HeaderRow int
	Header    []string
	Rows      []Row
}

// Book is a read file.
type Book struct {
	Format    string // csv | xlsx
	Encoding  string // csv only
	Delimiter rune   // csv only
	Date1904  bool
	Sheets    []Sheet
}

// SheetInfo names a sheet without reading it.
type SheetInfo struct {
	Name   string
	Hidden bool
}

// Limits bound what a file may cost.
type Limits struct {
	MaxBytes         int64 // the file
	MaxRows          int   // data rows
	MaxCols          int   // columns
	MaxCellChars     int   // longer cells are kept; the engine flags them
	MaxRecordBytes   int   // one csv record
	MaxUnzipped      int64 // all xlsx parts read, inflated
	MaxEntryUnzipped int64 // one xlsx part, inflated
	MaxEntries       int   // entries in the zip
	MaxRatio         int   // inflated:compressed, for parts over 1 MiB
}

// DefaultLimits are CommCare's row and column limits and RELIABILITY.md's
// size caps.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 64 << 20, MaxRows: 100000, MaxCols: 300, MaxCellChars: 32767, MaxRecordBytes: 1 << 20,
		MaxUnzipped: 256 << 20, MaxEntryUnzipped: 128 << 20, MaxEntries: 1000, MaxRatio: 100}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCols <= 0 {
		l.MaxCols = d.MaxCols
	}
	if l.MaxCellChars <= 0 {
		l.MaxCellChars = d.MaxCellChars
	}
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = d.MaxRecordBytes
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = d.MaxUnzipped
	}
	if l.MaxEntryUnzipped <= 0 {
		l.MaxEntryUnzipped = d.MaxEntryUnzipped
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	return l
}

// Options choose what to read.
type Options struct {
	Sheet     string // "" = every visible sheet (xlsx), else only this one
	HeaderRow int    // 0 = 1
	Encoding  string // csv: "" detects; utf-8, windows-1252, utf-16le, utf-16be, macintosh
	Delimiter rune   // csv: 0 sniffs
	Limits    Limits
	Progress  func(done, total int64)
}

var (
	zipMagic = []byte("PK\x03\x04")
	cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

func saveAs(name, what string) error {
	return model.Errorf(model.EUnsupported, "%s is %s, which casegate does not read. Save it as .xlsx or .csv and try again.", name, what)
}

// Read reads a file; its content decides the format, its extension only
// explains refusals. The book's strings may share data's bytes (a UTF-8
// csv's cells are pieces of it, not copies): data must not be changed
// after.
func Read(name string, data []byte, opt Options) (*Book, error) {
	opt.Limits = opt.Limits.withDefaults()
	if opt.HeaderRow <= 0 {
		opt.HeaderRow = 1
	}
	if err := refuse(name, data, opt.Limits); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, zipMagic) {
		return readXLSX(name, bytes.NewReader(data), int64(len(data)), opt)
	}
	return readCSV(name, data, opt)
}

// IsZip reports whether a file that starts with head is a zip archive (an
// xlsx, for ReadZip).
func IsZip(head []byte) bool { return bytes.HasPrefix(head, zipMagic) }

// ReadZip is Read for a zip archive (IsZip) read where it is, r holding
// its size bytes: the reader worker reads a workbook from JavaScript's
// memory this way instead of copying it whole into its own.
func ReadZip(name string, r io.ReaderAt, size int64, opt Options) (*Book, error) {
	opt.Limits = opt.Limits.withDefaults()
	if opt.HeaderRow <= 0 {
		opt.HeaderRow = 1
	}
	if err := refuseZip(name, size, opt.Limits); err != nil {
		return nil, err
	}
	return readXLSX(name, r, size, opt)
}

// ReadAt is Read for a file read where it is, r holding its size bytes:
// the reader worker reads the file in JavaScript's memory this way. A
// workbook goes to ReadZip; a text is copied in once, and one in an
// encoding of a byte per character is decoded where it lands, so the
// file's bytes and its text are not both held (a 19 MB Windows-1252 csv
// cost 19 MB more at the worker's peak).
func ReadAt(name string, r io.ReaderAt, size int64, opt Options) (*Book, error) {
	head := make([]byte, min(size, 8))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, err
	}
	if IsZip(head) {
		return ReadZip(name, r, size, opt)
	}
	lim := opt.Limits.withDefaults()
	if err := tooLarge(name, size, lim); err != nil {
		return nil, err
	}
	cm, enc := singleByteFor(opt.Encoding)
	if size > 0 && !bytes.HasPrefix(head, cfbMagic) && (cm != nil || opt.Encoding == "" && !hasBOM(head)) {
		valid := false
		if cm == nil {
			var err error
			if valid, err = validUTF8At(r, size); err != nil {
				return nil, err
			}
			cm, enc = notUTF8()
		}
		if err := refuse(name, head, lim); err != nil { // the magic numbers (the size is within the limit)
			return nil, err
		}
		opt.Limits = lim
		if opt.HeaderRow <= 0 {
			opt.HeaderRow = 1
		}
		if valid {
			text := make([]byte, size)
			if _, err := r.ReadAt(text, 0); err != nil && err != io.EOF {
				return nil, err
			}
			return readText(name, text, "utf-8", opt)
		}
		t := tableOf(cm)
		n, err := t.decodedSizeAt(r, size)
		if err != nil {
			return nil, err
		}
		text := make([]byte, n)
		if _, err := r.ReadAt(text[n-int(size):], 0); err != nil && err != io.EOF {
			return nil, err
		}
		t.decodeTail(text, int(size))
		return readText(name, text, enc, opt)
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil && err != io.EOF {
		return nil, err
	}
	return Read(name, data, opt)
}

// textChunk is how much of a file ReadAt looks at at a time.
var textChunk = 1 << 20

// validUTF8At reports whether r's size bytes are UTF-8, a chunk at a time.
func validUTF8At(r io.ReaderAt, size int64) (bool, error) {
	buf := make([]byte, textChunk+utf8.UTFMax)
	carry := 0 // bytes of a character cut by the previous chunk's end
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[carry:carry+int(min(int64(textChunk), size-off))], off)
		if err != nil && err != io.EOF {
			return false, err
		}
		if n == 0 {
			return false, io.ErrUnexpectedEOF
		}
		off += int64(n)
		b := buf[:carry+n]
		end := len(b)
		if off < size { // a character may go on in the next chunk
			for j := len(b) - 1; j >= max(0, len(b)-utf8.UTFMax+1); j-- {
				if utf8.RuneStart(b[j]) {
					if !utf8.FullRune(b[j:]) {
						end = j
					}
					break
				}
			}
		}
		if !utf8.Valid(b[:end]) {
			return false, nil
		}
		carry = copy(buf, b[end:])
	}
	return carry == 0, nil
}

// decodedSizeAt is decodedSize of r's size bytes, a chunk at a time.
func (t *byteTable) decodedSizeAt(r io.ReaderAt, size int64) (int, error) {
	buf := make([]byte, min(int64(textChunk), size))
	total := 0
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && err != io.EOF {
			return 0, err
		}
		if n == 0 {
			return 0, io.ErrUnexpectedEOF
		}
		total += t.decodedSize(buf[:n])
		off += int64(n)
	}
	return total, nil
}

// ListZipSheets is ListSheets for a zip archive read where it is.
func ListZipSheets(name string, r io.ReaderAt, size int64) ([]SheetInfo, error) {
	lim := DefaultLimits()
	if err := refuseZip(name, size, lim); err != nil {
		return nil, err
	}
	z, err := openZip(name, r, size, lim)
	if err != nil {
		return nil, err
	}
	return z.sheetInfos(), nil
}

// refuseZip is refuse for a zip archive of size bytes.
func refuseZip(name string, n int64, lim Limits) error {
	if err := tooLarge(name, n, lim); err != nil {
		return err
	}
	return refuse(name, zipMagic, lim)
}

// tooLarge refuses a file of n bytes over the limit.
func tooLarge(name string, n int64, lim Limits) error {
	if n > lim.MaxBytes {
		return model.Errorf(model.ETooLarge, "%s is %s; the limit is %s.", name, size(n), size(lim.MaxBytes))
	}
	return nil
}

// ListSheets names the sheets of a file (a csv has one, named after it)
// without reading them; it refuses what Read refuses.
func ListSheets(name string, data []byte) ([]SheetInfo, error) {
	lim := DefaultLimits()
	if err := refuse(name, data, lim); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, zipMagic) {
		z, err := openZip(name, bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			return nil, err
		}
		return z.sheetInfos(), nil
	}
	return []SheetInfo{{Name: csvSheetName(name)}}, nil
}

// refuse says why a file cannot be read at all: too big, empty, or not a
// format casegate reads. A zip goes on as xlsx, anything else as csv.
func refuse(name string, data []byte, lim Limits) error {
	if err := tooLarge(name, int64(len(data)), lim); err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case len(data) == 0:
		return model.Errorf(model.EInvalid, "%s is empty.", name)
	case bytes.HasPrefix(data, cfbMagic):
		// An OLE compound file: Excel stores a password-protected xlsx in
		// one (streams EncryptionInfo + EncryptedPackage), and .xls is one
		// (stream Workbook or Book). Stream names are UTF-16LE.
		encrypted := bytes.Contains(data, utf16le("EncryptedPackage"))
		xls := bytes.Contains(data, utf16le("Workbook")) || bytes.Contains(data, utf16le("Book"))
		switch {
		case encrypted:
			return model.Errorf(model.EInvalid, "%s is password-protected (encrypted). Save a copy without a password as .xlsx and try again.", name)
		case xls:
			return saveAs(name, "an old Excel workbook (.xls)")
		case ext == ".xlsx" || ext == ".xlsm":
			return model.Errorf(model.EInvalid, "%s is password-protected (encrypted). Save a copy without a password as .xlsx and try again.", name)
		}
		return saveAs(name, "an old Office file (.xls, .doc)")
	case bytes.HasPrefix(data, zipMagic):
		switch ext {
		case ".ods":
			return saveAs(name, "an OpenDocument spreadsheet (.ods)")
		case ".numbers":
			return saveAs(name, "a Numbers file")
		case ".docx", ".pptx", ".odt", ".jar", ".apk":
			return saveAs(name, "not a spreadsheet")
		}
		return nil
	}
	switch ext {
	case ".xlsx", ".xlsm":
		return model.Errorf(model.EInvalid, "%s is not a valid .xlsx file (it is not a zip archive). Save it again as .xlsx or .csv.", name)
	case ".xls":
		return saveAs(name, "an old Excel (.xls) file")
	case ".ods", ".numbers", ".pdf", ".doc", ".docx", ".json", ".xml", ".zip", ".html", ".htm":
		return saveAs(name, "not a spreadsheet casegate reads")
	}
	for _, magic := range []string{"%PDF", "\x1f\x8b", "\x7fELF", "\x89PNG", "\xff\xd8\xff", "GIF8", "Rar!", "7z\xbc\xaf"} {
		if bytes.HasPrefix(data, []byte(magic)) {
			return saveAs(name, "not a spreadsheet")
		}
	}
	return nil
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// thousands writes 100000 as 100,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ColName returns the letters of a 1-based column.
func ColName(c int) string {
	s := ""
	for ; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

// blank reports whether every cell is empty or spaces (an empty cell's
// text is "").
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// header turns the header row into trimmed strings.
func header(cells []string) []string {
	h := make([]string, len(cells))
	for i, c := range cells {
		h[i] = strings.TrimSpace(strings.Trim(c, "\u00a0\ufeff"))
	}
	return h
}
