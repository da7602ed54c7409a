package engine

import (
	"encoding/json"
	"slices"
	"testing"

	"casegate/shared/sheet"
)

// cloneTables copies tables deeply enough to edit cells.
func cloneTables(ts []Table) []Table {
	out := make([]Table, len(ts))
	for i, t := range ts {
		out[i] = t
		out[i].Rows = make([]sheet.Row, len(t.Rows))
		for j, r := range t.Rows {
			out[i].Rows[j] = sheet.NewRow(r.Num, r.Texts(), slices.Clone(r.Kinds))
		}
	}
	return out
}

func setCell(ts []Table, file string, row, col int, v string) RowRef {
	for ti := range ts {
		if ts[ti].File != file {
			continue
		}
		for ri := range ts[ti].Rows {
			r := &ts[ti].Rows[ri]
			if r.Num == row {
				r.Set(col, v) // typed text
				return RowRef{File: file, Sheet: ts[ti].Sheet, Row: row}
			}
		}
	}
	panic("no such cell")
}

// TestSessionRecheckIsCheck: after any edits, a session's re-check gives
// byte for byte the plan a fresh check of the edited tables gives — when
// the edit fixes a row, breaks one, makes a duplicate, names another
// parent, changes what a date column's order reads as, and with choices.
func TestSessionRecheckIsCheck(t *testing.T) {
	type edit struct {
		file     string
		row, col int
		v        string
	}
	steps := []struct {
		name    string
		edits   []edit
		choices []Choice
	}{
		{"name a parent that exists", []edit{{"m.csv", 4, 2, "HH-2"}}, nil},
		{"blank a required name", []edit{{"m.csv", 2, 1, ""}}, nil},
		{"duplicate a new external id", []edit{{"m.csv", 3, 0, "M-1"}}, nil},
		{"fix it again", []edit{{"m.csv", 3, 0, "M-2"}, {"m.csv", 2, 1, "Ann"}}, nil},
		{"a day-first date changes the column", []edit{{"h.csv", 3, 4, "13/01/2024"}}, nil},
		{"back to ambiguous", []edit{{"h.csv", 3, 4, "01/02/2024"}}, nil},
		{"choose the ambiguous parent", nil, []Choice{{Key: "HH-DUP", ParentType: "household", CaseID: "h3"}}},
		{"a bad address fixed", []edit{{"h.csv", 5, 3, "1 Main St, Denver, CO, 80202, US"}}, []Choice{{Key: "HH-DUP", ParentType: "household", CaseID: "h2"}}},
	}
	in := input(t)
	in.Tables = cloneTables(in.Tables)
	s, p, err := NewSession(in)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Check(Input{Tables: cloneTables(in.Tables), Spec: in.Spec, Registry: in.Registry, Existing: in.Existing})
	if p.Hash != want.Hash {
		t.Fatalf("a session's first plan differs from Check's")
	}
	for _, st := range steps {
		var refs []RowRef
		for _, e := range st.edits {
			refs = append(refs, setCell(in.Tables, e.file, e.row, e.col, e.v))
		}
		got, err := s.Recheck(refs, st.choices)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		fresh, err := Check(Input{Tables: cloneTables(in.Tables), Spec: in.Spec, Registry: in.Registry, Existing: in.Existing, Choices: st.choices})
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := json.Marshal(got)
		fb, _ := json.Marshal(fresh)
		if string(gb) != string(fb) {
			t.Fatalf("%s: the re-check differs from a fresh check:\n%s\n%s", st.name, gb, fb)
		}
	}
	// The steps did change verdicts (the test is not comparing two no-ops).
	if r := row(want, "m.csv", 4); r.Action != ActionError {
		t.Errorf("before the edits m.csv row 4 should fail (parent HH-3 is not created): %s", codes(r))
	}
}
