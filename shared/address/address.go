package address

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"
)

// Address is a parsed address. Region and Country hold ISO codes once
// recognised (3166-2 suffix and 3166-1 alpha-2); otherwise what was written.
type Address struct {
	Street, City, Region, PostalCode, Country string
}

// Problem is one thing wrong with an address. Codes are stable strings:
// unknown_country, unknown_region, bad_postal_code, postal_region_mismatch,
// missing_postal_code, too_many_parts, zip_leading_zero. A Warning leaves
// the address usable; Suggestion, when set, is the whole corrected cell.
type Problem struct {
	Code       string
	Part       string // street | city | region | postal_code | country
	Message    string
	Suggestion string
	Warning    bool
}

// String writes the canonical cell "Street, City, CO, 80202, US". Empty
// parts keep their commas; empty trailing parts are left off, as the
// format allows, so ",Denver,CO,80202" stays ", Denver, CO, 80202". A part
// holding a comma or a quote is quoted, so String re-parses to the same
// address.
func (a Address) String() string {
	parts := [5]string{a.Street, a.City, a.Region, a.PostalCode, a.Country}
	n := 5
	for n > 0 && parts[n-1] == "" {
		n--
	}
	var b strings.Builder
	for i, p := range parts[:n] {
		if i > 0 {
			b.WriteString(", ")
		}
		if strings.ContainsAny(p, ",\"") {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(p, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(p)
		}
	}
	return b.String()
}

// Parse splits a cell left to right into its five parts; it does not look
// the parts up (Check does). A blank cell is the zero Address and no
// problem: whether the address is required is the caller's decision.
func Parse(cell string) (Address, []Problem) {
	if strings.ContainsAny(cell, "\r\n\t\v\f") { // a cell's line breaks are just spaces here
		cell = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == '\t' || r == '\v' || r == '\f' {
				return ' '
			}
			return r
		}, cell)
	}
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return Address{}, nil
	}
	var parts []string
	if strings.IndexByte(cell, '"') < 0 { // the usual case: nothing quoted
		parts = strings.Split(cell, ",")
	} else {
		// encoding/csv keeps a quoted "1 Main St, Apt 5" as one part.
		var err error
		if parts, err = splitQuoted(cell); err != nil || len(parts) == 0 {
			parts = strings.Split(cell, ",")
		}
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	for len(parts) > 5 && parts[len(parts)-1] == "" { // stray trailing commas
		parts = parts[:len(parts)-1]
	}
	var probs []Problem
	if len(parts) > 5 {
		last := parts[len(parts)-1]
		if _, ok := lookupCountry(last); !ok {
			return Address{Street: cell}, []Problem{{Code: "too_many_parts", Part: "street",
				Message: fmt.Sprintf("The address %q has %d comma-separated parts; expected at most 5: Street, City, State/Province, Zip/Postal code, Country. Put a street that holds commas in double quotes.", cell, len(parts))}}
		}
		// The last part is a country, so the parts are right-aligned and
		// the extra ones can only belong to the street.
		n := len(parts) - 4
		street := strings.Join(parts[:n], ", ")
		parts = append([]string{street}, parts[n:]...)
		a := Address{Street: parts[0], City: parts[1], Region: parts[2], PostalCode: parts[3], Country: parts[4]}
		probs = append(probs, Problem{Code: "too_many_parts", Part: "street", Warning: true,
			Message:    fmt.Sprintf("The address has more than 5 parts; the first %d were read as the street %q. Put a street that holds commas in double quotes.", n, street),
			Suggestion: a.String()})
		return a, probs
	}
	var p [5]string
	copy(p[:], parts)
	return Address{Street: p[0], City: p[1], Region: p[2], PostalCode: p[3], Country: p[4]}, nil
}

// readers recycles the 4 KB buffer csv.NewReader would allocate per cell:
// bufio.NewReaderSize hands back a *bufio.Reader that is already big enough.
var readers = sync.Pool{New: func() any { return new(cellReader) }}

type cellReader struct {
	s strings.Reader
	b *bufio.Reader
}

func splitQuoted(cell string) ([]string, error) {
	cr := readers.Get().(*cellReader)
	defer readers.Put(cr)
	cr.s.Reset(cell)
	if cr.b == nil {
		cr.b = bufio.NewReaderSize(&cr.s, 4096)
	} else {
		cr.b.Reset(&cr.s)
	}
	r := csv.NewReader(cr.b)
	r.TrimLeadingSpace = true
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	return r.Read()
}

