package sheet

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"casegate/shared/model"
)

// readWays reads data in one pass and in parts (three, from any size).
func readWays(data []byte, opt Options) (one, parts *Book, errOne, errParts error) {
	old := splitMin
	defer func() { splitMin = old }()
	splitMin = 1 << 62
	one, errOne = Read("f.csv", data, opt)
	splitMin = 1
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	parts, errParts = Read("f.csv", data, opt)
	return
}

func sameRead(t *testing.T, what string, data []byte, opt Options) {
	t.Helper()
	one, parts, e1, e2 := readWays(data, opt)
	if fmt.Sprint(e1) != fmt.Sprint(e2) {
		t.Fatalf("%s: one pass: %v; in parts: %v", what, e1, e2)
	}
	if !reflect.DeepEqual(seen(one), seen(parts)) {
		t.Fatalf("%s: the parts read differently:\n%+v\n%+v", what, seen(one), seen(parts))
	}
}

// seenRow is a row as a person sees it (a Row's text may be any piece of
// the file holding its cells).
type seenRow struct {
	Num   int
	Cells []string
	Kinds []Kind
}

// seen is a book's sheets as a person sees them.
func seen(b *Book) any {
	if b == nil {
		return nil
	}
	type seenSheet struct {
		Sheet Sheet
		Rows  []seenRow
	}
	out := []any{b.Format, b.Encoding, b.Delimiter, b.Date1904}
	for _, sh := range b.Sheets {
		s := seenSheet{Sheet: sh}
		s.Sheet.Rows = nil
		for _, r := range sh.Rows {
			sr := seenRow{Num: r.Num, Cells: r.Texts()}
			for i := range r.Len() {
				sr.Kinds = append(sr.Kinds, r.Kind(i))
			}
			s.Rows = append(s.Rows, sr)
		}
		out = append(out, s)
	}
	return out
}

// TestPartsReadAsOnePass: a text read in parts is the text read in one
// pass, row numbers and all: quoted line breaks, blank lines, CRLF, a
// header row further down, Excel's sep= line, the row limit.
func TestPartsReadAsOnePass(t *testing.T) {
	var gen strings.Builder
	gen.WriteString("id,note,n\r\n")
	for i := 0; i < 500; i++ {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&gen, "%d,\"multi\nline, \"\"quoted\"\"\",%d\r\n", i, i)
		case 1:
			gen.WriteString("\r\n")
		case 2:
			fmt.Fprintf(&gen, "%d,12\" pipe,%d\n", i, i)
		case 3:
			fmt.Fprintf(&gen, "%d,\"a\"b,%d\n", i, i)
		default:
			fmt.Fprintf(&gen, "%d,plain,%d\n", i, i)
		}
	}
	cases := map[string]string{
		"generated":   gen.String(),
		"semicolon":   "sep=;\na;b\n1;2\n\n3;\"x;\ny\"\n4;5\n6;7\n",
		"header row":  "title\n\nid,name\n1,a\n2,b\n3,c\n4,d\n",
		"no newline":  "a,b\n1,2\n3,\"open",
		"only header": "a,b\n",
	}
	for _, name := range []string{"utf8_bom_comma.csv", "excel_windows1252_semicolon.csv", "commcare_case_export.csv", "excel_unicode_text_utf16.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = string(b)
	}
	for name, text := range cases {
		sameRead(t, name, []byte(text), Options{})
		sameRead(t, name+" header 3", []byte(text), Options{HeaderRow: 3})
	}
	plain := []byte("id,name\n" + strings.Repeat("1,a\n\n2,\"b, c\"\r\n", 50))
	if cs := readParts(plain, ',', Options{HeaderRow: 1, Limits: DefaultLimits()}, 3); len(cs) != 3 || !joinable(cs) {
		t.Fatalf("a text of one-line records is read in %d parts (joinable: %v), want 3", len(cs), len(cs) == 3 && joinable(cs))
	}
	sameRead(t, "one-line records", plain, Options{})
	// A cut guessed inside a quoted field over lines: the parts are not
	// joined, the text is read in one.
	quoted := []byte("id,note\n1,\"" + strings.Repeat("long\n", 100) + "\"\n2,x\n")
	if cs := readParts(quoted, ',', Options{HeaderRow: 1, Limits: DefaultLimits()}, 2); len(cs) != 2 || joinable(cs) {
		t.Fatalf("a cut inside a quoted field: %d parts, joinable %v", len(cs), len(cs) == 2 && joinable(cs))
	}
	sameRead(t, "cut inside quotes", quoted, Options{})
	sameRead(t, "row limit", []byte(gen.String()), Options{Limits: Limits{MaxRows: 100}})
	_, _, err, _ := readWays([]byte(gen.String()), Options{Limits: Limits{MaxRows: 100}})
	if err == nil || !strings.Contains(err.Error(), "over the limit of 100 rows") {
		t.Errorf("row limit: %v", err)
	}
}

