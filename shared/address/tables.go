package address

import "strings"

// countryAliases are names people write that are not a country's English
// name or code.
var countryAliases = map[string]string{
	"USA": "US", "U.S.": "US", "U.S.A.": "US", "United States of America": "US", "America": "US", "United States": "US",
	"UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB",
	"Northern Ireland": "GB", "United Kingdom": "GB",
	"Deutschland": "DE", "Holland": "NL", "The Netherlands": "NL", "Ivory Coast": "CI", "Côte d'Ivoire": "CI",
	"Kenya": "KE", "Nigeria": "NG", "South Africa": "ZA", "RSA": "ZA", "Mexico": "MX", "México": "MX",
	"Brasil": "BR", "Brazil": "BR", "India": "IN", "Bharat": "IN", "Canada": "CA",
	"Congo-Kinshasa": "CD", "DRC": "CD", "DR Congo": "CD", "Congo-Brazzaville": "CG", "Tanzania": "TZ",
	"Russia": "RU", "South Korea": "KR", "North Korea": "KP", "Vietnam": "VN", "Viet Nam": "VN", "Czech Republic": "CZ",
	"Swaziland": "SZ", "Burma": "MM", "East Timor": "TL", "Cape Verde": "CV", "Macedonia": "MK",
	"UAE": "AE", "Bosnia": "BA", "Trinidad": "TT", "Turkey": "TR", "Türkiye": "TR",
}

// regionAliases map other spellings and old codes to a region code.
var regionAliases = map[string]map[string]string{
	"MX": {"DUG": "DUR", "CDMX": "CMX", "DF": "CMX", "Distrito Federal": "CMX", "Mexico City": "CMX", "Querétaro": "QUE", "Edomex": "MEX"},
	"CA": {"PQ": "QC", "Nfld": "NL", "Newfoundland": "NL"},
	"IN": {"Orissa": "OD", "OR": "OD", "Uttaranchal": "UK", "UT": "UK", "Pondicherry": "PY", "TG": "TS", "CT": "CG", "Bombay": "MH"},
	"US": {"Calif": "CA", "Mass": "MA", "Penn": "PA", "Wash": "WA", "D.C.": "DC", "Washington DC": "DC", "Washington D.C.": "DC"},
}

// usZip are the 3-digit ZIP prefixes of each state and territory (USPS).
var usZip = map[string]string{
	"AL": "350-369", "AK": "995-999", "AZ": "850-865", "AR": "716-729", "CA": "900-961", "CO": "800-816",
	"CT": "060-069", "DE": "197-199", "DC": "200,202-205,569", "FL": "320-349", "GA": "300-319,398-399",
	"HI": "967-968", "ID": "832-838", "IL": "600-629", "IN": "460-479", "IA": "500-528", "KS": "660-679",
	"KY": "400-427", "LA": "700-714", "ME": "039-049", "MD": "206-219", "MA": "010-027,055", "MI": "480-499",
	"MN": "550-567", "MS": "386-397", "MO": "630-658", "MT": "590-599", "NE": "680-693", "NV": "889-898",
	"NH": "030-038", "NJ": "070-089", "NM": "870-884", "NY": "005,100-149", "NC": "270-289", "ND": "580-588",
	"OH": "430-459", "OK": "730-749", "OR": "970-979", "PA": "150-196", "RI": "028-029", "SC": "290-299",
	"SD": "570-577", "TN": "370-385", "TX": "733,750-799,885", "UT": "840-847", "VT": "050-054,056-059",
	"VA": "201,220-246", "WA": "980-994", "WV": "247-268", "WI": "530-549", "WY": "820-831",
	"PR": "006-007,009", "VI": "008", "GU": "969", "AA": "340", "AE": "090-098", "AP": "962-966",
}

// caLetter is the province of a Canadian postal code's first letter.
var caLetter = map[byte]string{
	'A': "NL", 'B': "NS", 'C': "PE", 'E': "NB", 'G': "QC", 'H': "QC", 'J': "QC", 'K': "ON", 'L': "ON", 'M': "ON",
	'N': "ON", 'P': "ON", 'R': "MB", 'S': "SK", 'T': "AB", 'V': "BC", 'X': "NT", 'Y': "YT",
}

// mxCP are the 2-digit prefixes of Mexican postal codes per state (SEPOMEX).
var mxCP = map[string]string{
	"CMX": "01-16", "AGU": "20", "BCN": "21-22", "BCS": "23", "CAM": "24", "COA": "25-27", "COL": "28", "CHP": "29-30",
	"CHH": "31-33", "DUR": "34-35", "GUA": "36-38", "GRO": "39-41", "HID": "42-43", "JAL": "44-49", "MEX": "50-57",
	"MIC": "58-61", "MOR": "62", "NAY": "63", "NLE": "64-67", "OAX": "68-71", "PUE": "72-75", "QUE": "76", "ROO": "77",
	"SLP": "78-79", "SIN": "80-82", "SON": "83-85", "TAB": "86", "TAM": "87-89", "TLA": "90", "VER": "91-96", "YUC": "97", "ZAC": "98-99",
}

