//go:build !js

package sheet

import (
	"bytes"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"casegate/shared/benchdata"
	"casegate/shared/benchdata/benchfile"
)

// The benchmark files are the ones `make bench` uses (shared/benchdata: 100,000
// member rows × 20 columns, the xlsx written by excelize's StreamWriter with
// real dates), generated once per run and kept in memory: nothing large is
// committed or left in a temp dir.
var (
	benchOnce            sync.Once
	benchXLSX            []byte
	benchCSV             []byte
	benchErr             error
	benchRows, benchCols = 100000, 20
)

func benchFiles(b *testing.B) ([]byte, []byte) {
	b.Helper()
	benchOnce.Do(func() {
		var x, c bytes.Buffer
		if benchErr = benchfile.WriteXLSX(&x, benchRows); benchErr != nil {
			return
		}
		benchErr = benchdata.WriteCSV(&c, benchRows, false)
		benchXLSX, benchCSV = x.Bytes(), c.Bytes()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchXLSX, benchCSV
}

func benchRead(b *testing.B, name string, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		book, err := Read(name, data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if sh := book.Sheets[0]; len(sh.Rows) != benchRows || len(sh.Header) != benchCols {
			b.Fatalf("%d rows × %d columns", len(sh.Rows), len(sh.Header))
		}
	}
}

func BenchmarkReadXLSX100k(b *testing.B) {
	x, _ := benchFiles(b)
	benchRead(b, "bench.xlsx", x)
}

func BenchmarkReadCSV100k(b *testing.B) {
	_, c := benchFiles(b)
	benchRead(b, "bench.csv", c)
}

// BenchmarkExcelizeRows100k is the reference: excelize's streaming
// Rows()+Columns() on the same workbook (with a sane unzip limit).
func BenchmarkExcelizeRows100k(b *testing.B) {
	x, _ := benchFiles(b)
	b.SetBytes(int64(len(x)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := excelize.OpenReader(bytes.NewReader(x), excelize.Options{UnzipSizeLimit: 256 << 20})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		_ = rows.Close()
		_ = f.Close()
		if n != benchRows+1 {
			b.Fatalf("%d rows", n)
		}
	}
}