func FuzzReadCSVParts(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n3,4\n5,6\n", "a;b\n\"x;\ny\";2\n\n3;4\n", "h\n\"\"\"\n\"\n1\n2\n", "a\r\n\"b\r\n\"\r\nc\r\n"} {
		f.Add([]byte(s), 1)
	}
	f.Fuzz(func(t *testing.T, data []byte, header int) {
		if header < 0 || header > 5 {
			return
		}
		opt := Options{HeaderRow: header, Limits: Limits{MaxRecordBytes: 4096, MaxRows: 1000}}
		one, parts, e1, e2 := readWays(data, opt)
		if fmt.Sprint(e1) != fmt.Sprint(e2) || !reflect.DeepEqual(seen(one), seen(parts)) {
			t.Fatalf("one pass and parts differ on %q:\n%v %+v\n%v %+v", data, e1, one, e2, parts)
		}
	})
}

// checkRecordsByByte is checkRecords as it was before its fast paths: one
// byte at a time. The fuzz target below holds the two to the same verdict.
func checkRecordsByByte(name string, data []byte, delim byte, lim Limits) error {
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

func FuzzCheckRecords(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"x\ny\",\"\"\"\"\n", "a,\"b\"c,d\r\n", strings.Repeat("x", 70) + "\n1"} {
		f.Add([]byte(s), byte(','))
	}
	f.Fuzz(func(t *testing.T, data []byte, delim byte) {
		if delim != ',' && delim != ';' && delim != '\t' {
			return
		}
		lim := Limits{MaxRecordBytes: 64, MaxCols: 5}
		got := checkRecords("f.csv", data, delim, lim)
		want := checkRecordsByByte("f.csv", data, delim, lim)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q: %v, byte by byte %v", data, got, want)
		}
	})
}

// The scanner refuses a record over a limit exactly when the byte walk
// does, with the walk's words, read in one pass or in parts.
func FuzzReadLimits(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a\n1,2,3,4,5,6\n", "a\n\"" + strings.Repeat("x\n", 40) + "\"\n", "h\n" + strings.Repeat("y", 70)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) || bytes.IndexByte(data, 0) >= 0 ||
			len(data) > 5 && bytes.HasPrefix(bytes.ToLower(data[:4]), []byte("sep=")) || len(bytes.TrimSpace(data)) == 0 {
			return
		}
		lim := Limits{MaxRecordBytes: 64, MaxCols: 5, MaxRows: 1 << 20}
		walk := checkRecords("f.csv", data, ',', lim)
		_, _, e1, e2 := readWays(data, Options{Delimiter: ',', Limits: lim})
		for _, err := range []error{e1, e2} {
			if walk != nil && fmt.Sprint(err) != walk.Error() {
				t.Fatalf("%q: the walk refuses it (%v); read: %v", data, walk, err)
			}
			if walk == nil && err != nil && model.KindOf(err) == model.ETooLarge {
				t.Fatalf("%q: the walk passes it; read refuses: %v", data, err)
			}
		}
	})
}
