package checkcmd

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"sync"
	"testing"

	"casegate/shared/benchdata"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func benchFile(b *testing.B, n int, kind string) string {
	b.Helper()
	benchOnce.Do(func() { benchDir, benchErr = os.MkdirTemp("", "casegate-bench") })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	p, err := benchdata.File(benchDir, n, kind)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkCheckCommand times the whole check command (text output) on
// generated 100k-row × 20-column files: valid households, and members whose
// parents are all missing (every row an error: the report's worst case).
func BenchmarkCheckCommand(b *testing.B) {
	b.Run("households.csv", func(b *testing.B) {
		path := benchFile(b, 100000, "households.csv")
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if code := Run([]string{"-case-type", "household", "-search-field", "external_id", "-create-new-cases", "on", path}, io.Discard, io.Discard); code != ExitClean {
				b.Fatalf("exit %d", code)
			}
		}
	})
	for _, kind := range []string{"csv", "cp1252.csv", "xlsx"} {
		b.Run(kind, func(b *testing.B) {
			path := benchFile(b, 100000, kind)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				code := Run([]string{"-case-type", "member", "-search-field", "external_id", "-create-new-cases", "on", path}, io.Discard, io.Discard)
				if code == ExitUnusable {
					b.Fatal("unusable")
				}
			}
		})
	}
}

// BenchmarkBareCSV is the floor: encoding/csv reading the same file.
func BenchmarkBareCSV(b *testing.B) {
	path := benchFile(b, 100000, "households.csv")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
		r.FieldsPerRecord = -1
		for {
			if _, err := r.Read(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
	}
}