// inPIN are Indian PIN prefixes per state (India Post); the longest prefix wins.
var inPIN = map[string]string{
	"DL": "11", "HR": "12-13", "PB": "14-16", "CH": "160", "HP": "17", "JK": "18-19", "LA": "194",
	"UP": "20-28", "UK": "244-249,262-263", "RJ": "30-34", "GJ": "36-39", "MH": "40-44", "GA": "403",
	"MP": "45-48", "CG": "49", "TS": "50", "AP": "51-53", "KA": "56-59", "TN": "60-64", "PY": "605",
	"KL": "67-69", "LD": "682", "WB": "70-74", "SK": "737", "AN": "744", "OD": "75-77", "AS": "78",
	"AR": "790-792", "ML": "793-794", "MN": "795", "MZ": "796", "NL": "797-798", "TR": "799", "BR": "80-85", "JH": "81-83",
	"DH": "396",
}

// brCEP are Brazilian CEP prefixes per state (Correios); the longest wins.
var brCEP = map[string]string{
	"SP": "01-19", "RJ": "20-28", "ES": "29", "MG": "30-39", "BA": "40-48", "SE": "49", "PE": "50-56", "AL": "57",
	"PB": "58", "RN": "59", "CE": "60-63", "PI": "64", "MA": "65", "PA": "66-68", "AP": "689", "AM": "69", "RR": "693",
	"AC": "699", "DF": "70-72,73", "GO": "72-76", "TO": "77", "MT": "78", "RO": "768-769", "MS": "79", "PR": "80-87", "SC": "88-89", "RS": "90-99",
}

// Kenya, Nigeria and South Africa: postal codes are checked for format only;
// their codes follow post offices, not the subdivisions written in an address,
// so no prefix rule can say a code is in the wrong county or state. GB
// addresses carry no subdivision at all.

var (
	ruleMu    = make(chan struct{}, 1)
	ruleCache = map[string]map[string]string{} // country → prefix → region
)

// expand turns "01-16,73" into every prefix it names.
func expand(spec string) []string {
	var out []string
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			out = append(out, lo)
			continue
		}
		n := len(lo)
		a, b := atoi(lo), atoi(hi)
		for i := a; i <= b; i++ {
			s := itoa(i)
			for len(s) < n {
				s = "0" + s
			}
			out = append(out, s)
		}
	}
	return out
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func rules(cc string) map[string]string {
	ruleMu <- struct{}{}
	defer func() { <-ruleMu }()
	if r, ok := ruleCache[cc]; ok {
		return r
	}
	var table map[string]string
	switch cc {
	case "US":
		table = usZip
	case "MX":
		table = mxCP
	case "IN":
		table = inPIN
	case "BR":
		table = brCEP
	}
	out := map[string]string{}
	for region, spec := range table {
		for _, p := range expand(spec) {
			// Overlaps (IN, BR) resolve to the longer prefix at lookup; for
			// equal prefixes the alphabetically first region wins, so the
			// result never depends on map order.
			if old, ok := out[p]; !ok || region < old {
				out[p] = region
			}
		}
	}
	ruleCache[cc] = out
	return out
}

// regionForPostal says which subdivision a postal code belongs to, where a
// rule exists. Overlapping prefixes: the longest wins.
func regionForPostal(cc, pc string) (string, bool) {
	if cc == "CA" {
		if len(pc) > 0 {
			r, ok := caLetter[pc[0]]
			return r, ok
		}
		return "", false
	}
	digits := strings.ReplaceAll(pc, "-", "")
	table := rules(cc)
	for n := min(5, len(digits)); n >= 1; n-- { // the longest prefix wins
		if r, ok := table[digits[:n]]; ok {
			return r, true
		}
	}
	return "", false
}

// sameRegion accepts a region a shared prefix may also mean.
func sameRegion(cc, want, got string) bool {
	switch cc {
	case "CA":
		return want == "NT" && got == "NU"
	case "IN":
		shared := map[string]string{"CH": "PB HR", "UK": "UP", "UP": "UK", "JH": "BR", "BR": "JH", "LA": "JK", "DH": "GJ", "GA": "MH"}
		return strings.Contains(shared[want], got)
	case "BR":
		return (want == "GO" && got == "DF") || (want == "DF" && got == "GO")
	case "US":
		// Military and freely associated states share ranges with the mainland.
		return got == "AS" || got == "MP" || got == "FM" || got == "MH" || got == "PW"
	}
	return false
}
