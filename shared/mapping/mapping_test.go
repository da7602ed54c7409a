package mapping

import (
	"regexp"
	"strings"
	"testing"
)

// targets is a household-member case type plus CommCare's special fields.
var targets = []Target{
	{Name: "case_id"}, {Name: "external_id"}, {Name: "name"}, {Name: "owner_id"}, {Name: "owner_name"},
	{Name: "parent_id"}, {Name: "parent_external_id"}, {Name: "parent_type"}, {Name: "close"}, {Name: "date_opened"},
	{Name: "dob", Label: "Date of birth"}, {Name: "phone", Label: "Phone"}, {Name: "address", Label: "Address"},
	{Name: "sex"}, {Name: "first_name", Label: "First name"}, {Name: "last_name", Label: "Last name"},
	{Name: "postal_code", Label: "Postal code"}, {Name: "village"}, {Name: "province", Label: "Province"},
	{Name: "status"}, {Name: "first_visit_date", Label: "First visit"},
	{Name: "hh_size", Label: "Household size", Aliases: []string{"members", "no. of members"}},
}

// TestSuggest_OneHeader checks each header on its own, so that the
// one-column-per-field rule does not hide how it matched.
func TestSuggest_OneHeader(t *testing.T) {
	cases := []struct {
		header, kind, to, reason string // to: Field, ParentType or Property
	}{
		{"Address Line 1", "field", "address", "token overlap"},
		{"Main address", "field", "address", "token overlap"},
		{"Postal/Zip", "field", "postal_code", "alias"},
		{"Zip Code", "field", "postal_code", "alias"},
		{"Postal Code", "field", "postal_code", "exact"},
		{"D.O.B.", "field", "dob", "exact"},
		{"Date of Birth", "field", "dob", "exact"},
		{"Date Of Brith", "field", "dob", "fuzzy (0.98 ~ 'Date of birth')"},
		{"Birthday", "field", "dob", "alias"},
		{"Mobile #", "field", "phone", "alias"},
		{"Telephone", "field", "phone", "alias"},
		{"Phone 2", "field", "phone", "token overlap"},
		{"caseid", "field", "case_id", "exact"},
		{"Case ID", "field", "case_id", "exact"},
		{"info.case_id", "field", "case_id", "alias"},
		{"ID", "field", "case_id", "alias"},
		{"External ID", "field", "external_id", "exact"},
		{"Client ID", "field", "external_id", "alias"},
		{"parent.household", "parent_ref", "household", "export parent column"},
		{"indices.household", "parent_ref", "household", "export parent column"},
		{"Parent.Household", "parent_ref", "household", "export parent column"},
		{"Parent External ID", "field", "parent_external_id", "exact"},
		{"Household External ID", "field", "parent_external_id", "alias"},
		{"Parent Case Type", "field", "parent_type", "alias"},
		{"First Name", "field", "first_name", "exact"},
		{"Frist Name", "field", "first_name", "fuzzy"},
		{"Given name", "field", "first_name", "alias"},
		{"Surname", "field", "last_name", "alias"},
		{"LASTNAME", "field", "last_name", "exact"},
		{"sex\u00a0", "field", "sex", "exact"},
		{"Gender", "field", "sex", "alias"},
		{"Provence", "field", "province", "fuzzy"},
		{"Vilage", "field", "village", "fuzzy"},
		{"Adress", "field", "address", "fuzzy"},
		{"Full Name", "field", "name", "alias"},
		{"Owner", "field", "owner_id", "alias"},
		{"Assigned To", "field", "owner_name", "alias"},
		{"Opened On", "field", "date_opened", "alias"},
		{"opened_date", "field", "date_opened", "alias"},
		{"First visit", "field", "first_visit_date", "exact"},
		{"No. of members", "field", "hh_size", "alias"},
		{"close", "field", "close", "exact"},
		{"Prénom", "property", "prenom", "new property"},
		{"Household ID", "property", "household_id", "new property"},
		{"Mother Name", "property", "mother_name", "new property"},
		{"case_no", "property", "case_no", "new property"},
		{"Last", "property", "last", "new property"},
		{"Favourite colour", "property", "favourite_colour", "new property"},
		{"xml_note", "property", "note", "new property"},
		{"closed", "ignore", "", "reserved field closed: use close (yes) to close a case"},
		{"type", "ignore", "", "reserved field type"},
		{"case_type", "ignore", "", "the case type"},
		{"parent_ref", "ignore", "", "reserved field parent_ref"},
		{"", "ignore", "", "blank header"},
		{" \u00a0 ", "ignore", "", "blank header"},
		{"名前", "ignore", "", "no Latin letter"},
	}
	for _, c := range cases {
		t.Run(c.header, func(t *testing.T) {
			s := Suggest([]string{c.header}, targets)[0]
			to := s.Field + s.ParentType + s.Property
			if s.Kind != c.kind || to != c.to || !strings.HasPrefix(s.Reason, c.reason) {
				t.Errorf("Suggest(%q) = %s %q (%s), want %s %q (%s…)", c.header, s.Kind, to, s.Reason, c.kind, c.to, c.reason)
			}
			switch {
			case s.Kind == "property" || s.Kind == "ignore":
				if s.Confidence != 0 {
					t.Errorf("Confidence = %v, want 0", s.Confidence)
				}
			case s.Reason == "exact" || s.Reason == "alias" || s.Kind == "parent_ref":
				if s.Confidence != 1 {
					t.Errorf("Confidence = %v, want 1", s.Confidence)
				}
			case s.Confidence < 0.88 || s.Confidence >= 1:
				t.Errorf("Confidence = %v, want 0.88…1", s.Confidence)
			}
			if s.Column != 0 || s.Header != c.header {
				t.Errorf("Column, Header = %d %q", s.Column, s.Header)
			}
		})
	}
}

