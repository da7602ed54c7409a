package address

import (
	"fmt"
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

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want Address
		prob string
	}{
		// The seed's partial forms: empty parts keep their commas.
		{",Denver,CO,80202", Address{City: "Denver", Region: "CO", PostalCode: "80202"}, ""},
		{",,CO,80202", Address{Region: "CO", PostalCode: "80202"}, ""},
		{",,,80202", Address{PostalCode: "80202"}, ""},
		{"1 Main St, Denver", Address{Street: "1 Main St", City: "Denver"}, ""},
		{"  1 Main St ,  Denver , CO , 80202 , US  ", Address{"1 Main St", "Denver", "CO", "80202", "US"}, ""},
		{`"1 Main St, Apt 5", Denver, CO, 80202, US`, Address{"1 Main St, Apt 5", "Denver", "CO", "80202", "US"}, ""},
		{`"Say ""hi"" Rd", X`, Address{Street: `Say "hi" Rd`, City: "X"}, ""},
		{"1 Main St\nDenver, CO, 80202", Address{Street: "1 Main St Denver", City: "CO", Region: "80202"}, ""}, // line breaks are spaces
		{"a,b,c,d,e,,,", Address{"a", "b", "c", "d", "e"}, ""},
		{"", Address{}, ""},
		{"   ", Address{}, ""},
		{"Flat 1, 2 High St, London, , SW1A 2AA, GB", Address{"Flat 1, 2 High St", "London", "", "SW1A 2AA", "GB"}, "too_many_parts"},
		{"a, b, c, d, e, f, g", Address{Street: "a, b, c, d, e, f, g"}, "too_many_parts"},
	}
	for _, c := range cases {
		got, probs := Parse(c.in)
		if got != c.want || codes(probs) != c.prob {
			t.Errorf("Parse(%q) = %+v %q, want %+v %q", c.in, got, codes(probs), c.want, c.prob)
		}
	}
	// Extra leading parts joined to the street are a warning; others are not.
	if _, p := Parse("Flat 1, 2 High St, London, , SW1A 2AA, GB"); !p[0].Warning || p[0].Suggestion != `"Flat 1, 2 High St", London, , SW1A 2AA, GB` {
		t.Errorf("joined street: %+v", p)
	}
	if _, p := Parse("a, b, c, d, e, f, g"); p[0].Warning {
		t.Errorf("too many parts without a country must be an error: %+v", p)
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		a    Address
		want string
	}{
		{Address{"1 Main St", "Denver", "CO", "80202", "US"}, "1 Main St, Denver, CO, 80202, US"},
		{Address{City: "Denver", Region: "CO", PostalCode: "80202"}, ", Denver, CO, 80202"},
		{Address{PostalCode: "80202", Country: "US"}, ", , , 80202, US"},
		{Address{Street: "1 Main St, Apt 5", City: "Denver"}, `"1 Main St, Apt 5", Denver`},
		{Address{}, ""},
	} {
		if got := c.a.String(); got != c.want {
			t.Errorf("%+v.String() = %q, want %q", c.a, got, c.want)
		}
	}
}

