package address

import (
	"strings"
	"testing"
)

func codes(ps []Problem) string {
	var c []string
	for _, p := range ps {
		c = append(c, p.Code)
	}
	return strings.Join(c, ",")
}

func TestCheckCell(t *testing.T) {
	cases := []struct {
		in, def, want, problems, suggestion string
	}{
		{",Denver,CO,80202", "US", ", Denver, CO, 80202", "", ""},
		{",,CO,80202", "US", ", , CO, 80202", "", ""},
		{",,,80202", "US", ", , , 80202", "", ""},
		{"1 Main St, Denver, Colorado, 80202, USA", "", "1 Main St, Denver, CO, 80202, US", "", ""},
		{`"1 Main St, Apt 5", Denver, CO, 80202, US`, "", `"1 Main St, Apt 5", Denver, CO, 80202, US`, "", ""},
		{"1 Main St, Denver, CO, 90210, US", "", "", "postal_region_mismatch", "1 Main St, Denver, CA, 90210, US"},
		{"1 Main St, Denver, CO, 80202-1234, US", "", "1 Main St, Denver, CO, 80202-1234, US", "", ""},
		{"1 Main St, Denver, CO, 8020, US", "", "", "zip_leading_zero,postal_region_mismatch", ""},
		{"1 Main St, Boston, MA, 2134, US", "", "1 Main St, Boston, MA, 02134, US", "zip_leading_zero", "1 Main St, Boston, MA, 02134, US"},
		{"1 Main St, Boston, MA, 021345, US", "", "", "bad_postal_code", ""},
		{"5 King St, Toronto, ON, T2P 1J9, CA", "", "", "postal_region_mismatch", "5 King St, Toronto, AB, T2P 1J9, CA"},
		{"5 King St, Toronto, Ontario, m5h1a1, Canada", "", "5 King St, Toronto, ON, M5H 1A1, CA", "", ""},
		{"1 Rue, Montréal, Québec, H2X 1Y4, CA", "", "1 Rue, Montréal, QC, H2X 1Y4, CA", "", ""},
		{"10 Downing St, London, , sw1a2aa, UK", "", "10 Downing St, London, , SW1A 2AA, GB", "", ""},
		{"10 Downing St, London, , 12345, GB", "", "", "bad_postal_code", ""},
		{"1 MG Road, Bengaluru, Karnataka, 560001, IN", "", "1 MG Road, Bengaluru, KA, 560001, IN", "", ""},
		{"1 MG Road, Bengaluru, Delhi, 560001, IN", "", "", "postal_region_mismatch", "1 MG Road, Bengaluru, KA, 560001, IN"},
		{"12 Moi Ave, Nairobi, , 00100, KE", "", "12 Moi Ave, Nairobi, , 00100, KE", "", ""},
		{"12 Moi Ave, Nairobi, , 1001, KE", "", "", "bad_postal_code", ""},
		{"1 Broad St, Lagos, Lagos, 100001, NG", "", "1 Broad St, Lagos, LA, 100001, NG", "", ""},
		{"1 Long St, Cape Town, , 8001, ZA", "", "1 Long St, Cape Town, , 8001, ZA", "", ""},
		{"Av Juárez 1, Durango, DUR, 34000, MX", "", "Av Juárez 1, Durango, DUR, 34000, MX", "", ""},
		{"Av Juárez 1, Durango, DUG, 34000, MX", "", "Av Juárez 1, Durango, DUR, 34000, MX", "", ""},
		{"Av Juárez 1, Durango, Durango, 64000, MEX", "", "", "postal_region_mismatch", "Av Juárez 1, Durango, NLE, 64000, MX"},
		{"Av Paulista 1, São Paulo, SP, 01310-100, Brasil", "", "Av Paulista 1, São Paulo, SP, 01310-100, BR", "", ""},
		{"Av Paulista 1, São Paulo, RJ, 01310-100, BR", "", "", "postal_region_mismatch", ""},
		{"1 Road, Town, , 12345, Narnia", "", "", "unknown_country", ""},
		{"1 Road, Denver, Atlantis, 80202, US", "", "", "unknown_region", ""},
		{"a, b, c, d, e, f, g", "", "", "too_many_parts", ""},
		{"Flat 1, 2 High St, London, , SW1A 2AA, GB", "", `"Flat 1, 2 High St", London, , SW1A 2AA, GB`, "too_many_parts", ""},
		{"1 Main St, Denver, CO", "US", "1 Main St, Denver, CO", "missing_postal_code", ""},
		{"", "US", "", "", ""},
	}
	for _, c := range cases {
		got, probs := CheckCell(c.in, c.def)
		if codes(probs) != c.problems {
			t.Errorf("CheckCell(%q) problems %q, want %q (%+v)", c.in, codes(probs), c.problems, probs)
			continue
		}
		if c.want != "" && got.String() != c.want {
			t.Errorf("CheckCell(%q) = %q, want %q", c.in, got.String(), c.want)
		}
		if c.suggestion != "" {
			found := false
			for _, p := range probs {
				if p.Suggestion == c.suggestion {
					found = true
				}
			}
			if !found {
				t.Errorf("CheckCell(%q): no suggestion %q in %+v", c.in, c.suggestion, probs)
			}
		}
	}
}

func TestCountryName(t *testing.T) {
	if CountryName("ke") != "Kenya" || CountryName("XX") != "" {
		t.Fatal(CountryName("ke"))
	}
	for _, alias := range []string{"USA", "usa", "U.S.A.", "United States of America", "840"} {
		if cc, ok := lookupCountry(alias); alias != "840" && (!ok || cc != "US") {
			t.Errorf("%q → %q %v", alias, cc, ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{",Denver,CO,80202", `"1 Main, Apt 5", X, CO, 80202, US`, "a,b,c,d,e,f", "", "\"", ",,,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, probs := Parse(s)
		if len(probs) > 0 || strings.ContainsAny(s, "\"\n\r") {
			return
		}
		again, _ := Parse(a.String())
		if again != a {
			t.Fatalf("%q → %+v → %q → %+v", s, a, a.String(), again)
		}
	})
}

func FuzzCheckCell(f *testing.F) {
	for _, s := range []string{"1 Main St, Denver, CO, 90210, US", "5 King, T, ON, T2P 1J9, CA", ",,,2134,US", "x,y,DUG,34000,MX"} {
		f.Add(s, "US")
	}
	f.Fuzz(func(t *testing.T, s, def string) {
		_, _ = CheckCell(s, def)
	})
}

func BenchmarkCheckCell(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_, _ = CheckCell("1 Main St, Denver, CO, 80202, US", "")
	}
}
