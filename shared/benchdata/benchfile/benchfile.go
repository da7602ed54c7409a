// Package benchfile writes benchdata's cases as files: csv, and xlsx
// written by excelize with real Excel dates (kept out of benchdata, which
// the reader worker links).
package benchfile

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"casegate/shared/benchdata"
)

// File writes (once) and returns the path of a generated file in dir:
// kind is "csv", "cp1252.csv", "xlsx" (members) or "households.csv".
func File(dir string, n int, kind string) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("members-%d.%s", n, kind))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return "", err
	}
	switch kind {
	case "csv":
		err = benchdata.WriteCSV(f, n, false)
	case "cp1252.csv":
		err = benchdata.WriteCSV(f, n, true)
	case "xlsx":
		err = WriteXLSX(f, n)
	case "households.csv":
		err = benchdata.WriteHouseholdsCSV(f, n)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return path, os.Rename(path+".tmp", path)
}

// WriteXLSX writes n rows as a workbook with the dob column as real dates.
func WriteXLSX(w io.Writer, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	hdr := make([]any, len(benchdata.Header))
	for i, h := range benchdata.Header {
		hdr[i] = h
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, uint64(n)))
	cells := make([]any, len(benchdata.Header))
	for i := 0; i < n; i++ {
		row, dob := benchdata.Row(r, i)
		for j, v := range row {
			cells[j] = v
		}
		cells[4] = excelize.Cell{StyleID: date, Value: dob}
		cells[6] = mustFloat(row[6])
		cells[12] = mustFloat(row[12])
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func mustFloat(s string) float64 {
	var f float64
	_, _ = fmt.Sscan(s, &f)
	return f
}
