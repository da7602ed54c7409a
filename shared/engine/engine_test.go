package engine

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

var update = flag.Bool("update", false, "rewrite testdata/hashes.golden")

func table(t *testing.T, file, caseType, body string) Table {
	t.Helper()
	b, err := sheet.Read(file, []byte(body), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := TablesFromBook(file, b, caseType, true, casetype.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return ts[0]
}

var existing = []model.Case{
	{CaseID: "h1", CaseType: "household", ExternalID: "HH-1", Name: "One", Properties: map[string]string{"village": "A"}},
	{CaseID: "h2", CaseType: "household", ExternalID: "HH-DUP", Name: "Dup A"},
	{CaseID: "h3", CaseType: "household", ExternalID: "HH-DUP", Name: "Dup B"},
}

const households = "external_id,name,village,address,date_registered\nHH-1,One,A,,\nHH-2,Two,B,\"1 Main St, Denver, CO, 80202, US\",31/12/2023\nHH-3,,C,,01/02/2024\nHH-4,Four,D,\"1 Main St, Denver, CO, 90210, US\",\n"
const members = "external_id,name,parent_external_id,dob\nM-1,Ann,HH-2,2001-02-03\nM-2,Ben,HH-DUP,2002-03-04\nM-3,Cy,HH-9,2003-04-05\nM-4,Di,HH-3,2004-05-06\nM-5,Ed,M-6,2000-01-01\n"

func input(t *testing.T) Input {
	return Input{
		Tables:   []Table{table(t, "m.csv", "member", members), table(t, "h.csv", "household", households)},
		Spec:     spec.Spec{SearchField: "external_id", CreateNewCases: true},
		Registry: casetype.NewRegistry(),
		Existing: NewMemoryCases(existing),
	}
}

func row(p *Plan, file string, n int) *RowResult {
	for i := range p.Rows {
		if p.Rows[i].File == file && p.Rows[i].Row == n {
			return &p.Rows[i]
		}
	}
	return nil
}

func codes(r *RowResult) string {
	var c []string
	for _, is := range r.Issues {
		c = append(c, string(is.Code))
	}
	return strings.Join(c, ",")
}

func TestCheck_ParentsAcrossFiles(t *testing.T) {
	p, err := Check(input(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file          string
		row           int
		action, codes string
	}{
		{"m.csv", 2, "create", ""},                 // parent HH-2 created by h.csv, listed after it
		{"m.csv", 3, "error", "parent_ambiguous"},  // two existing HH-DUP
		{"m.csv", 4, "error", "parent_not_found"},  // HH-9 nowhere
		{"m.csv", 5, "error", "parent_has_errors"}, // HH-3 has no name
		{"m.csv", 6, "error", "parent_not_found"},  // M-6 is no household (and no row at all)
		{"h.csv", 2, "unchanged", ""},
		{"h.csv", 3, "create", ""},
		{"h.csv", 4, "error", "required"},
		{"h.csv", 5, "error", "bad_address"},
	}
	for _, c := range cases {
		r := row(p, c.file, c.row)
		if r == nil {
			t.Fatalf("no row %s %d", c.file, c.row)
		}
		got := codes(r)
		if string(r.Action) != c.action || got != c.codes {
			t.Errorf("%s row %d: %s %s, want %s %s", c.file, c.row, r.Action, got, c.action, c.codes)
		}
	}
	// Children are committed after their parents.
	pos := map[string]int{}
	for i, idx := range p.Order {
		pos[fmt.Sprintf("%s:%d", p.Rows[idx].File, p.Rows[idx].Row)] = i
	}
	if pos["h.csv:3"] > pos["m.csv:2"] {
		t.Errorf("order: parent h.csv:3 at %d after child m.csv:2 at %d", pos["h.csv:3"], pos["m.csv:2"])
	}
	// Ambiguous candidates are listed, then the offer of a new parent.
	if r := row(p, "m.csv", 3); len(r.Issues[0].Candidates) != 3 || r.Issues[0].Candidates[1].CaseID != "h3" || !r.Issues[0].Candidates[2].New {
		t.Errorf("candidates: %+v", r.Issues[0].Candidates)
	}
}

func TestCheck_ChoiceAndApply(t *testing.T) {
	in := input(t)
	in.Choices = []Choice{{ParentType: "household", Key: "HH-DUP", CaseID: "h3"}}
	p, err := Check(in)
	if err != nil {
		t.Fatal(err)
	}
	r := row(p, "m.csv", 3)
	if r.Action != ActionCreate || r.Parent == nil || r.Parent.CaseID != "h3" || !r.Parent.Chosen {
		t.Fatalf("chosen parent: %+v %+v", r, r.Parent)
	}
	n := 0
	writes := Apply(p, map[string]model.Case{"h1": existing[0]}, func() string { n++; return fmt.Sprintf("new%d", n) }, "2025-01-01T00:00:00Z", "u1")
	byExt := map[string]model.Case{}
	for _, w := range writes {
		byExt[w.After.ExternalID] = w.After
	}
	if byExt["M-1"].Parent == nil || byExt["M-1"].Parent.CaseID != byExt["HH-2"].CaseID {
		t.Errorf("M-1's parent %+v, want the new HH-2 %s", byExt["M-1"].Parent, byExt["HH-2"].CaseID)
	}
	if byExt["M-2"].Parent.CaseID != "h3" || byExt["M-2"].OwnerID != "u1" || byExt["M-2"].Properties["dob"] != "2002-03-04" {
		t.Errorf("M-2: %+v", byExt["M-2"])
	}
}

func TestCheck_Cycle(t *testing.T) {
	body := "external_id,name,parent_external_id,parent_type\nA,a,B,member\nB,b,A,member\nC,c,C,member\n"
	p, err := Check(Input{Tables: []Table{table(t, "c.csv", "member", body)}, Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, 3, 4} {
		if r := row(p, "c.csv", n); codes(r) != "parent_cycle" {
			t.Errorf("row %d: %s", n, codes(r))
		}
	}
}

// TestCheck_Deterministic checks the plan hash against the one computed
// natively: run under GOOS=js GOARCH=wasm, it proves the browser's plan is
// byte-identical to the server's.
func TestCheck_Deterministic(t *testing.T) {
	var lines []string
	for i := 0; i < 3; i++ {
		p, err := Check(input(t))
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, p.Hash)
	}
	if lines[0] != lines[1] || lines[1] != lines[2] {
		t.Fatalf("the same input gave different plans: %v", lines)
	}
	const golden = "testdata/hashes.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(lines[0]+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(want)) != lines[0] {
		t.Errorf("plan hash %s differs from the native golden %s", lines[0], strings.TrimSpace(string(want)))
	}
}

// lookupOnly is a Lookup that answers only what it is asked, as a
// database does.
type lookupOnly struct{ m *MemoryCases }

func (l lookupOnly) CasesByID(ids []string) (map[string]model.Case, error) {
	return l.m.CasesByID(ids)
}
func (l lookupOnly) CasesByExternalID(ids []string) (map[string][]model.Case, error) {
	return l.m.CasesByExternalID(ids)
}

// TestCheck_MemoryCasesAsLookup: cases held in memory are looked up in
// their own maps; the plan is the one a database's answers give (matches,
// the ambiguous parent, the missing one, HH-1 found).
func TestCheck_MemoryCasesAsLookup(t *testing.T) {
	in := input(t)
	mem, err := Check(in)
	if err != nil {
		t.Fatal(err)
	}
	in = input(t)
	in.Existing = lookupOnly{NewMemoryCases(existing)}
	db, err := Check(in)
	if err != nil {
		t.Fatal(err)
	}
	mj, _ := json.Marshal(mem.Rows)
	dj, _ := json.Marshal(db.Rows)
	if mem.Hash != db.Hash || string(mj) != string(dj) {
		t.Errorf("in memory:\n%s\nas a lookup:\n%s", mj, dj)
	}
	if r := row(mem, "h.csv", 2); r == nil || r.CaseID != "h1" {
		t.Errorf("HH-1 is case h1: %+v", r)
	}
	if r := row(mem, "m.csv", 3); r == nil || codes(r) != "parent_ambiguous" {
		t.Errorf("M-2's parent HH-DUP is two cases: %+v", r)
	}
}

func TestCheck_Unusable(t *testing.T) {
	dup := table(t, "d.csv", "household", "name,Name\na,b\n")
	if _, err := Check(Input{Tables: []Table{dup}}); model.KindOf(err) != model.EInvalid || !strings.Contains(err.Error(), "both named") {
		t.Errorf("duplicate headers: %v", err)
	}
	if _, err := Check(Input{Spec: spec.Spec{SearchField: "name"}}); err == nil {
		t.Error("bad search field accepted")
	}
}

// TestDefaults: a blank cell takes the spec's default, then the case
// type's; a default with no column is written too; a value in the file
// wins; defaults go through the field's rules.
func TestDefaults(t *testing.T) {
	body := "client_id,name,case_category,matter\nC-1,Ann,,\nC-2,Ben,insurance,Theft\nC-3,Cy,,\n"
	in := Input{
		Tables:   []Table{table(t, "c.csv", "client", body)},
		Spec:     spec.Spec{SearchField: "external_id", SearchColumn: "client_id", CreateNewCases: true, Defaults: map[string]string{"matter": "Intake", "region": "north"}},
		Registry: casetype.NewRegistry(),
	}
	p, err := Check(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		2: `{"case_category":"other","matter":"Intake","region":"north"}`,
		3: `{"case_category":"insurance","matter":"Theft","region":"north"}`,
		4: `{"case_category":"other","matter":"Intake","region":"north"}`,
	}
	for n, w := range want {
		r := row(p, "c.csv", n)
		if r == nil || r.Change == nil {
			t.Fatalf("row %d: no change (%+v)", n, r)
		}
		b, _ := r.Change.Properties.MarshalJSON()
		if string(b) != w {
			t.Errorf("row %d properties %s, want %s", n, b, w)
		}
	}
	// A default that breaks the field's rules is an issue on every row that takes it.
	in.Spec.Defaults = map[string]string{"case_category": "nonsense"}
	p, err = Check(in)
	if err != nil {
		t.Fatal(err)
	}
	if r := row(p, "c.csv", 2); r.Action != ActionError || !strings.Contains(codes(r), "invalid_value") {
		t.Errorf("row 2 with a bad default: %s %s", r.Action, codes(r))
	}
	if r := row(p, "c.csv", 3); r.Action != ActionCreate {
		t.Errorf("row 3 (its own category) %s %s", r.Action, codes(r))
	}
}