// CheckCell parses and checks a cell; see Parse and Check.
func CheckCell(cell, defaultCountry string) (Address, []Problem) {
	a, probs := Parse(cell)
	for _, p := range probs {
		if !p.Warning {
			return a, probs
		}
	}
	if a == (Address{}) {
		return a, probs
	}
	b, more := Check(a, defaultCountry)
	if probs == nil {
		return b, more
	}
	return b, append(probs, more...)
}

// Check normalises an address and checks its parts: a known country, a
// known subdivision of it (where the country's addresses use them), a
// postal code in the country's format and plausible for the subdivision.
// defaultCountry (a code or name, e.g. "US") is used to check an address
// that names no country; it is not written into the result, so the cell
// keeps saying what it said.
func Check(a Address, defaultCountry string) (Address, []Problem) {
	a.Street, a.City = strings.TrimSpace(a.Street), strings.TrimSpace(a.City)
	a.Region, a.PostalCode = strings.TrimSpace(a.Region), strings.TrimSpace(a.PostalCode)
	a.Country = strings.TrimSpace(a.Country)
	var probs []Problem
	cc := ""
	if a.Country != "" {
		c, ok := lookupCountry(a.Country)
		if !ok {
			return a, []Problem{{Code: "unknown_country", Part: "country",
				Message: fmt.Sprintf("%q is not a country casegate knows; use its ISO code (for example US, KE, GB) or English name.", a.Country)}}
		}
		cc, a.Country = c, c
	} else if defaultCountry != "" {
		if c, ok := lookupCountry(defaultCountry); ok {
			cc = c
		}
	}
	if cc == "" {
		return a, nil
	}
	c := countries[cc]

	// Region: a code or a name, any case, accents ignored.
	unknownAt := -1
	regionKnown := false
	if a.Region != "" && hasRegions(cc) {
		if code, ok := lookupRegion(cc, a.Region); ok {
			a.Region, regionKnown = code, true
		} else {
			unknownAt = len(probs)
			probs = append(probs, Problem{Code: "unknown_region", Part: "region",
				Message: fmt.Sprintf("%q is not a state or province of %s; write its code (for example %s) or its name.", a.Region, c.name, firstRegion(cc))})
		}
	}

	// Postal code: normalise, repair the leading zeros spreadsheets drop,
	// check the format, then the subdivision.
	pc, fixed := normalisePostal(cc, a.PostalCode)
	if fixed {
		b := a
		b.PostalCode = pc
		probs = append(probs, Problem{Code: "zip_leading_zero", Part: "postal_code", Warning: true,
			Message: fmt.Sprintf("%s %q is too short for %s; it was read as %s, since spreadsheets drop leading zeros (format the column as text to keep them).",
				postalTerm(cc), a.PostalCode, c.name, pc),
			Suggestion: b.String()})
	}
	a.PostalCode = pc
	switch {
	case pc == "":
		if c.postalRequired && (a.Street != "" || a.City != "" || a.Region != "") {
			probs = append(probs, Problem{Code: "missing_postal_code", Part: "postal_code", Warning: true,
				Message: fmt.Sprintf("The address has no %s; addresses in %s need one (%s).", strings.ToLower(postalTerm(cc)), c.name, postalHint(cc))})
		}
		if unknownAt >= 0 {
			probs[unknownAt].Suggestion = splitRegionPostal(cc, a)
		}
	case !postalValid(cc, pc):
		probs = append(probs, Problem{Code: "bad_postal_code", Part: "postal_code",
			Message: fmt.Sprintf("%s %q is not valid for %s; expected %s.", postalTerm(cc), pc, c.name, postalHint(cc))})
	default:
		want := regionsForPostal(cc, pc)
		switch {
		case len(want) == 0:
		case unknownAt >= 0:
			if len(want) == 1 {
				b := a
				b.Region = want[0]
				probs[unknownAt].Suggestion = b.String()
				probs[unknownAt].Message += fmt.Sprintf(" %s %s is in %s.", postalTerm(cc), pc, regionList(cc, want))
			}
		case regionKnown && !contains(want, a.Region):
			p := Problem{Code: "postal_region_mismatch", Part: "postal_code",
				Message: fmt.Sprintf("%s %s is in %s, not %s.", postalTerm(cc), pc, regionList(cc, want), regionList(cc, []string{a.Region}))}
			if len(want) == 1 {
				b := a
				b.Region = want[0]
				p.Suggestion = b.String()
			}
			probs = append(probs, p)
		}
	}
	return a, probs
}

