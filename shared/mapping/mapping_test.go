package mapping

import "testing"

var targets = []Target{
	{Name: "case_id"}, {Name: "external_id"}, {Name: "name"}, {Name: "owner_name"}, {Name: "parent_external_id"},
	{Name: "parent_type"}, {Name: "date_opened"}, {Name: "dob", Label: "Date of birth"}, {Name: "phone"},
	{Name: "address"}, {Name: "sex"}, {Name: "first_name"}, {Name: "last_name"}, {Name: "postal_code"},
}

func TestSuggest(t *testing.T) {
	cases := []struct {
		header, kind, field string
	}{
		{"Address Line 1", "field", "address"},
		{"Postal/Zip", "field", "postal_code"},
		{"D.O.B.", "field", "dob"},
		{"Date Of Brith", "field", "dob"},
		{"Mobile #", "field", "phone"},
		{"caseid", "field", "case_id"},
		{"First Name", "field", "first_name"},
		{"Surname", "field", "last_name"},
		{"sex\u00a0", "field", "sex"},
		{"Parent External ID", "field", "parent_external_id"},
		{"Opened On", "field", "date_opened"},
		{"parent.household", "parent_ref", ""},
		{"Favourite colour", "property", ""},
		{"", "ignore", ""},
		{"closed", "ignore", ""},
	}
	for _, c := range cases {
		s := Suggest([]string{c.header}, targets)[0]
		if s.Kind != c.kind || s.Field != c.field {
			t.Errorf("Suggest(%q) = %s %s (%s), want %s %s", c.header, s.Kind, s.Field, s.Reason, c.kind, c.field)
		}
	}
}

func TestSuggest_OneColumnPerField(t *testing.T) {
	s := Suggest([]string{"Full Name", "name", "Client Name"}, targets)
	if s[1].Kind != "field" || s[1].Field != "name" {
		t.Fatalf("exact header should win: %+v", s[1])
	}
	for _, i := range []int{0, 2} {
		if s[i].Kind != "property" {
			t.Errorf("column %d: %+v, want a property (name is taken)", i, s[i])
		}
	}
}

func TestPropertyName(t *testing.T) {
	cases := map[string]string{
		"First Name": "first_name", "DOB (yyyy)": "dob_yyyy", "  sex\u00a0": "sex", "Número": "numero",
		"2nd phone": "p_2nd_phone", "xml_thing": "thing", "###": "", "a--b": "a--b",
	}
	for in, want := range cases {
		if got := PropertyName(in); got != want {
			t.Errorf("PropertyName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParentRef(t *testing.T) {
	for in, want := range map[string]string{"indices.household": "household", "Parent.Household": "household", "parent.": "", "indices.a b": "", "name": ""} {
		got, ok := ParentRef(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParentRef(%q) = %q %v", in, got, ok)
		}
	}
}

func FuzzNormalizeHeader(f *testing.F) {
	for _, s := range []string{"Mobile #", "D.O.B.", "José Müller", "parent.household", "", "___"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeHeader(s)
		if NormalizeHeader(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormalizeHeader(n))
		}
		p := PropertyName(s)
		if p != "" && !(p[0] >= 'a' && p[0] <= 'z') {
			t.Fatalf("PropertyName(%q) = %q does not start with a letter", s, p)
		}
	})
}