func TestCheckCell(t *testing.T) {
	cases := []struct {
		in, def, want, problems, suggestion string
	}{
		// Seed forms with a default country.
		{",Denver,CO,80202", "US", ", Denver, CO, 80202", "", ""},
		{",,CO,80202", "US", ", , CO, 80202", "", ""},
		{",,,80202", "US", ", , , 80202", "", ""},
		{",,,80202", "", ", , , 80202", "", ""}, // no country at all: nothing to check against
		{"", "US", "", "", ""},
		{",,,,", "US", "", "", ""},
		{"1 Main St, Denver, CO", "US", "1 Main St, Denver, CO", "missing_postal_code", ""},
		{"1 Main St, Denver", "USA", "1 Main St, Denver", "missing_postal_code", ""},
		{"1 Main St, Denver, CO, 80202", "Narnia", "1 Main St, Denver, CO, 80202", "", ""}, // unusable default: ignored

		// US: names, aliases, ZIP+4, leading zeros, mismatches.
		{"1 Main St, Denver, Colorado, 80202, USA", "", "1 Main St, Denver, CO, 80202, US", "", ""},
		{"1 Main St, Denver, colorado, 80202, U.S.A.", "", "1 Main St, Denver, CO, 80202, US", "", ""},
		{"1 Main St, Denver, Colo., 80202, United States of America", "", "1 Main St, Denver, CO, 80202, US", "", ""},
		{"1 Main St, Denver, CO, 80202, America", "", "1 Main St, Denver, CO, 80202, US", "", ""},
		{`"1 Main St, Apt 5", Denver, CO, 80202, US`, "", `"1 Main St, Apt 5", Denver, CO, 80202, US`, "", ""},
		{"1 Main St, Denver, CO, 90210, US", "", "", "postal_region_mismatch", "1 Main St, Denver, CA, 90210, US"},
		{"1 Main St, Little Rock, AR, 80272, US", "", "", "postal_region_mismatch", "1 Main St, Little Rock, CO, 80272, US"},
		{"1 Main St, Denver, CO, 80202-1234, US", "", "1 Main St, Denver, CO, 80202-1234, US", "", ""},
		{"1 Main St, Denver, CO, 80202 1234, US", "", "1 Main St, Denver, CO, 80202-1234, US", "", ""},
		{"1 Main St, Denver, CO, 802021234, US", "", "1 Main St, Denver, CO, 80202-1234, US", "", ""},
		{"1 Main St, Boston, MA, 2134, US", "", "1 Main St, Boston, MA, 02134, US", "zip_leading_zero", "1 Main St, Boston, MA, 02134, US"},
		{"1 Main St, Boston, MA, 2134-5678, US", "", "1 Main St, Boston, MA, 02134-5678, US", "zip_leading_zero", ""},
		{"1 Main St, Holtsville, NY, 501, US", "", "1 Main St, Holtsville, NY, 00501, US", "zip_leading_zero", ""},
		{"1 Main St, Denver, CO, 8020, US", "", "", "zip_leading_zero,postal_region_mismatch", "1 Main St, Denver, NJ, 08020, US"},
		{"1 Main St, Boston, MA, 021345, US", "", "", "bad_postal_code", ""},
		{"1 Main St, Boston, MA, 02A34, US", "", "", "bad_postal_code", ""},
		{"1 Main St, Andover, MA, 05501, US", "", "1 Main St, Andover, MA, 05501, US", "", ""},
		{"1 Main St, Austin, TX, 73301, US", "", "1 Main St, Austin, TX, 73301, US", "", ""},
		{"1 Main St, Austin, OK, 73301, US", "", "", "postal_region_mismatch", "1 Main St, Austin, TX, 73301, US"},
		{"1 Main St, El Paso, TX, 88510, US", "", "1 Main St, El Paso, TX, 88510, US", "", ""},
		{"1 Main St, Fishers Island, NY, 06390, US", "", "1 Main St, Fishers Island, NY, 06390, US", "", ""},
		{"1 Main St, New London, CT, 06320, US", "", "1 Main St, New London, CT, 06320, US", "", ""},
		{"1 Main St, Washington, DC, 20500, US", "", "1 Main St, Washington, DC, 20500, US", "", ""},
		{"1 Main St, Washington, Washington DC, 20500, US", "", "1 Main St, Washington, DC, 20500, US", "", ""},
		{"1 Calle, San Juan, PR, 00901, US", "", "1 Calle, San Juan, PR, 00901, US", "", ""},
		{"1 Calle, San Juan, Puerto Rico, 901, US", "", "1 Calle, San Juan, PR, 00901, US", "zip_leading_zero", ""},
		{"1 Calle, San Juan, , 00901, PR", "", "1 Calle, San Juan, , 00901, PR", "", ""},
		{"1 Rd, Pago Pago, AS, 96799, US", "", "1 Rd, Pago Pago, AS, 96799, US", "", ""},
		{"1 Rd, Pago Pago, AS, 80202, US", "", "", "postal_region_mismatch", "1 Rd, Pago Pago, CO, 80202, US"},
		{"1 Rd, Saipan, MP, 96950, US", "", "1 Rd, Saipan, MP, 96950, US", "", ""},
		{"Unit 1, APO, AE, 09001, US", "", "Unit 1, APO, AE, 09001, US", "", ""},
		{"1 Rd, Fort Campbell, TN, 42223, US", "", "1 Rd, Fort Campbell, TN, 42223, US", "", ""},
		{"1 Main St, Denver, Atlantis, 80202, US", "", "", "unknown_region", "1 Main St, Denver, CO, 80202, US"},
		{"1 Main St, Denver, CO 80202", "US", "", "unknown_region,missing_postal_code", "1 Main St, Denver, CO, 80202"},

		// Canada: province by first letter, names with accents, spacing.
		{"5 King St, Toronto, ON, T2P 1J9, CA", "", "", "postal_region_mismatch", "5 King St, Toronto, AB, T2P 1J9, CA"},
		{"5 King St, Toronto, Ontario, m5h1a1, Canada", "", "5 King St, Toronto, ON, M5H 1A1, CA", "", ""},
		{"5 King St, Toronto, ontario, M5H-1A1, CAN", "", "5 King St, Toronto, ON, M5H 1A1, CA", "", ""},
		{"1 Rue, Montréal, Québec, H2X 1Y4, CA", "", "1 Rue, Montréal, QC, H2X 1Y4, CA", "", ""},
		{"1 Rue, Montreal, Quebec, h2x 1y4, CA", "", "1 Rue, Montreal, QC, H2X 1Y4, CA", "", ""},
		{"1 Rue, Montreal, QC, K1A 0B1, CA", "", "", "postal_region_mismatch", "1 Rue, Montreal, ON, K1A 0B1, CA"},
		{"1 Rd, Iqaluit, NU, X0A 0H0, CA", "", "1 Rd, Iqaluit, NU, X0A 0H0, CA", "", ""},
		{"1 Rd, Iqaluit, NT, X0A 0H0, CA", "", "", "postal_region_mismatch", "1 Rd, Iqaluit, NU, X0A 0H0, CA"},
		{"1 Rd, Yellowknife, NT, X1A 2P3, CA", "", "1 Rd, Yellowknife, NT, X1A 2P3, CA", "", ""},
		{"5 King St, Toronto, ON, 12345, CA", "", "", "bad_postal_code", ""},
		{"5 King St, Toronto, ON, D1A 1A1, CA", "", "", "bad_postal_code", ""},
		{"5 King St, Toronto, ON M5H 1A1, , CA", "", "", "unknown_region,missing_postal_code", "5 King St, Toronto, ON, M5H 1A1, CA"},

		// United Kingdom: no regions, format only.
		{"10 Downing St, London, , sw1a2aa, UK", "", "10 Downing St, London, , SW1A 2AA, GB", "", ""},
		{"10 Downing St, London, Greater London, SW1A 2AA, England", "", "10 Downing St, London, Greater London, SW1A 2AA, GB", "", ""},
		{"1 High St, Edinburgh, , EH1 1YZ, Scotland", "", "1 High St, Edinburgh, , EH1 1YZ, GB", "", ""},
		{"1 High St, Cardiff, , CF10 1AA, Great Britain", "", "1 High St, Cardiff, , CF10 1AA, GB", "", ""},
		{"10 Downing St, London, , 12345, GB", "", "", "bad_postal_code", ""},
		{"10 Downing St, London, , SW1A 2AA, GBR", "", "10 Downing St, London, , SW1A 2AA, GB", "", ""},

		// India: PIN → state.
		{"1 MG Road, Bengaluru, Karnataka, 560001, IN", "", "1 MG Road, Bengaluru, KA, 560001, IN", "", ""},
		{"1 MG Road, Bengaluru, Delhi, 560001, IN", "", "", "postal_region_mismatch", "1 MG Road, Bengaluru, KA, 560001, IN"},
		{"1 Rd, Mumbai, Maharashtra, 400001, India", "", "1 Rd, Mumbai, MH, 400001, IN", "", ""},
		{"1 Rd, Panaji, Goa, 403001, IND", "", "1 Rd, Panaji, GA, 403001, IN", "", ""},
		{"1 Rd, Kochi, Kerala, 682001, IN", "", "1 Rd, Kochi, KL, 682001, IN", "", ""},
		{"1 Rd, Kavaratti, Lakshadweep, 682555, IN", "", "1 Rd, Kavaratti, LD, 682555, IN", "", ""},
		{"1 Rd, Puducherry, Pondicherry, 605001, IN", "", "1 Rd, Puducherry, PY, 605001, IN", "", ""},
		{"1 Rd, Villupuram, Tamil Nadu, 605602, IN", "", "1 Rd, Villupuram, TN, 605602, IN", "", ""},
		{"1 Rd, Villupuram, Kerala, 605602, IN", "", "", "postal_region_mismatch", ""},
		{"1 Rd, Mohali, Punjab, 160055, IN", "", "1 Rd, Mohali, PB, 160055, IN", "", ""},
		{"1 Rd, Bhubaneswar, Orissa, 751001, IN", "", "1 Rd, Bhubaneswar, OD, 751001, IN", "", ""},
		{"1 Rd, Hyderabad, Telangana, 500001, IN", "", "1 Rd, Hyderabad, TS, 500001, IN", "", ""},
		{"1 Rd, Ranchi, Jharkhand, 834001, IN", "", "1 Rd, Ranchi, JH, 834001, IN", "", ""},
		{"1 Rd, Ranchi, Bihar, 834001, IN", "", "", "postal_region_mismatch", "1 Rd, Ranchi, JH, 834001, IN"},
		{"1 MG Road, Bengaluru, KA, 56001, IN", "", "", "bad_postal_code", ""},
		{"1 MG Road, Bengaluru, Narnia, 560001, IN", "", "", "unknown_region", "1 MG Road, Bengaluru, KA, 560001, IN"},

		// Kenya: 5 digits, no county list, no prefix rule.
		{"12 Moi Ave, Nairobi, , 00100, KE", "", "12 Moi Ave, Nairobi, , 00100, KE", "", ""},
		{"12 Moi Ave, Nairobi, Nairobi County, 00100, Kenya", "", "12 Moi Ave, Nairobi, Nairobi County, 00100, KE", "", ""},
		{"12 Moi Ave, Nairobi, , 100, KEN", "", "12 Moi Ave, Nairobi, , 00100, KE", "zip_leading_zero", "12 Moi Ave, Nairobi, , 00100, KE"},
		{"12 Moi Ave, Nairobi, , 1001001, KE", "", "", "bad_postal_code", ""},
		{"12 Moi Ave, Nairobi, , ABCDE, KE", "", "", "bad_postal_code", ""},

		// Nigeria: states by code or name ("Lagos State"), 6-digit codes.
		{"1 Broad St, Lagos, Lagos, 100001, NG", "", "1 Broad St, Lagos, LA, 100001, NG", "", ""},
		{"1 Broad St, Lagos, Lagos State, 100001, Nigeria", "", "1 Broad St, Lagos, LA, 100001, NG", "", ""},
		{"1 Rd, Abeokuta, Ogun State, 110001, NGA", "", "1 Rd, Abeokuta, OG, 110001, NG", "", ""},
		{"1 Rd, Abeokuta, Ogun, 110001, NG", "", "1 Rd, Abeokuta, OG, 110001, NG", "", ""},
		{"1 Rd, Abuja, FCT, 900001, NG", "", "1 Rd, Abuja, FC, 900001, NG", "", ""},
		{"1 Broad St, Lagos, Lagos, 10001, NG", "", "", "bad_postal_code", ""},
		{"1 Broad St, Lagos, Wakanda, 100001, NG", "", "", "unknown_region", ""},

		// South Africa: 4 digits, no province list.
		{"1 Long St, Cape Town, , 8001, ZA", "", "1 Long St, Cape Town, , 8001, ZA", "", ""},
		{"1 Long St, Cape Town, Western Cape, 8001, South Africa", "", "1 Long St, Cape Town, Western Cape, 8001, ZA", "", ""},
		{"1 Church St, Pretoria, , 2, ZAF", "", "", "bad_postal_code", ""},
		{"1 Church St, Pretoria, , 83, RSA", "", "1 Church St, Pretoria, , 0083, ZA", "zip_leading_zero", ""},
		{"1 Long St, Cape Town, , 80011, ZA", "", "", "bad_postal_code", ""},

		// Mexico: Durango is DUR (DUG accepted), CP → state.
		{"Av Juárez 1, Durango, DUR, 34000, MX", "", "Av Juárez 1, Durango, DUR, 34000, MX", "", ""},
		{"Av Juárez 1, Durango, DUG, 34000, MX", "", "Av Juárez 1, Durango, DUR, 34000, MX", "", ""},
		{"Av Juárez 1, Durango, Durango, 64000, MEX", "", "", "postal_region_mismatch", "Av Juárez 1, Durango, NLE, 64000, MX"},
		{"Reforma 1, Ciudad de México, CDMX, 06500, México", "", "Reforma 1, Ciudad de México, CMX, 06500, MX", "", ""},
		{"Reforma 1, Ciudad de México, Ciudad de Mexico, 6500, Mexico", "", "Reforma 1, Ciudad de México, CMX, 06500, MX", "zip_leading_zero", ""},
		{"1 Calle, Querétaro, Queretaro, 76000, MX", "", "1 Calle, Querétaro, QUE, 76000, MX", "", ""},
		{"1 Calle, Monterrey, Nuevo León, 64000, MX", "", "1 Calle, Monterrey, NLE, 64000, MX", "", ""},
		{"1 Calle, Monterrey, NL, 640000, MX", "", "", "bad_postal_code", ""},

		// Brazil: CEP → UF.
		{"Av Paulista 1, São Paulo, SP, 01310-100, Brasil", "", "Av Paulista 1, São Paulo, SP, 01310-100, BR", "", ""},
		{"Av Paulista 1, São Paulo, São Paulo, 01310100, BRA", "", "Av Paulista 1, São Paulo, SP, 01310-100, BR", "", ""},
		{"Av Paulista 1, São Paulo, SP, 1310100, BR", "", "Av Paulista 1, São Paulo, SP, 01310-100, BR", "zip_leading_zero", ""},
		{"Av Paulista 1, São Paulo, RJ, 01310-100, BR", "", "", "postal_region_mismatch", "Av Paulista 1, São Paulo, SP, 01310-100, BR"},
		{"Eixo 1, Brasília, DF, 70040-010, BR", "", "Eixo 1, Brasília, DF, 70040-010, BR", "", ""},
		{"Rua 1, Goiânia, Goiás, 74000-000, BR", "", "Rua 1, Goiânia, GO, 74000-000, BR", "", ""},
		{"Rua 1, Goiânia, DF, 74000-000, BR", "", "", "postal_region_mismatch", "Rua 1, Goiânia, GO, 74000-000, BR"},
		{"Rua 1, Boa Vista, RR, 69301-000, BR", "", "Rua 1, Boa Vista, RR, 69301-000, BR", "", ""},
		{"Rua 1, Rio, RJ, 2000-00, BR", "", "", "bad_postal_code", ""},

		// Other countries: alpha-3, names, accents, fixed data.
		{"1 Str, Berlin, , 10115, Deutschland", "", "1 Str, Berlin, , 10115, DE", "", ""},
		{"1 Str, Dresden, , 1067, DEU", "", "1 Str, Dresden, , 01067, DE", "zip_leading_zero", ""},
		{"1 Rue, Abidjan, , , Ivory Coast", "", "1 Rue, Abidjan, , , CI", "", ""},
		{"1 Rue, Abidjan, , , Côte d’Ivoire", "", "1 Rue, Abidjan, , , CI", "", ""},
		{"1 Straat, Amsterdam, , 1012 AB, Holland", "", "1 Straat, Amsterdam, , 1012 AB, NL", "", ""},
		{"1 Rd, Sarajevo, , 71000, Bosnia and Herzegovina", "", "1 Rd, Sarajevo, , 71000, BA", "", ""},
		{"1 Rd, Castries, , , Saint Lucia", "", "1 Rd, Castries, , , LC", "", ""},
		{"1 Rd, Nassau, , , The Bahamas", "", "1 Rd, Nassau, , , BS", "", ""},
		{"1 Calle, Inírida, Guainía, , CO", "", "1 Calle, Inírida, GUA, , CO", "", ""},
		{"1 Calle, Inírida, Guania, , COL", "", "1 Calle, Inírida, GUA, , CO", "", ""},
		{"1 Cad, Afyon, Afyonkarahisar, 03000, TR", "", "1 Cad, Afyon, 03, 03000, TR", "", ""},
		{"1 Cad, Afyon, Afyon, 03000, Turkey", "", "1 Cad, Afyon, 03, 03000, TR", "", ""},
		{"1 Rd, Tokyo, 東京都, 100-0001, JP", "", "1 Rd, Tokyo, 13, 100-0001, JP", "", ""},
		{"1 Road, Town, , 12345, Narnia", "", "", "unknown_country", ""},
		{"a, b, c, d, e, f, g", "", "", "too_many_parts", ""},
		{"Flat 1, 2 High St, London, , SW1A 2AA, GB", "", `"Flat 1, 2 High St", London, , SW1A 2AA, GB`, "too_many_parts", ""},
	}
	for _, c := range cases {
		got, probs := CheckCell(c.in, c.def)
		if codes(probs) != c.problems {
			t.Errorf("CheckCell(%q, %q) problems %q, want %q (%+v)", c.in, c.def, codes(probs), c.problems, probs)
			continue
		}
		if c.want != "" && got.String() != c.want {
			t.Errorf("CheckCell(%q) = %q, want %q", c.in, got.String(), c.want)
		}
		if c.suggestion != "" {
			found := false
			for _, p := range probs {
				found = found || p.Suggestion == c.suggestion
			}
			if !found {
				t.Errorf("CheckCell(%q): no suggestion %q in %+v", c.in, c.suggestion, probs)
			}
		}
		for _, p := range probs {
			if p.Message == "" || !strings.HasSuffix(p.Message, ".") || p.Part == "" {
				t.Errorf("CheckCell(%q): problem %+v lacks a sentence or a part", c.in, p)
			}
			wantWarning := p.Code == "zip_leading_zero" || p.Code == "missing_postal_code" ||
				p.Code == "too_many_parts" && strings.Contains(p.Message, "were read as the street")
			if p.Warning != wantWarning {
				t.Errorf("CheckCell(%q): %s warning=%v", c.in, p.Code, p.Warning)
			}
		}
	}
}

