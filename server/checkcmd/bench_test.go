package checkcmd

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"casegate/shared/benchdata/benchfile"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// TestMain removes the benchmark files (tens of MB each run) after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		_ = os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchFile(b *testing.B, n int, kind string) string {
	b.Helper()
	benchOnce.Do(func() { benchDir, benchErr = os.MkdirTemp("", "casegate-bench") })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	p, err := benchfile.File(benchDir, n, kind)
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

// BenchmarkProcess times whole processes, as a person running them does:
// the casegate binary's check (text output) and the bare encoding/csv
// program (shared/benchdata/barecsv) on the same 100k-row households csv.
// Both are built first; each iteration starts one process.
func BenchmarkProcess(b *testing.B) {
	path := benchFile(b, 100000, "households.csv")
	bin := b.TempDir()
	for pkg, out := range map[string]string{"casegate/server": "casegate", "casegate/shared/benchdata/barecsv": "barecsv"} {
		if o, err := exec.Command("go", "build", "-o", filepath.Join(bin, out), pkg).CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", pkg, err, o)
		}
	}
	run := func(b *testing.B, args ...string) {
		for i := 0; i < b.N; i++ {
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
			if err := cmd.Run(); err != nil {
				b.Fatalf("%v: %v", args, err)
			}
		}
	}
	b.Run("check", func(b *testing.B) {
		run(b, filepath.Join(bin, "casegate"), "check", "-case-type", "household", "-search-field", "external_id", "-create-new-cases", "on", path)
	})
	b.Run("barecsv", func(b *testing.B) { run(b, filepath.Join(bin, "barecsv"), path) })
}
