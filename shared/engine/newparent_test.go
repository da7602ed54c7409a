package engine

import (
	"fmt"
	"strings"
	"testing"

	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/spec"
)

// TestCheck_NewParent: a person may answer an ambiguous or missing parent
// with "a new parent case"; the commit then creates it once per key, before
// the rows that need it, and links them to it.
func TestCheck_NewParent(t *testing.T) {
	const twice = "external_id,name,parent_external_id\nM-1,Ann,HH-DUP\nM-2,Ben,HH-DUP\nM-3,Cy,HH-9\nM-4,Di,HH-9\n"
	base := func() Input {
		return Input{Tables: []Table{table(t, "m.csv", "member", twice)}, Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true},
			Registry: casetype.NewRegistry(), Existing: NewMemoryCases(existing)}
	}
	offered := func(r *RowResult) bool {
		for _, is := range r.Issues {
			for _, c := range is.Candidates {
				if c.New {
					return c.CaseType == "household" && c.ExternalID == r.Issues[0].Value
				}
			}
		}
		return false
	}

	t.Run("offered", func(t *testing.T) {
		p, err := Check(base())
		if err != nil {
			t.Fatal(err)
		}
		for n, code := range map[int]string{2: "parent_ambiguous", 4: "parent_not_found"} {
			r := row(p, "m.csv", n)
			if codes(r) != code || !offered(r) {
				t.Errorf("row %d: %s %+v, want %s offering a new household", n, codes(r), r.Issues, code)
			}
		}
	})

	t.Run("chosen", func(t *testing.T) {
		in := base()
		in.Choices = []Choice{{ParentType: "household", Key: "HH-DUP", New: true}, {Row: &RowRef{File: "m.csv", Sheet: "m", Row: 4}, New: true}}
		p, err := Check(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{2, 3, 4} {
			r := row(p, "m.csv", n)
			if r.Action != ActionCreate || r.Parent == nil || r.Parent.Source != SourceNew || !r.Parent.Chosen || r.Parent.CaseID != "" {
				t.Fatalf("row %d: %s %s parent %+v", n, r.Action, codes(r), r.Parent)
			}
		}
		if r := row(p, "m.csv", 5); codes(r) != "parent_not_found" { // the row choice was for row 4 only
			t.Errorf("row 5: %s", codes(r))
		}
		if p.Summary.NewParents != 2 {
			t.Errorf("new parents %d, want 2 (HH-DUP and HH-9)", p.Summary.NewParents)
		}
		n := 0
		writes := Apply(p, nil, func() string { n++; return fmt.Sprintf("new%d", n) }, "2025-01-01T00:00:00Z", "u1")
		var parents []model.Case
		for i, w := range writes {
			if w.Index >= 0 {
				continue
			}
			parents = append(parents, w.After)
			if i+1 >= len(writes) || writes[i+1].After.Parent == nil || writes[i+1].After.Parent.CaseID != w.After.CaseID {
				t.Errorf("new parent %+v is not written just before its first child", w.After)
			}
		}
		if len(parents) != 2 || parents[0].ExternalID != "HH-DUP" || parents[0].CaseType != "household" || parents[0].Name != "HH-DUP" || parents[1].ExternalID != "HH-9" {
			t.Fatalf("new parents %+v", parents)
		}
		kids := 0
		for _, w := range writes {
			if w.Index >= 0 && w.After.Parent != nil && w.After.Parent.CaseID == parents[0].CaseID {
				kids++
			}
		}
		if kids != 2 {
			t.Errorf("%d rows link to the one new HH-DUP, want 2", kids)
		}
	})

	for _, tc := range []struct {
		name   string
		body   string
		create bool
		why    string
	}{
		{"create off", "external_id,name,parent_external_id\nM-OLD,Ann,HH-DUP\n", false, "create_new_cases is off"},
		{"by case id", "external_id,name,parent_id\nM-1,Ann,nope\n", true, "named by case_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			in.Tables = []Table{table(t, "m.csv", "member", tc.body)}
			in.Existing = NewMemoryCases(append([]model.Case{{CaseID: "m0", CaseType: "member", ExternalID: "M-OLD", Name: "Ann"}}, existing...))
			in.Spec.CreateNewCases = tc.create
			p, err := Check(in)
			if err != nil {
				t.Fatal(err)
			}
			r := &p.Rows[0]
			if offered(r) {
				t.Errorf("a new parent offered: %+v", r.Issues)
			}
			in.Choices = []Choice{{Row: &RowRef{File: "m.csv", Sheet: "m", Row: 2}, New: true}}
			if p, err = Check(in); err != nil {
				t.Fatal(err)
			}
			r = &p.Rows[0]
			if r.Action != ActionError || len(r.Issues) == 0 || !strings.Contains(r.Issues[0].Message, tc.why) {
				t.Errorf("a refused new parent: %s %+v, want an error saying %q", r.Action, r.Issues, tc.why)
			}
		})
	}

	t.Run("parent type needs more", func(t *testing.T) {
		reg := casetype.NewRegistry(casetype.CaseType{Name: "visit", ParentType: "tagged", Fields: []casetype.Field{{Name: "name"}}})
		in := Input{Tables: []Table{table(t, "v.csv", "visit", "external_id,name,parent_external_id\nV-1,v,T-1\n")},
			Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true}, Registry: reg}
		in.Choices = []Choice{{Key: "T-1", New: true}}
		p, err := Check(in)
		if err != nil {
			t.Fatal(err)
		}
		if r := &p.Rows[0]; r.Action != ActionError || !strings.Contains(r.Issues[0].Message, "a new tagged case needs") {
			t.Errorf("%s %+v", r.Action, r.Issues)
		}
	})
}

// TestUnhashed: a plan checked without its hash gets the same hash later.
func TestUnhashed(t *testing.T) {
	in := input(t)
	want, err := Check(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Unhashed = true
	p, err := Check(in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Hash != "" {
		t.Fatalf("an unhashed plan has hash %s", p.Hash)
	}
	if got := p.Seal(); got != want.Hash || p.Hash != want.Hash {
		t.Errorf("sealed later: %s, want %s", got, want.Hash)
	}
}
