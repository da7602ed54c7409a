// Package benchdata generates household and member cases deterministically:
// 20 columns (text, ids with leading zeros, dates, numbers, addresses,
// parents), as rows or csv (UTF-8 or Windows-1252). It imports no excelize,
// so the reader worker warms up on the same rows (app/worker/warm.go);
// benchfile writes them as files, xlsx included. Benchmarks and `make bench`
// generate them at run time; nothing large is committed.
package benchdata

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// Header is the 20 columns of a generated member file.
var Header = []string{
	"external_id", "name", "parent_external_id", "parent_type", "dob", "sex", "weight_kg", "phone",
	"village", "address", "national_id", "date_registered", "height_cm", "occupation", "education",
	"religion", "marital_status", "language", "notes", "household_size",
}

var villages = []string{"Kiambu", "Kisumu", "Nakuru", "Nyeri", "Thika", "Meru", "Embu", "Kitui", "São Tomé", "Kraków"}
var names = []string{"Grace", "Peter", "Mary", "John", "Achieng", "Otieno", "José", "Zoë", "Njeri", "Kiprop"}
var addrs = []string{"1 Main St, Denver, CO, 80202, US", ",Denver,CO,80202", "12 Moi Ave, Nairobi, , 00100, KE", "5 King St, Toronto, ON, M5H 1A1, CA", ""}

// Row returns row i (0-based) of the generated data; dob is a time.
func Row(r *rand.Rand, i int) ([]string, time.Time) {
	dob := time.Date(1950+r.IntN(70), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	reg := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(600))
	return []string{
		fmt.Sprintf("M-%07d", i), names[r.IntN(len(names))] + " " + names[r.IntN(len(names))],
		fmt.Sprintf("HH-%06d", i/4), "household", dob.Format("2006-01-02"), []string{"female", "male"}[r.IntN(2)],
		fmt.Sprintf("%d.%d", 3+r.IntN(100), r.IntN(10)), fmt.Sprintf("+254 7%08d", r.IntN(100000000)),
		villages[r.IntN(len(villages))], addrs[r.IntN(len(addrs))], fmt.Sprintf("%08d", r.IntN(100000000)),
		reg.Format("02/01/2006"), fmt.Sprint(50 + r.IntN(150)), "farmer", "primary", "none", "single", "sw",
		"note with, a comma", fmt.Sprint(1 + r.IntN(9)),
	}, dob
}

// WriteCSV writes n rows as csv; cp1252 encodes it as Windows-1252 (the
// generated text is Latin-1, so every character has a byte).
func WriteCSV(w io.Writer, n int, cp1252 bool) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var out io.Writer = bw
	if cp1252 {
		out = latin1Writer{bw}
	}
	cw := csv.NewWriter(out)
	if err := cw.Write(Header); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, uint64(n)))
	for i := 0; i < n; i++ {
		row, _ := Row(r, i)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

type latin1Writer struct{ w io.Writer }

func (l latin1Writer) Write(p []byte) (int, error) {
	out := make([]byte, 0, len(p))
	for _, r := range string(p) {
		if r > 0xff {
			r = '?'
		}
		out = append(out, byte(r))
	}
	_, err := l.w.Write(out)
	return len(p), err
}

// HouseholdHeader is the 20 columns of a generated household file: every
// row valid, so a check measures the engine rather than the report.
var HouseholdHeader = []string{
	"external_id", "name", "village", "members", "address", "phone", "date_registered", "national_id",
	"head_name", "head_dob", "water_source", "toilet", "roof", "income", "latitude", "longitude",
	"visit_count", "notes", "program", "zone",
}

// WriteHouseholdsCSV writes n valid household rows.
func WriteHouseholdsCSV(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(HouseholdHeader); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(2, uint64(n)))
	for i := 0; i < n; i++ {
		dob := time.Date(1950+r.IntN(50), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		row := []string{fmt.Sprintf("HH-%07d", i), names[r.IntN(len(names))] + " household", villages[r.IntN(len(villages))],
			fmt.Sprint(1 + r.IntN(9)), "1 Main St, Denver, CO, 80202, US", fmt.Sprintf("+254 7%08d", r.IntN(100000000)),
			time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(600)).Format("2006-01-02"), fmt.Sprintf("%08d", r.IntN(100000000)),
			names[r.IntN(len(names))], dob.Format("2006-01-02"), "borehole", "pit", "iron", fmt.Sprint(r.IntN(50000)),
			fmt.Sprintf("-1.%06d", r.IntN(1000000)), fmt.Sprintf("36.%06d", r.IntN(1000000)), fmt.Sprint(r.IntN(12)),
			"note with, a comma", "nutrition", fmt.Sprintf("Z%02d", r.IntN(40))}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
