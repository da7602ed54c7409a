// Package sheet reads spreadsheets into rows of cells: csv (UTF-8, UTF-8 or
// UTF-16 with BOM, Windows-1252; comma, semicolon or tab) and xlsx with a
// streaming reader of its own over archive/zip and a byte scanner, which is
// many times faster and lighter than excelize (the browser reads 100,000
// rows in seconds). Every size is capped before it can hurt, and every
// failure is a *model.Error whose message names the limit, row or cell.
package sheet

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

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

// Row is one row; Num is its number as in the spreadsheet.
type Row struct {
	Num   int
	Cells []Cell
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
// explains refusals.
func Read(name string, data []byte, opt Options) (*Book, error) {
	opt.Limits = opt.Limits.withDefaults()
	if opt.HeaderRow <= 0 {
		opt.HeaderRow = 1
	}
	if int64(len(data)) > opt.Limits.MaxBytes {
		return nil, model.Errorf(model.ETooLarge, "%s is %s; the limit is %s.", name, size(int64(len(data))), size(opt.Limits.MaxBytes))
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case len(data) == 0:
		return nil, model.Errorf(model.EInvalid, "%s is empty.", name)
	case bytes.HasPrefix(data, cfbMagic):
		if ext == ".xlsx" || ext == ".xlsm" {
			return nil, model.Errorf(model.EInvalid, "%s is password-protected (encrypted). Save a copy without a password and try again.", name)
		}
		return nil, saveAs(name, "an old Excel (.xls) or other OLE file")
	case bytes.HasPrefix(data, zipMagic):
		switch ext {
		case ".ods":
			return nil, saveAs(name, "an OpenDocument spreadsheet (.ods)")
		case ".numbers":
			return nil, saveAs(name, "a Numbers file")
		case ".docx", ".pptx":
			return nil, saveAs(name, "not a spreadsheet")
		}
		return readXLSX(name, data, opt)
	}
	switch ext {
	case ".xlsx", ".xlsm":
		return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file (it is not a zip archive). Save it again as .xlsx or .csv.", name)
	case ".xls":
		return nil, saveAs(name, "an old Excel (.xls) file")
	case ".ods", ".numbers", ".pdf", ".doc", ".docx", ".json", ".xml", ".zip":
		return nil, saveAs(name, "not a spreadsheet casegate reads")
	}
	if bytes.HasPrefix(data, []byte("%PDF")) || bytes.HasPrefix(data, []byte("\x1f\x8b")) {
		return nil, saveAs(name, "not a spreadsheet")
	}
	return readCSV(name, data, opt)
}

// ListSheets names the sheets of a file (a csv has one, named after it).
func ListSheets(name string, data []byte) ([]SheetInfo, error) {
	if bytes.HasPrefix(data, zipMagic) {
		z, err := openZip(name, data, DefaultLimits())
		if err != nil {
			return nil, err
		}
		return z.sheetInfos(), nil
	}
	return []SheetInfo{{Name: csvSheetName(name)}}, nil
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

func blank(cells []Cell) bool {
	for _, c := range cells {
		if c.Kind != KindEmpty && strings.TrimSpace(c.Value) != "" {
			return false
		}
	}
	return true
}

// header turns the header row into trimmed strings.
func header(cells []Cell) []string {
	h := make([]string, len(cells))
	for i, c := range cells {
		h[i] = strings.TrimSpace(strings.Trim(c.Value, "\u00a0\ufeff"))
	}
	return h
}