func TestSuggest_OneColumnPerField(t *testing.T) {
	t.Run("ExactBeatsAlias", func(t *testing.T) {
		s := Suggest([]string{"Full Name", "name", "Client Name"}, []Target{{Name: "name"}})
		if s[1].Kind != "field" || s[1].Field != "name" {
			t.Fatalf("exact header should win: %+v", s[1])
		}
		for _, i := range []int{0, 2} {
			if s[i].Kind != "property" || !strings.Contains(s[i].Reason, "column 'name'") {
				t.Errorf("column %d: %+v, want a property naming the winner", i, s[i])
			}
		}
	})
	t.Run("TwoAliasesFirstWins", func(t *testing.T) {
		s := Suggest([]string{"Case Name", "Client Name"}, []Target{{Name: "name"}})
		if s[0].Kind != "field" || s[0].Field != "name" || s[1].Kind != "property" || s[1].Property != "client_name" {
			t.Fatalf("got %+v", s)
		}
		if want := "new property: field name is taken by column 'Case Name' (alias)"; s[1].Reason != want {
			t.Errorf("Reason = %q, want %q", s[1].Reason, want)
		}
	})
	t.Run("StrongerClaimWinsWhateverTheOrder", func(t *testing.T) {
		s := Suggest([]string{"Adress", "Address Line 1", "Address"}, targets)
		if s[2].Field != "address" || s[0].Kind != "property" || s[1].Kind != "property" {
			t.Fatalf("got %+v", s)
		}
	})
	t.Run("Realistic", func(t *testing.T) {
		h := []string{"caseid", "name", "Full Name", "Mobile #", "Telephone", "D.O.B.", "Birthday", "sex", "Gender", "parent.household"}
		s := Suggest(h, targets)
		want := []string{"field case_id", "field name", "property full_name", "field phone", "property telephone",
			"field dob", "property birthday", "field sex", "property gender", "parent_ref household"}
		fields := map[string]int{}
		for i, g := range s {
			if got := g.Kind + " " + g.Field + g.Property + g.ParentType; got != want[i] {
				t.Errorf("column %d %q: got %s (%s), want %s", i, h[i], got, g.Reason, want[i])
			}
			if g.Kind == "field" {
				fields[g.Field]++
			}
			if g.Column != i {
				t.Errorf("Column = %d, want %d", g.Column, i)
			}
		}
		for f, n := range fields {
			if n > 1 {
				t.Errorf("%d columns onto field %s", n, f)
			}
		}
	})
	t.Run("PropertyNamesDoNotCollide", func(t *testing.T) {
		s := Suggest([]string{"Notes", "notes", "NOTES!", "DOB", "dob"}, []Target{{Name: "dob"}})
		got := []string{s[0].Property, s[1].Property, s[2].Property, s[3].Field, s[4].Property}
		want := []string{"notes", "notes_2", "notes_3", "dob", "dob_2"}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("column %d: %q, want %q", i, got[i], want[i])
			}
		}
	})
	t.Run("AliasesNeedTheirTarget", func(t *testing.T) {
		s := Suggest([]string{"Surname", "Mobile"}, []Target{{Name: "name"}})
		if s[0].Kind != "property" || s[1].Kind != "property" {
			t.Errorf("got %+v", s)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		if s := Suggest(nil, targets); len(s) != 0 {
			t.Errorf("got %+v", s)
		}
		if s := Suggest([]string{"a", "b"}, nil); len(s) != 2 || s[0].Kind != "property" {
			t.Errorf("got %+v", s)
		}
	})
}

