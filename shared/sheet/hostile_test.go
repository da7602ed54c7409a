package sheet

// Hostile and malformed files (RELIABILITY.md §4.4), generated here rather
// than committed: each must fail with the right *model.Error kind, quickly
// and without a burst of memory, never with a panic or "0 rows, success".

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"
	"time"

	"casegate/shared/model"
)

// bitWriter packs bits LSB first, as deflate does.
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

// code writes a Huffman code, most significant bit first.
func (w *bitWriter) code(c uint64, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.bits(c>>uint(i)&1, 1)
	}
}

func (w *bitWriter) flush() []byte {
	if w.nbits > 0 {
		w.out = append(w.out, byte(w.acc))
	}
	return w.out
}

// bombDeflate returns a raw deflate stream of prefix followed by about
// spaces spaces, built by hand with the fixed Huffman code (a match of 258
// bytes at distance 1 costs 13 bits): ~160 bytes out per byte in, without
// spending the time to compress them.
func bombDeflate(prefix string, spaces int64) []byte {
	var w bitWriter
	w.bits(1, 1) // final block
	w.bits(1, 2) // fixed Huffman
	for i := 0; i < len(prefix); i++ {
		w.code(0x30+uint64(prefix[i]), 8) // literals 0–143
	}
	w.code(0x30+' ', 8)
	for n := int64(0); n < spaces; n += 258 {
		w.code(0xC0+285-280, 8) // length 258
		w.code(0, 5)            // distance 1
	}
	w.code(0, 7) // end of block
	return w.flush()
}

// rawZip builds a zip whose entries are given compressed as they are, with
// the sizes the headers should claim.
type rawEntry struct {
	name     string
	deflated []byte
	crc      uint32
	size     uint64 // claimed uncompressed size
}

func rawZip(t *testing.T, entries ...rawEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: e.crc,
			CompressedSize64: uint64(len(e.deflated)), UncompressedSize64: e.size})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.deflated); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflated(t *testing.T, s string) rawEntry {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestSpeed)
	_, _ = fw.Write([]byte(s))
	_ = fw.Close()
	return rawEntry{deflated: b.Bytes(), crc: crc32.ChecksumIEEE([]byte(s)), size: uint64(len(s))}
}

func entry(t *testing.T, name, body string) rawEntry {
	e := deflated(t, body)
	e.name = name
	return e
}

