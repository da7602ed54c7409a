package sheet

import (
	"bytes"
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
	for name, cm := range singleByte {
		want, err := cm.NewDecoder().Bytes(all)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeSingle(cm, all); !bytes.Equal(got, want) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if singleByte["windows-1252"] != charmap.Windows1252 {
		t.Error("windows-1252 is not decoded as Windows-1252")
	}
}