func TestNormalizeHeader(t *testing.T) {
	cases := map[string]string{
		"Mobile #":          "mobile number",
		"D.O.B.":            "d o b",
		"Date_Of-Birth":     "date of birth",
		"Postal/Zip":        "postal zip",
		"  Prénom  ":        "prenom",
		"Pre\u0301nom":      "prenom", // decomposed accent
		"MÜLLER Straße":     "muller strasse",
		"sex\u00a0":         "sex",
		"info.case_id":      "info case id",
		"#":                 "number",
		"No.#1":             "no number 1",
		"(a)  [b]":          "a b",
		"":                  "",
		"___":               "",
		"Łódź—Ośrodek":      "lodz osrodek",
		"名前":                "名前",
		"Household\tsize\n": "household size",
	}
	for in, want := range cases {
		if got := NormalizeHeader(in); got != want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

var validProperty = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

func TestPropertyName(t *testing.T) {
	cases := map[string]string{
		"First Name": "first_name", "DOB (yyyy)": "dob_yyyy", "  sex\u00a0": "sex", "Número": "numero",
		"2nd phone": "p_2nd_phone", "xml_thing": "thing", "XMLxml-data": "data", "xml": "", "###": "", "a--b": "a--b",
		"a__b": "a_b", "_lead_": "lead", "-dash-": "dash", "Date of Birth (dd/mm/yyyy)": "date_of_birth_dd_mm_yyyy",
		"Mobile #": "mobile", "名前": "", "名前 2": "p_2", "Straße": "strasse", "case_id": "case_id",
	}
	for in, want := range cases {
		got := PropertyName(in)
		if got != want {
			t.Errorf("PropertyName(%q) = %q, want %q", in, got, want)
		}
		if got != "" && !validProperty.MatchString(got) {
			t.Errorf("PropertyName(%q) = %q is not a valid property name", in, got)
		}
	}
	if got := PropertyName(strings.Repeat("ab ", 200)); len(got) > 255 || !validProperty.MatchString(got) || strings.HasSuffix(got, "_") {
		t.Errorf("long header: %q (%d bytes)", got, len(got))
	}
}

func TestParentRef(t *testing.T) {
	for in, want := range map[string]string{
		"indices.household": "household", "parent.household": "household", "Parent.Household": "household",
		" indices.hh_member-2 ": "hh_member-2", "parent.": "", "indices.a b": "", "name": "", "parent_id": "",
		"parent.house.hold": "", "household.parent": "",
	} {
		got, ok := ParentRef(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParentRef(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

func FuzzNormalizeHeader(f *testing.F) {
	for _, s := range []string{"Mobile #", "D.O.B.", "José Müller", "Pre\u0301nom", "parent.household", "", "___", "xmlxml", "名前 2", "ǅ ǈ İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeHeader(s)
		if NormalizeHeader(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormalizeHeader(n))
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("NormalizeHeader(%q) = %q has stray spaces", s, n)
		}
		if p := PropertyName(s); p != "" && (!validProperty.MatchString(p) || len(p) > 255 || strings.HasPrefix(p, "xml")) {
			t.Fatalf("PropertyName(%q) = %q is not a valid property name", s, p)
		}
		Suggest([]string{s, n}, targets) // must not panic
	})
}

func BenchmarkSuggest(b *testing.B) {
	h := []string{"caseid", "Full Name", "Mobile #", "D.O.B.", "Date Of Brith", "Address Line 1", "Postal/Zip", "Provence",
		"parent.household", "Notes", "Village", "Household ID", "Gender", "Surname", "Given name", "Status", "Opened On", "Owner", "Comments", "Extra"}
	for b.Loop() {
		Suggest(h, targets)
	}
}