// allocDuring returns the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestHostileXLSX(t *testing.T) {
	wb, rels := entry(t, "xl/workbook.xml", wbXML), entry(t, "xl/_rels/workbook.xml.rels", testRels)
	sheet := func(body string) rawEntry { return entry(t, "xl/worksheets/sheet1.xml", body) }
	okSheet := `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c><v>1</v></c></row></sheetData></worksheet>`

	// A 1 MiB zip whose sheet inflates to ~170 MiB: over the ratio cap
	// (100:1) before the per-part cap (128 MiB).
	bombBody := bombDeflate("<worksheet><sheetData>", 170<<20)
	bomb := rawZip(t, wb, rels, rawEntry{name: "xl/worksheets/sheet1.xml", deflated: bombBody, size: 170 << 20})
	if len(bomb) > 1200<<10 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	// The same stream with a header claiming 4 KiB.
	liar := rawZip(t, wb, rels, rawEntry{name: "xl/worksheets/sheet1.xml", deflated: bombBody, size: 4096})
	// A sheet whose header claims less than it holds (the trick that made
	// excelize return 0 rows and no error).
	short := sheet(okSheet)
	short.size = 10
	shortZip := rawZip(t, wb, rels, short)
	// One cell at XFD in 2,000 rows.
	var xfd strings.Builder
	xfd.WriteString(`<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>h</t></is></c></row>`)
	for r := 2; r <= 2001; r++ {
		xfd.WriteString(`<row r="` + itoa(r) + `"><c r="XFD` + itoa(r) + `"><v>1</v></c></row>`)
	}
	xfd.WriteString(`</sheetData></worksheet>`)
	entity := `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>`
	sst := `<sst><si><t>&b;</t></si></sst>`
	wbSST := entry(t, "xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	dup := rawZip(t, wb, rels, sheet(okSheet), sheet(okSheet))

	cases := []struct {
		name string
		data []byte
		opt  Options
		kind model.ErrorKind
		text string
	}{
		{"bomb.xlsx", bomb, Options{}, model.ETooLarge, "times its compressed size"},
		{"bomb-total.xlsx", bomb, Options{Limits: Limits{MaxUnzipped: 8 << 20}}, model.ETooLarge, "inflates to more than 8.0 MiB"},
		{"liar.xlsx", liar, Options{}, model.EInvalid, "damaged"},
		{"short.xlsx", shortZip, Options{}, model.EInvalid, "damaged"},
		{"xfd.xlsx", rawZip(t, wb, rels, sheet(xfd.String())), Options{}, model.ETooLarge, "cell XFD2 is beyond the limit of 300 columns"},
		{"doctype-sheet.xlsx", rawZip(t, wb, rels, sheet(entity+okSheet)), Options{}, model.EInvalid, "DOCTYPE"},
		{"doctype-sst.xlsx", rawZip(t, wb, wbSST, sheet(okSheet), entry(t, "xl/sharedStrings.xml", entity+sst)), Options{}, model.EInvalid, "DOCTYPE"},
		{"doctype-wb.xlsx", rawZip(t, entry(t, "xl/workbook.xml", entity+wbXML), rels, sheet(okSheet)), Options{}, model.EInvalid, "DOCTYPE"},
		{"xxe.xlsx", rawZip(t, wb, rels, sheet(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>`+okSheet)), Options{}, model.EInvalid, "DOCTYPE"},
		{"dup.xlsx", dup, Options{}, model.EInvalid, "appears twice"},
		{"nosheetpart.xlsx", rawZip(t, wb, rels), Options{}, model.EInvalid, "is missing"},
		{"noworkbook.xlsx", rawZip(t, sheet(okSheet)), Options{}, model.EInvalid, "no workbook"},
		{"truncated.xlsx", bomb[:len(bomb)/2], Options{}, model.EInvalid, "damaged"},
		{"garbage.xlsx", []byte("this is not a spreadsheet at all\x00\x01"), Options{}, model.EInvalid, "not a zip"},
		{"pk.xlsx", []byte("PK\x03\x04garbage"), Options{}, model.EInvalid, "damaged"},
		{"one.xlsx", []byte("P"), Options{}, model.EInvalid, "not a zip"},
		{"encrypted.xlsx", cfb("EncryptionInfo", "EncryptedPackage"), Options{}, model.EInvalid, "password-protected"},
		{"renamed-xls.xlsx", cfb("Workbook", "SummaryInformation"), Options{}, model.EUnsupported, ".xls"},
		{"old.xls", cfb("Workbook"), Options{}, model.EUnsupported, "Save it as .xlsx or .csv"},
		{"row-max.xlsx", rawZip(t, wb, rels, sheet(`<worksheet><sheetData><row r="2147483647"/></sheetData></worksheet>`)), Options{}, model.EInvalid, "rows are numbered 1 to"},
		{"row-neg.xlsx", rawZip(t, wb, rels, sheet(`<worksheet><sheetData><row r="-1"/></sheetData></worksheet>`)), Options{}, model.EInvalid, "rows are numbered 1 to"},
		{"row-over.xlsx", rawZip(t, wb, rels, sheet(`<worksheet><sheetData><row r="1048577"/></sheetData></worksheet>`)), Options{}, model.EInvalid, "rows are numbered 1 to"},
		{"colname.xlsx", rawZip(t, wb, rels, sheet(`<worksheet><sheetData><row r="1"><c r="VGWQHXLSDVIKWV1"><v>1</v></c></row></sheetData></worksheet>`)), Options{}, model.ETooLarge, "beyond the limit of 300 columns"},
		{"order.xlsx", rawZip(t, wb, rels, sheet(`<worksheet><sheetData><row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row></sheetData></worksheet>`)), Options{}, model.EInvalid, "out of order"},
		{"deep.xlsx", rawZip(t, wb, rels, sheet(`<worksheet><sheetData>`+strings.Repeat("<a>", 1000000)+`</sheetData></worksheet>`)), Options{Limits: Limits{MaxRatio: 1 << 20}}, model.EInvalid, "empty"},
	}
	for _, c := range cases {
		start := time.Now()
		var err error
		alloc := allocDuring(func() { _, err = Read(c.name, c.data, c.opt) })
		wantErr(t, c.name, err, c.kind, c.text)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v", c.name, d)
		}
		if alloc > 64<<20 {
			t.Errorf("%s allocated %d MiB", c.name, alloc>>20)
		}
		if _, err := ListSheets(c.name, c.data); err == nil && !strings.Contains(c.name, "bomb") && !strings.HasPrefix(c.name, "row") &&
			!strings.HasPrefix(c.name, "xfd") && !strings.HasPrefix(c.name, "doctype-sheet") && !strings.HasPrefix(c.name, "xxe") &&
			!strings.HasPrefix(c.name, "liar") && !strings.HasPrefix(c.name, "short") && !strings.HasPrefix(c.name, "nosheetpart") &&
			!strings.HasPrefix(c.name, "colname") && !strings.HasPrefix(c.name, "order") && !strings.HasPrefix(c.name, "deep") && !strings.HasPrefix(c.name, "doctype-sst") {
			t.Errorf("ListSheets(%s) accepted it", c.name)
		}
	}
	// The boundaries: 300 columns are fine, 301 are not.
	row := func(n int) string {
		var b strings.Builder
		b.WriteString(`<worksheet><sheetData><row r="1">`)
		for c := 1; c <= n; c++ {
			b.WriteString(`<c r="` + ColName(c) + `1" t="inlineStr"><is><t>h` + itoa(c) + `</t></is></c>`)
		}
		b.WriteString(`</row></sheetData></worksheet>`)
		return b.String()
	}
	if b, err := Read("300.xlsx", rawZip(t, wb, rels, sheet(row(300))), Options{}); err != nil || len(b.Sheets[0].Header) != 300 {
		t.Errorf("300 columns: %v", err)
	}
	_, err := Read("301.xlsx", rawZip(t, wb, rels, sheet(row(301))), Options{})
	wantErr(t, "301 columns", err, model.ETooLarge, "cell KO1 is beyond the limit of 300 columns")
}

// cfb returns the start of an OLE compound file naming the given streams
// (their directory entries hold UTF-16LE names).
func cfb(streams ...string) []byte {
	b := append([]byte{}, cfbMagic...)
	b = append(b, make([]byte, 504)...)
	for _, s := range streams {
		b = append(b, utf16le(s)...)
		b = append(b, make([]byte, 128-2*len(s))...)
	}
	return b
}

func TestXLSX_RowLimit(t *testing.T) {
	wb, rels := entry(t, "xl/workbook.xml", wbXML), entry(t, "xl/_rels/workbook.xml.rels", testRels)
	rows := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>h</t></is></c></row>`)
		for r := 2; r <= n+1; r++ {
			b.WriteString(`<row r="` + itoa(r) + `"><c><v>` + itoa(r) + `</v></c></row>`)
		}
		b.WriteString(`</sheetData></worksheet>`)
		return rawZip(t, wb, rels, entry(t, "xl/worksheets/sheet1.xml", b.String()))
	}
	lim := Limits{MaxRows: 1000}
	if b, err := Read("1000.xlsx", rows(1000), Options{Limits: lim}); err != nil || len(b.Sheets[0].Rows) != 1000 {
		t.Errorf("1,000 rows at a limit of 1,000: %v", err)
	}
	_, err := Read("1001.xlsx", rows(1001), Options{Limits: lim})
	wantErr(t, "1,001 rows", err, model.ETooLarge, "row 1,002 is over the limit of 1,000 rows")
}

func TestHostileCSV(t *testing.T) {
	// A 2 MiB line (and a 2 MiB line inside an unclosed quote) is refused
	// before encoding/csv sees it: quickly, allocating little beyond the
	// file itself.
	for _, c := range []struct{ name, prefix string }{{"long.csv", "a,b\n"}, {"quote.csv", "a,b\n\"x,"}, {"commas.csv", "a\n"}} {
		fill := "x"
		if c.name == "commas.csv" {
			fill = ","
		}
		data := []byte(c.prefix + strings.Repeat(fill, 2<<20) + "\n")
		start := time.Now()
		var err error
		alloc := allocDuring(func() { _, err = Read(c.name, data, Options{}) })
		if c.name == "commas.csv" {
			wantErr(t, c.name, err, model.ETooLarge, "row 2 has more than 300 columns")
		} else {
			wantErr(t, c.name, err, model.ETooLarge, "row 2 is longer than 1.0 MiB")
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s took %v", c.name, d)
		}
		if alloc > 8<<20 {
			t.Errorf("%s allocated %d MiB for a %d MiB file", c.name, alloc>>20, len(data)>>20)
		}
	}
	// A bare quote inside an unquoted field is a character (LazyQuotes),
	// not the start of a quoted field that runs to the end of the file.
	var body strings.Builder
	body.WriteString("item,size\n12\" pipe,x\n")
	for body.Len() < 3<<20 {
		body.WriteString("row,with some text to fill the file\n")
	}
	b, err := Read("inches.csv", []byte(body.String()), Options{})
	if err != nil {
		t.Fatalf("bare quote: %v", err)
	}
	if got := b.Sheets[0].Rows[0].Text(0); got != `12" pipe` || b.Sheets[0].Rows[1].Num != 3 {
		t.Errorf("bare quote: %q, second row numbered %d", got, b.Sheets[0].Rows[1].Num)
	}
	// The exact boundaries.
	lim := Limits{MaxRows: 3, MaxCols: 3, MaxRecordBytes: 16}
	for _, c := range []struct {
		name, body string
		text       string // "" = accepted
	}{
		{"rows-ok.csv", "h\n1\n2\n3\n", ""},
		{"rows-over.csv", "h\n1\n2\n3\n4\n", "row 5 is over the limit of 3 rows"},
		{"rows-blank.csv", "h\n1\n\n2\n,\n3\n", ""}, // blank rows are not data rows
		{"cols-ok.csv", "a,b,c\n1,2,3\n", ""},
		{"cols-over.csv", "a,b,c\n1,2,3,4\n", "row 2 has more than 3 columns"},
		{"cols-quoted.csv", "a,b,c\n\"1,2,3,4\",x\n", ""}, // delimiters inside quotes are text
		{"rec-ok.csv", "a\n\"0123456789ab\"\n", ""},
		{"rec-over.csv", "a\n\"0123456789abcdef\"\n", "row 2 is longer than 16 bytes"},
	} {
		_, err := Read(c.name, []byte(c.body), Options{Limits: lim})
		if c.text == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		wantErr(t, c.name, err, model.ETooLarge, c.text)
	}
}
