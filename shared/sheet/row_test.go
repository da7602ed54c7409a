package sheet

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// A row's cells read back as they were made, past its end as empty; an
// edit grows the row and types the cell as text; a csv row's cells stay
// pieces of the file unless a field had to be unescaped.
func TestRow(t *testing.T) {
	r := NewRow(7, []string{"a", "", "ccc"}, []Kind{KindText, KindEmpty, KindNumber})
	if r.Len() != 3 || r.Text(0) != "a" || r.Text(1) != "" || r.Text(2) != "ccc" || r.Text(3) != "" || r.Kind(2) != KindNumber {
		t.Fatalf("made: %q %v", r.Texts(), r.Kinds)
	}
	r.Set(4, "e")
	if got := strings.Join(r.Texts(), "|"); got != "a||ccc||e" || r.Kind(4) != KindText || r.Kind(3) != KindEmpty || r.Kind(2) != KindNumber || r.Num != 7 {
		t.Errorf("after setting cell 4: %q %v", got, r.Kinds)
	}
	r.Set(2, "")
	if r.Kind(2) != KindEmpty || r.Text(2) != "" {
		t.Errorf("a cleared cell: %q %v", r.Text(2), r.Kind(2))
	}
	empty := NewRow(1, nil, nil)
	if empty.Len() != 0 || empty.Text(0) != "" || empty.Kind(0) != KindEmpty || r.Kind(9) != KindEmpty {
		t.Errorf("an empty row: %d %q", empty.Len(), empty.Text(0))
	}

	text := "id,name\n1,\"Ann, B\"\n2,\"12\"\" pipe\"\n"
	b, err := Read("f.csv", []byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := b.Sheets[0].Rows
	if len(rows) != 2 || rows[0].Text(1) != "Ann, B" || rows[1].Text(1) != `12" pipe` {
		t.Fatalf("rows %q %q", rows[0].Texts(), rows[1].Texts())
	}
	if !rows[0].pairs || rows[1].pairs {
		t.Errorf("a plain row is a piece of the file (%v); one with a doubled quote a copy (%v)", rows[0].pairs, !rows[1].pairs)
	}
}

// Single-byte encodings decode as golang.org/x/text decodes them, byte
// for byte.
func TestDecodeSingle(t *testing.T) {
	all := make([]byte, 0, 512)
	for b := range 256 {
		all = append(all, byte(b), 'x')
	}
	for _, name := range []string{"windows-1252", "cp1252", "latin1", "macintosh", "mac-roman"} {
		cm, _ := singleByteFor(name)
		want, err := cm.NewDecoder().Bytes(all)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeSingle(cm, all); !bytes.Equal(got, want) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if cm, used := singleByteFor("Windows-1252"); cm != charmap.Windows1252 || used != "windows-1252" {
		t.Error("windows-1252 is not decoded as Windows-1252")
	}
}

// TestReadAtIsRead: a file read where it is reads as a copy of it reads,
// every sample and text in every encoding, with any chunk size (characters
// cut at a chunk's end), and refuses what Read refuses with the same words.
func TestReadAtIsRead(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.*")
	cases := map[string][]byte{}
	for _, f := range files {
		if strings.HasSuffix(f, ".py") || strings.HasSuffix(f, ".json") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[filepath.Base(f)] = b
	}
	cp := []byte("id;name;town\n1;Zo\xeb;K\xf6ln\n2;\x80 \x9c;\xff\n")
	cases["cp1252.csv"] = cp
	cases["utf8.csv"] = []byte("id,name\n1,Zoë 😀 ✓\n2,\"a, é\"\n")
	cases["bom.csv"] = append([]byte{0xEF, 0xBB, 0xBF}, "id,name\n1,é\n"...)
	cases["empty.csv"] = nil
	cases["blank.csv"] = []byte("  \n")
	cases["old.xls"] = append(append([]byte{}, cfbMagic...), utf16le("Workbook")...)
	cases["nul.csv"] = []byte("id\n1\x00\n")
	cases["doc.pdf"] = []byte("%PDF-1.4 ...")
	for _, chunk := range []int{1 << 20, 5, 1} {
		textChunk = chunk
		for name, data := range cases {
			for _, enc := range []string{"", "windows-1252", "macintosh", "utf-8"} {
				opt := Options{Encoding: enc}
				want, werr := Read(name, data, opt)
				got, gerr := ReadAt(name, bytes.NewReader(data), int64(len(data)), opt)
				if fmt.Sprint(werr) != fmt.Sprint(gerr) || !reflect.DeepEqual(seen(got), seen(want)) {
					t.Errorf("%s (%q, chunks of %d): ReadAt %v %v; Read %v %v", name, enc, chunk, gerr, seen(got), werr, seen(want))
				}
			}
		}
	}
	textChunk = 1 << 20
	big := Options{Limits: Limits{MaxBytes: 10}}
	if _, err := ReadAt("big.csv", bytes.NewReader(cp), int64(len(cp)), big); err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Errorf("a file over the limit: %v", err)
	}
}

// FuzzReadAt holds ReadAt to Read's verdict on any bytes, encoding and
// chunk size.
func FuzzReadAt(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "id;n\n1;Zo\xeb\n", "\xef\xbb\xbfa\n\xc3\xa9\n", "a\n\xe2\x82", "\xff\xfea\x00\n\x00", "PK\x03\x04"} {
		f.Add([]byte(s), uint8(0), uint8(3))
	}
	encs := []string{"", "windows-1252", "macintosh", "utf-8", "utf-16le"}
	f.Fuzz(func(t *testing.T, data []byte, enc, chunk uint8) {
		textChunk = 1 + int(chunk)%16
		defer func() { textChunk = 1 << 20 }()
		opt := Options{Encoding: encs[int(enc)%len(encs)], Limits: Limits{MaxRecordBytes: 4096, MaxRows: 1000}}
		want, werr := Read("f.csv", data, opt)
		got, gerr := ReadAt("f.csv", bytes.NewReader(data), int64(len(data)), opt)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) || !reflect.DeepEqual(seen(got), seen(want)) {
			t.Fatalf("%q (%q, chunks of %d): ReadAt %v %v; Read %v %v", data, opt.Encoding, textChunk, gerr, seen(got), werr, seen(want))
		}
	})
}