func TestMessages(t *testing.T) {
	_, p := CheckCell("1 Main St, Denver, CO, 90210, US", "")
	if len(p) != 1 || p[0].Message != "ZIP 90210 is in California (CA), not Colorado (CO)." {
		t.Errorf("%+v", p)
	}
	_, p = CheckCell("1 Rd, Villupuram, Kerala, 605602, IN", "")
	if len(p) != 1 || p[0].Message != "PIN 605602 is in Puducherry (PY) or Tamil Nadu (TN), not Kerala (KL)." || p[0].Suggestion != "" {
		t.Errorf("%+v", p)
	}
	_, p = CheckCell("1 Main St, Boston, MA, 2134, US", "")
	if len(p) != 1 || !strings.Contains(p[0].Message, `"2134"`) || !strings.Contains(p[0].Message, "02134") {
		t.Errorf("%+v", p)
	}
	_, p = CheckCell("1 Main St, Boston, MA, 021345, US", "")
	if len(p) != 1 || !strings.Contains(p[0].Message, `"021345"`) || !strings.Contains(p[0].Message, "5 digits") {
		t.Errorf("%+v", p)
	}
	_, p = CheckCell("1 Road, Town, , 12345, Narnia", "")
	if len(p) != 1 || !strings.Contains(p[0].Message, `"Narnia"`) || p[0].Part != "country" {
		t.Errorf("%+v", p)
	}
}

