// Package demo seeds a newcomer's first start: a project "demo" with an admin
// user and API key, the example case types, a few hundred households and
// members (two households share an external id, so an ambiguous parent shows
// at once), and sample files to import under examples/.
package demo

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"casegate/server/store"
	"casegate/shared/casetype"
	"casegate/shared/model"
)

// Domain is the demo project's name.
const Domain = "demo"

// Email is the demo admin's email.
const Email = "admin@demo.example"

// Seeded reports whether the demo domain exists.
func Seeded(ctx context.Context, s *store.Store) bool {
	_, err := s.FindDomain(ctx, Domain)
	return err == nil
}

// Seed creates the demo domain and prints how to sign in and call the API.
func Seed(ctx context.Context, s *store.Store, out io.Writer, examplesDir, baseURL string) error {
	if err := s.CreateDomain(ctx, Domain); err != nil {
		return fmt.Errorf("create demo domain: %w", err)
	}
	u, password, err := s.CreateUser(ctx, Domain, Email, "admin")
	if err != nil {
		return fmt.Errorf("create demo user: %w", err)
	}
	key, err := s.CreateAPIKey(ctx, Domain, u.ID)
	if err != nil {
		return err
	}
	if _, err := s.CreateGroup(ctx, Domain, "Field team"); err != nil {
		return err
	}
	for _, ct := range casetype.Builtins() {
		b, _ := json.Marshal(ct)
		if err := s.SaveCaseType(ctx, Domain, ct.Name, b); err != nil {
			return err
		}
	}
	cases := Cases(u.ID)
	if err := s.Tx(ctx, func(tx store.Tx) error { return s.InsertCases(ctx, tx, Domain, cases) }); err != nil {
		return fmt.Errorf("seed cases: %w", err)
	}
	if examplesDir != "" {
		if err := WriteExamples(examplesDir); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, `
casegate demo project created (this is printed once; keep it):
  sign in at   %s/login
  email        %s
  password     %s
  API key      %s
  try the bulk upload API:
    curl -v %s/a/%s/importer/excel/bulk_upload_api/ -u %s:%s -F "file=@%s" -F "case_type=household" -F "search_field=external_id" -F "search_column=household_id" -F "create_new_cases=on"
  sample files: %s

`, baseURL, Email, password, key, baseURL, Domain, Email, password, filepath.Join(examplesDir, "household_case_upload.xlsx"), examplesDir)
	return nil
}

var villages = []string{"Kiambu", "Kisumu", "Nakuru", "Nyeri", "Thika", "Meru", "Embu", "Kitui", "Machakos", "Eldoret"}
var given = []string{"Grace", "Peter", "Mary", "John", "Achieng", "Otieno", "Wanjiru", "Kamau", "Njeri", "Kiprop", "Aisha", "Omar"}
var family = []string{"Kamau", "Otieno", "Mwangi", "Wanjiru", "Odhiambo", "Kiptoo", "Mutua", "Njoroge", "Wekesa", "Hassan"}

// Cases returns the demo's existing cases: 150 households with 2 members
// each, deterministic, and HH-0007 on two households.
func Cases(owner string) []model.Case {
	r := rand.New(rand.NewPCG(7, 42))
	var out []model.Case
	opened := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	for i := 1; i <= 150; i++ {
		fam := family[r.IntN(len(family))]
		hh := model.Case{CaseID: fmt.Sprintf("%032x", 0xa000+i), CaseType: "household", ExternalID: fmt.Sprintf("HH-%04d", i),
			Name: fam + " household", OwnerID: owner, DateOpened: opened.AddDate(0, 0, i).Format("2006-01-02"), ModifiedOn: now,
			Properties: map[string]string{"village": villages[r.IntN(len(villages))], "members": "2"}}
		if i == 150 { // shares HH-0007: ambiguous on purpose
			hh.ExternalID = "HH-0007"
			hh.Name = "Second " + hh.Name
		}
		out = append(out, hh)
		for j := 1; j <= 2; j++ {
			out = append(out, model.Case{CaseID: fmt.Sprintf("%032x", 0xb0000+i*10+j), CaseType: "member",
				ExternalID: fmt.Sprintf("M-%04d-%d", i, j), Name: given[r.IntN(len(given))] + " " + fam, OwnerID: owner,
				DateOpened: hh.DateOpened, ModifiedOn: now,
				Parent:     &model.Index{CaseID: hh.CaseID, CaseType: "household", Relationship: "child", Identifier: "parent"},
				Properties: map[string]string{"dob": fmt.Sprintf("%d-%02d-%02d", 1950+r.IntN(70), 1+r.IntN(12), 1+r.IntN(28)), "sex": []string{"female", "male"}[r.IntN(2)]}})
		}
	}
	return out
}

// WriteExamples writes sample files a newcomer can import at once: new
// households (with a bad address and an Excel-serial date), their members
// (one naming the ambiguous HH-0007, one with a bad date), and the bulk API
// seed's workbook.
func WriteExamples(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	households := [][]string{
		{"household_id", "name", "village", "members", "address", "date_registered"},
		{"HH-1001", "Akinyi household", "Kisumu", "4", "12 Oginga Odinga St, Kisumu, , 40100, KE", "2025-02-01"},
		{"HH-1002", "Baraka household", "Nakuru", "3", "1 Main St, Denver, CO, 90210, US", "45689"},
		{"HH-1003", "Chebet household", "Eldoret", "5", "", "03/02/2025"},
		{"HH-0001", "Kamau household (updated)", "Kiambu", "3", "", "2024-01-02"},
	}
	members := [][]string{
		{"external_id", "name", "parent_external_id", "parent_type", "dob", "sex"},
		{"M-1001-1", "Akinyi Otieno", "HH-1001", "household", "1990-07-07", "female"},
		{"M-1002-1", "Baraka Mwangi", "HH-1002", "household", "31/02/1988", "male"},
		{"M-1003-1", "Chebet Kiprop", "HH-1003", "household", "2001-03-04", "female"},
		{"M-0007-3", "New member of HH-0007", "HH-0007", "household", "2015-05-05", "male"},
	}
	// The csv uses external_id, like members.csv, so both check together;
	// the workbook keeps the bulk API seed's household_id.
	hcsv := append([][]string{append([]string{"external_id"}, households[0][1:]...)}, households[1:]...)
	if err := writeCSV(filepath.Join(dir, "households.csv"), hcsv); err != nil {
		return err
	}
	if err := writeCSV(filepath.Join(dir, "members.csv"), members); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range households {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			return err
		}
	}
	return f.SaveAs(filepath.Join(dir, "household_case_upload.xlsx"))
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