// CountryName returns a country's English name ("" if unknown). It takes
// an alpha-2 code in any case.
func CountryName(code string) string { return countries[strings.ToUpper(strings.TrimSpace(code))].name }

// RegionName returns the English name of a subdivision code of a country
// ("" if unknown).
func RegionName(country, code string) string {
	indexOnce.Do(buildIndex)
	return regionNames[strings.ToUpper(country)][strings.ToUpper(code)]
}

// ResolveCountry returns the alpha-2 code of a country written as a code,
// alpha-3 code, English name or common alias.
func ResolveCountry(s string) (string, bool) { return lookupCountry(s) }

// ResolveRegion returns the code of a subdivision of a country written as
// a code or a name.
func ResolveRegion(country, s string) (string, bool) {
	return lookupRegion(strings.ToUpper(country), s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// regionList writes "California (CA)" or "Tamil Nadu (TN) or Puducherry (PY)".
func regionList(cc string, codes []string) string {
	parts := make([]string, len(codes))
	for i, code := range codes {
		if n := RegionName(cc, code); n != "" && n != code {
			parts[i] = n + " (" + code + ")"
		} else {
			parts[i] = code
		}
	}
	return strings.Join(parts, " or ")
}

// splitRegionPostal suggests a fix for "Denver, CO 80202" written without
// the comma between state and postal code: the region part ends with a
// valid postal code and the rest is a region.
func splitRegionPostal(cc string, a Address) string {
	fields := strings.Fields(a.Region)
	for k := 1; k <= 2 && k < len(fields); k++ {
		head := strings.Join(fields[:len(fields)-k], " ")
		code, ok := lookupRegion(cc, head)
		if !ok {
			continue
		}
		pc, _ := normalisePostal(cc, strings.Join(fields[len(fields)-k:], " "))
		if postalValid(cc, pc) {
			b := a
			b.Region, b.PostalCode = code, pc
			return b.String()
		}
	}
	return ""
}

func postalValid(cc, pc string) bool {
	re := postalRE(cc)
	return re == nil || re.MatchString(pc)
}

// zipCountries use US ZIP codes (as their own country or as a US region).
var zipCountries = map[string]bool{"US": true, "PR": true, "VI": true, "GU": true, "AS": true, "MP": true, "FM": true, "MH": true, "PW": true}

// zeroPadCountries have fixed-width all-digit postal codes some of which
// start with 0, so a short number is a dropped zero rather than a typo.
var zeroPadCountries = map[string]bool{"MX": true, "KE": true, "ZA": true, "DE": true, "FR": true, "IT": true, "ES": true,
	"FI": true, "AU": true, "NZ": true, "NO": true, "MY": true}

// normalisePostal trims and upper-cases a postal code, fixes its spacing
// where the format wants one (CA, GB, US ZIP+4, BR), and pads the leading
// zeros a spreadsheet dropped; fixed reports a pad.
func normalisePostal(cc, pc string) (out string, fixed bool) {
	pc = strings.ToUpper(strings.Join(strings.Fields(pc), " "))
	if pc == "" {
		return "", false
	}
	switch {
	case zipCountries[cc]:
		zip, plus4 := pc, ""
		if i := strings.IndexAny(pc, " -"); i >= 0 {
			zip, plus4 = pc[:i], strings.TrimLeft(pc[i+1:], " -")
		} else if isDigits(pc) && (len(pc) == 8 || len(pc) == 9) { // ZIP+4 stored as a number
			zip, plus4 = pc[:len(pc)-4], pc[len(pc)-4:]
		}
		if !isDigits(zip) || len(zip) < 3 || len(zip) > 5 || plus4 != "" && (len(plus4) != 4 || !isDigits(plus4)) {
			return pc, false
		}
		if len(zip) < 5 {
			zip, fixed = strings.Repeat("0", 5-len(zip))+zip, true
		}
		if plus4 != "" {
			return zip + "-" + plus4, fixed
		}
		return zip, fixed
	case cc == "CA":
		compact := strip(pc, " -")
		if len(compact) == 6 {
			return compact[:3] + " " + compact[3:], false
		}
	case cc == "GB" || cc == "GG" || cc == "JE" || cc == "IM":
		compact := strings.ReplaceAll(pc, " ", "")
		if len(compact) >= 5 && len(compact) <= 7 {
			return compact[:len(compact)-3] + " " + compact[len(compact)-3:], false
		}
	case cc == "BR":
		compact := strip(pc, " -.")
		if isDigits(compact) && (len(compact) == 7 || len(compact) == 8) {
			if len(compact) == 7 {
				compact, fixed = "0"+compact, true
			}
			return compact[:5] + "-" + compact[5:], fixed
		}
	case zeroPadCountries[cc]:
		if n := fixedDigits(countries[cc].postal); n > 0 && isDigits(pc) && len(pc) < n && len(pc) >= max(2, n-2) {
			return strings.Repeat("0", n-len(pc)) + pc, true
		}
	}
	return pc, false
}

// strip removes the bytes in cut from s.
func strip(s, cut string) string {
	if !strings.ContainsAny(s, cut) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(cut, s[i]) < 0 {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var (
	indexOnce   sync.Once
	countryKeys map[string]string            // folded code/name/alias → alpha-2
	regionKeys  map[string]map[string]string // country → folded code/name/alias → region code
	regionNames map[string]map[string]string // country → code → English name
	regionFirst map[string]string            // country → an example code for messages
)

// buildIndex indexes the generated and hand-written names on first use, so
// a program that never checks an address never pays for it.
func buildIndex() {
	countryKeys = map[string]string{}
	regionKeys = map[string]map[string]string{}
	regionNames = map[string]map[string]string{}
	regionFirst = map[string]string{}
	addName := func(m map[string]string, name, code string) {
		k := fold(name)
		m[k] = code
		if rest, ok := strings.CutPrefix(k, "st "); ok { // CLDR writes "St. Lucia"
			m["saint "+rest] = code
		}
	}
	for cc, c := range countries {
		addName(countryKeys, c.name, cc)
	}
	for alias, cc := range countryAliases {
		addName(countryKeys, alias, cc)
	}
	for cc, c := range countries { // codes last: they win over names
		countryKeys[fold(cc)] = cc
		if c.alpha3 != "" {
			countryKeys[fold(c.alpha3)] = cc
		}
		if c.regions == "" {
			continue
		}
		rk, rn := map[string]string{}, map[string]string{}
		for _, list := range []string{c.local, c.regions} {
			for pair := range strings.SplitSeq(list, "|") {
				if code, name, ok := strings.Cut(pair, "="); ok {
					addName(rk, name, code)
					if list == c.regions {
						rn[code] = name
					}
				}
			}
		}
		for alias, code := range regionAliases[cc] {
			addName(rk, alias, code)
		}
		for code := range rn {
			rk[fold(code)] = code
			if regionFirst[cc] == "" || code < regionFirst[cc] {
				regionFirst[cc] = code
			}
		}
		regionKeys[cc], regionNames[cc] = rk, rn
	}
}

func lookupCountry(s string) (string, bool) {
	indexOnce.Do(buildIndex)
	k := fold(s)
	if cc, ok := countryKeys[k]; ok {
		return cc, true
	}
	if rest, ok := strings.CutPrefix(k, "the "); ok {
		cc, ok := countryKeys[rest]
		return cc, ok
	}
	return "", false
}

func lookupRegion(cc, s string) (string, bool) {
	indexOnce.Do(buildIndex)
	m := regionKeys[cc]
	if m == nil {
		return "", false
	}
	k := fold(s)
	if code, ok := m[k]; ok {
		return code, true
	}
	// "Lagos State", "Ontario Province": the suffix is not part of the name.
	for _, suffix := range []string{" state", " province"} {
		if rest, ok := strings.CutSuffix(k, suffix); ok {
			code, ok := m[rest]
			return code, ok
		}
	}
	return "", false
}

func hasRegions(cc string) bool { return countries[cc].regions != "" }

func firstRegion(cc string) string {
	indexOnce.Do(buildIndex)
	if cc == "US" {
		return "CO"
	}
	return regionFirst[cc]
}
