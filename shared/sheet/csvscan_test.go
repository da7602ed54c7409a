package sheet

import (
	"bytes"
	"encoding/csv"
	"io"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// stdRecord is a record as encoding/csv reads it (LazyQuotes, the reader
// csvScanner replaced): its fields, the line it starts on and the line its
// last field starts on.
type stdRecord struct {
	Fields          []string
	First, LastLine int
}

func readStd(text []byte, delim byte) []stdRecord {
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = rune(delim)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out []stdRecord
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil { // LazyQuotes reads any bytes; the oracle must too
			panic(err)
		}
		first, _ := r.FieldPos(0)
		last, _ := r.FieldPos(len(rec) - 1)
		out = append(out, stdRecord{rec, first, last})
	}
}

func readScanner(text []byte, delim byte) []stdRecord {
	s := csvScanner{text: text, delim: delim}
	var out []stdRecord
	for {
		rec, ok := s.record()
		if !ok {
			return out
		}
		out = append(out, stdRecord{append([]string(nil), rec...), s.first, s.lastField})
	}
}

// The scanner reads what encoding/csv reads, record by record, line
// numbers included, and shares the text's bytes for plain fields.
func TestCSVScanner(t *testing.T) {
	for _, text := range []string{
		"a,b\n1,2\n",
		"a,b\r\n1,2\r\n",
		"a,b\n\n\n1,2",
		"a,\"b\nc\",d\n",
		"a,\"b\r\nc\"\r\n",
		"x,\"he said \"\"hi\"\"\",y\n",
		"12\" pipe,\"a\"b,c\n",
		"\"open\n",
		"\"open",
		"a,b\r",
		"\r",
		"\r\n\r\n",
		"a,\"\"\n",
		"a,\"x\"\"\n",
		"\"a\"b\"c\",d\ne,f\n",
		"lone\rcr,x\n",
		",,\n,\n",
	} {
		for _, d := range []byte{',', ';', '\t'} {
			txt := strings.ReplaceAll(text, ",", string(d))
			want, got := readStd([]byte(txt), d), readScanner([]byte(txt), d)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%q:\nencoding/csv %+v\nscanner      %+v", txt, want, got)
			}
		}
	}
	text := []byte("plain,\"quoted\",\"esc\"\"aped\"\n")
	s := csvScanner{text: text, delim: ','}
	rec, _ := s.record()
	shares := func(v string) bool {
		i := bytes.Index(text, []byte(v))
		return len(v) > 0 && i >= 0 && unsafe.StringData(v) == &text[i]
	}
	if !shares(rec[0]) || !shares(rec[1]) || shares(rec[2]) {
		t.Errorf("plain and quoted fields share the text, an unescaped one is a copy: %v %v %v", shares(rec[0]), shares(rec[1]), shares(rec[2]))
	}
}

func FuzzCSVScanner(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"a\r\nb\"\r\n\r\nc", "x\"y,\"z\"\"\"w\n\"", "a;\"b;\nc\";d\n"} {
		f.Add([]byte(s), byte(0))
	}
	f.Fuzz(func(t *testing.T, text []byte, d byte) {
		delim := []byte{',', ';', '\t'}[int(d)%3]
		want, got := readStd(text, delim), readScanner(text, delim)
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%q:\nencoding/csv %+v\nscanner      %+v", text, want, got)
		}
	})
}
