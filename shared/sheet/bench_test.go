//go:build !js

package sheet

import (
	"bytes"
	"os"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"casegate/shared/benchdata"
)

var (
	benchOnce sync.Once
	benchDir  string
)

func benchBytes(b *testing.B, n int, kind string) []byte {
	b.Helper()
	benchOnce.Do(func() { benchDir, _ = os.MkdirTemp("", "casegate-sheet-bench") })
	p, err := benchdata.File(benchDir, n, kind)
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkRead reads generated 100k-row × 20-column files.
func BenchmarkRead(b *testing.B) {
	for _, kind := range []string{"xlsx", "csv", "cp1252.csv"} {
		b.Run(kind, func(b *testing.B) {
			data := benchBytes(b, 100000, kind)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				book, err := Read("bench."+kind, data, Options{})
				if err != nil || len(book.Sheets[0].Rows) != 100000 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExcelizeRows is the reference: excelize's streaming Rows API on
// the same workbook.
func BenchmarkExcelizeRows(b *testing.B) {
	data := benchBytes(b, 100000, "xlsx")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := excelize.OpenReader(bytes.NewReader(data))
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
		rows.Close()
		f.Close()
		if n != 100001 {
			b.Fatalf("%d rows", n)
		}
	}
}