func TestCheckNormalises(t *testing.T) {
	a, p := Check(Address{Street: " 1 Main St ", City: "Denver", Region: "colorado", PostalCode: " 80202 ", Country: "usa"}, "")
	if len(p) != 0 || a != (Address{"1 Main St", "Denver", "CO", "80202", "US"}) {
		t.Errorf("%+v %+v", a, p)
	}
	// The default country checks the address but is not written into it.
	a, p = Check(Address{City: "Toronto", Region: "Ontario", PostalCode: "t2p1j9"}, "CA")
	if codes(p) != "postal_region_mismatch" || a.Country != "" || a.PostalCode != "T2P 1J9" || a.Region != "ON" {
		t.Errorf("%+v %+v", a, p)
	}
}

func TestCountries(t *testing.T) {
	if CountryName("ke") != "Kenya" || CountryName("XX") != "" || CountryName("GB") != "United Kingdom" {
		t.Fatal(CountryName("ke"))
	}
	for in, want := range map[string]string{
		"USA": "US", "usa": "US", "U.S.A.": "US", "U.S.": "US", "United States of America": "US", "America": "US",
		"UK": "GB", "U.K.": "GB", "Great Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB",
		"Northern Ireland": "GB", "Deutschland": "DE", "Holland": "NL", "Ivory Coast": "CI", "CIV": "CI",
		"KEN": "KE", "NGA": "NG", "ZAF": "ZA", "MEX": "MX", "BRA": "BR", "IND": "IN", "CAN": "CA", "GBR": "GB",
		"Türkiye": "TR", "turkiye": "TR", "Åland Islands": "AX", "Aland Islands": "AX", "São Tomé & Príncipe": "ST",
		"St. Kitts & Nevis": "KN", "Saint Kitts and Nevis": "KN", "Curaçao": "CW", "Réunion": "RE",
		"Myanmar (Burma)": "MM", "Congo - Kinshasa": "CD", "Hong Kong SAR China": "HK", "Hong Kong": "HK",
	} {
		if got, ok := ResolveCountry(in); !ok || got != want {
			t.Errorf("ResolveCountry(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"Narnia", "", "ZZZ", "XX", "840"} {
		if got, ok := ResolveCountry(in); ok {
			t.Errorf("ResolveCountry(%q) = %q, want unknown", in, got)
		}
	}
	// Every country with an alpha-3 code resolves from it, and codes win
	// over names.
	for cc, c := range countries {
		if got, _ := ResolveCountry(cc); got != cc {
			t.Errorf("%s resolves to %s", cc, got)
		}
		if c.alpha3 != "" {
			if got, _ := ResolveCountry(c.alpha3); got != cc {
				t.Errorf("%s (%s) resolves to %s", c.alpha3, cc, got)
			}
		}
	}
}

func TestRegions(t *testing.T) {
	for _, c := range []struct{ cc, in, want string }{
		{"US", "CO", "CO"}, {"US", "colorado", "CO"}, {"US", "New York", "NY"}, {"US", "new  york", "NY"},
		{"CA", "Quebec", "QC"}, {"CA", "Québec", "QC"}, {"CA", "QUÉBEC", "QC"}, {"CA", "Que\u0301bec", "QC"}, {"CA", "PQ", "QC"},
		{"MX", "DUR", "DUR"}, {"MX", "DUG", "DUR"}, {"MX", "durango", "DUR"}, {"MX", "Michoacán", "MIC"}, {"MX", "michoacan", "MIC"},
		{"MX", "Nuevo Leon", "NLE"}, {"MX", "Ciudad de México", "CMX"},
		{"BR", "São Paulo", "SP"}, {"BR", "sao paulo", "SP"}, {"BR", "Rondonia", "RO"},
		{"IN", "Jammu & Kashmir", "JK"}, {"IN", "Jammu and Kashmir", "JK"}, {"IN", "Dadra and Nagar Haveli and Daman and Diu", "DH"},
		{"NG", "Ogun", "OG"}, {"NG", "Ogun State", "OG"}, {"NG", "Federal Capital Territory", "FC"},
		{"CO", "Guainía", "GUA"}, {"TR", "Afyonkarahisar", "03"}, {"VN", "Hà Nội", "01"}, {"VN", "Ha Noi", "01"}, {"VN", "Hanoi City", "01"},
	} {
		if got, ok := ResolveRegion(c.cc, c.in); !ok || got != c.want {
			t.Errorf("ResolveRegion(%s, %q) = %q %v, want %q", c.cc, c.in, got, ok, c.want)
		}
	}
	if RegionName("MX", "DUR") != "Durango" || RegionName("mx", "DUG") != "" || RegionName("NG", "OG") != "Ogun" ||
		RegionName("CO", "GUA") != "Guainía" || RegionName("TR", "03") != "Afyonkarahisar" {
		t.Error("the generator's fixes are missing from zz_data.go")
	}
	if _, ok := ResolveRegion("GB", "London"); ok {
		t.Error("GB has no regions")
	}
}

// TestPrefixTables checks the hand-written postal tables against the
// generated region lists, so a typo cannot name a region that does not
// exist, and that the US table leaves no assigned 3-digit prefix of the
// contiguous states without a state.
func TestPrefixTables(t *testing.T) {
	for cc, table := range map[string]map[string]string{"US": usZip, "CA": caFSA, "MX": mxCP, "IN": inPIN, "BR": brCEP} {
		for region, spec := range table {
			if RegionName(cc, region) == "" {
				t.Errorf("%s: %s is not a region", cc, region)
			}
			for _, p := range expand(spec) {
				if p == "" {
					t.Errorf("%s %s: empty prefix in %q", cc, region, spec)
				}
			}
		}
	}
	for n := 10; n <= 999; n++ {
		zip := fmt.Sprintf("%03d01", n)
		if r := regionsForPostal("US", zip); len(r) == 0 && !usUnassigned[zip[:3]] {
			t.Errorf("ZIP prefix %s has no state", zip[:3])
		}
	}
	for _, c := range []struct {
		cc, pc string
		want   string
	}{
		{"US", "80202", "CO"}, {"US", "90210", "CA"}, {"US", "96161", "CA"}, {"US", "96201", "AP"},
		{"US", "10001", "NY"}, {"US", "00501", "NY"}, {"US", "06390", "NY"}, {"US", "06320", "CT"},
		{"US", "02134", "MA"}, {"US", "05501", "MA"}, {"US", "05401", "VT"}, {"US", "73301", "TX"},
		{"US", "73101", "OK"}, {"US", "88510", "TX"}, {"US", "88001", "NM"}, {"US", "20500", "DC"},
		{"US", "20101", "VA"}, {"US", "56901", "DC"}, {"US", "00601", "PR"}, {"US", "00801", "VI"},
		{"US", "34001", "AA"}, {"US", "33101", "FL"}, {"US", "96910", "GU"}, {"US", "96940", "PW"},
		{"US", "96960", "MH"}, {"US", "96941", "FM"}, {"US", "83414", "WY"}, {"US", "83401", "ID"},
		{"US", "42223", "KY,TN"}, {"US", "97635", "CA,OR"},
		{"CA", "K1A 0B1", "ON"}, {"CA", "T2P 1J9", "AB"}, {"CA", "H2X 1Y4", "QC"}, {"CA", "X0A 0H0", "NU"},
		{"CA", "X1A 2P3", "NT"}, {"CA", "Y1A 1A1", "YT"}, {"CA", "A1A 1A1", "NL"},
		{"MX", "01000", "CMX"}, {"MX", "34000", "DUR"}, {"MX", "64000", "NLE"}, {"MX", "77500", "ROO"},
		{"IN", "110001", "DL"}, {"IN", "560001", "KA"}, {"IN", "400001", "MH"}, {"IN", "700001", "WB"},
		{"IN", "160017", "CH,PB"}, {"IN", "248001", "UK"}, {"IN", "226001", "UP"},
		{"BR", "01310-100", "SP"}, {"BR", "20000-000", "RJ"}, {"BR", "72800-000", "GO"}, {"BR", "73000-000", "DF"},
		{"BR", "69900-000", "AC"}, {"BR", "76800-000", "RO"}, {"BR", "90000-000", "RS"},
	} {
		if got := strings.Join(regionsForPostal(c.cc, c.pc), ","); got != c.want {
			t.Errorf("regionsForPostal(%s, %s) = %q, want %q", c.cc, c.pc, got, c.want)
		}
	}
}

// usUnassigned are 3-digit ZIP prefixes USPS has not assigned (001–004 and
// a few gaps); they may stay without a state.
var usUnassigned = map[string]bool{"001": true, "002": true, "003": true, "004": true, "099": true, "213": true,
	"269": true, "343": true, "345": true, "348": true, "353": true, "419": true, "428": true, "429": true,
	"517": true, "518": true, "519": true, "529": true, "533": true, "536": true, "552": true, "568": true,
	"578": true, "579": true, "589": true, "621": true, "632": true, "642": true, "643": true, "659": true,
	"663": true, "682": true, "694": true, "695": true, "696": true, "697": true, "698": true, "699": true,
	"715": true, "732": true, "733": false, "742": true, "771": true, "817": true, "818": true, "819": true,
	"839": true, "848": true, "849": true, "851": true, "854": true, "858": true, "861": true, "862": true,
	"866": true, "867": true, "868": true, "869": true, "876": true, "886": true, "887": true, "888": true,
	"892": true, "896": true, "899": true, "909": true, "929": true, "987": true}

func FuzzParse(f *testing.F) {
	for _, s := range []string{",Denver,CO,80202", ",,CO,80202", ",,,80202", `"1 Main, Apt 5", X, CO, 80202, US`,
		"a,b,c,d,e,f", "", "\"", ",,,,", "Flat 1, 2 High St, London, , SW1A 2AA, GB", `"a""b",c`, "a\nb,c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, probs := Parse(s)
		if len(probs) > 0 {
			return
		}
		again, more := Parse(a.String())
		if again != a || len(more) > 0 {
			t.Fatalf("%q → %+v → %q → %+v %v", s, a, a.String(), again, more)
		}
	})
}

func FuzzCheckCell(f *testing.F) {
	for _, s := range []string{"1 Main St, Denver, CO, 90210, US", "5 King, T, ON, T2P 1J9, CA", ",,,2134,US", "x,y,DUG,34000,MX",
		"1 Rd, Villupuram, Kerala, 605602, IN", "Av Paulista 1, São Paulo, SP, 1310100, BR", "1 Main St, Denver, CO 80202"} {
		f.Add(s, "US")
	}
	f.Fuzz(func(t *testing.T, s, def string) {
		a, probs := CheckCell(s, def)
		if len(probs) > 0 {
			return
		}
		// A clean address is a fixed point: checking its canonical form
		// again changes nothing and finds nothing.
		again, more := CheckCell(a.String(), def)
		if again != a || len(more) > 0 {
			t.Fatalf("%q → %+v → %q → %+v %+v", s, a, a.String(), again, more)
		}
	})
}

func BenchmarkCheckCell(b *testing.B) {
	for _, cell := range []string{"1 Main St, Denver, CO, 80202, US", "5 King St, Toronto, Ontario, m5h1a1, Canada", ",,,80202",
		"Av Paulista 1, São Paulo, SP, 01310-100, BR", `"1 Main St, Apt 5", Denver, Colorado, 80202-1234, USA`} {
		b.Run(strings.Fields(cell + " x")[0], func(b *testing.B) {
			CheckCell(cell, "US")
			b.ReportAllocs()
			for b.Loop() {
				_, _ = CheckCell(cell, "US")
			}
		})
	}
}
