package address

import (
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Address is a parsed address; Region and Country hold ISO codes once
// recognised.
type Address struct {
	Street, City, Region, PostalCode, Country string
}

// Problem is one thing wrong with an address. Codes are stable.
type Problem struct {
	Code       string
	Part       string // street | city | region | postal_code | country
	Message    string
	Suggestion string
	Warning    bool
}

// String writes the canonical form, keeping the commas of empty parts and
// dropping empty trailing ones.
func (a Address) String() string {
	parts := []string{a.Street, a.City, a.Region, a.PostalCode, a.Country}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	for i, p := range parts {
		if strings.ContainsAny(p, ",\"") {
			parts[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
		}
	}
	return strings.Join(parts, ", ")
}

// Parse splits a cell left to right. A quoted part keeps its commas.
func Parse(cell string) (Address, []Problem) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return Address{}, nil
	}
	var parts []string
	if !strings.ContainsRune(cell, '"') { // the usual case: no quoted part
		parts = strings.Split(strings.ReplaceAll(cell, "\n", " "), ",")
	} else {
		r := csv.NewReader(strings.NewReader(strings.ReplaceAll(cell, "\n", " ")))
		r.TrimLeadingSpace = true
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		var err error
		if parts, err = r.Read(); err != nil || len(parts) == 0 {
			parts = strings.Split(cell, ",")
		}
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	var probs []Problem
	if len(parts) > 5 {
		if _, ok := lookupCountry(parts[len(parts)-1]); ok {
			n := len(parts) - 4
			street := strings.Join(parts[:n], ", ")
			parts = append([]string{street}, parts[n:]...)
			probs = append(probs, Problem{Code: "too_many_parts", Part: "street", Warning: true,
				Message: fmt.Sprintf("The address has more than 5 parts; the first %d were read as the street (%q). Quote a street that holds commas.", n, street)})
		} else {
			return Address{Street: cell}, []Problem{{Code: "too_many_parts", Part: "street",
				Message: fmt.Sprintf("The address has %d comma-separated parts; expected at most 5: Street, City, State/Province, Zip/Postal code, Country.", len(parts))}}
		}
	}
	for len(parts) < 5 {
		parts = append(parts, "")
	}
	return Address{Street: parts[0], City: parts[1], Region: parts[2], PostalCode: parts[3], Country: parts[4]}, probs
}

// CheckCell parses and checks a cell.
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
	return b, append(probs, more...)
}

var (
	reMu    sync.Mutex
	reCache = map[string]*regexp.Regexp{}
)

func postalRE(cc string) *regexp.Regexp {
	reMu.Lock()
	defer reMu.Unlock()
	if re, ok := reCache[cc]; ok {
		return re
	}
	c := countries[cc]
	var re *regexp.Regexp
	if c.postal != "" {
		re = regexp.MustCompile("^(?:" + c.postal + ")$")
	}
	reCache[cc] = re
	return re
}

// Check normalises an address and checks its parts.
func Check(a Address, defaultCountry string) (Address, []Problem) {
	var probs []Problem
	add := func(p Problem) { probs = append(probs, p) }
	cc := ""
	if a.Country != "" {
		c, ok := lookupCountry(a.Country)
		if !ok {
			add(Problem{Code: "unknown_country", Part: "country", Message: fmt.Sprintf("%q is not a country casegate knows; use its ISO code (for example US, KE, GB) or English name.", a.Country)})
			return a, probs
		}
		cc = c
		a.Country = c
	} else if defaultCountry != "" {
		cc = strings.ToUpper(defaultCountry)
	}
	if cc == "" {
		return a, probs
	}
	c := countries[cc]
	// Region: code or name, any case, accents ignored.
	regionKnown := c.regions != ""
	unknownAt := -1
	if a.Region != "" && c.regions != "" {
		code, ok := lookupRegion(cc, a.Region)
		if !ok {
			regionKnown = false
			unknownAt = len(probs)
			add(Problem{Code: "unknown_region", Part: "region", Message: fmt.Sprintf("%q is not a state or province of %s.", a.Region, c.name),
				Suggestion: regionHint(cc)})
		} else {
			a.Region = code
		}
	}
	// Postal code: normalise, repair Excel's dropped leading zeros, check.
	pc := strings.ToUpper(strings.Join(strings.Fields(a.PostalCode), " "))
	switch cc {
	case "US":
		if isDigits(pc) && len(pc) >= 3 && len(pc) <= 4 {
			fixed := strings.Repeat("0", 5-len(pc)) + pc
			b := a
			b.PostalCode = fixed
			add(Problem{Code: "zip_leading_zero", Part: "postal_code", Warning: true,
				Message:    fmt.Sprintf("ZIP %s has %d digits; it was read as %s (spreadsheets drop leading zeros).", pc, len(pc), fixed),
				Suggestion: b.String()})
			pc = fixed
		}
	case "CA", "GB":
		compact := strings.ReplaceAll(pc, " ", "")
		if cc == "CA" && len(compact) == 6 {
			pc = compact[:3] + " " + compact[3:]
		} else if cc == "GB" && len(compact) >= 5 && len(compact) <= 7 {
			pc = compact[:len(compact)-3] + " " + compact[len(compact)-3:]
		}
	}
	a.PostalCode = pc
	if pc != "" {
		if re := postalRE(cc); re != nil && !re.MatchString(pc) {
			add(Problem{Code: "bad_postal_code", Part: "postal_code", Message: fmt.Sprintf("%q is not a postal code of %s (%s).", pc, c.name, postalHint(cc))})
		} else if want, ok := regionForPostal(cc, pc); ok && unknownAt >= 0 {
			b := a
			b.Region = want
			probs[unknownAt].Suggestion = fmt.Sprintf("Postal code %s is in %s: %s", pc, regionName(cc, want), b.String())
		} else if a.Region != "" && regionKnown {
			if ok && want != a.Region && !sameRegion(cc, want, a.Region) {
				b := a
				b.Region = want
				add(Problem{Code: "postal_region_mismatch", Part: "postal_code",
					Message:    fmt.Sprintf("Postal code %s is in %s (%s), not %s (%s).", pc, regionName(cc, want), want, regionName(cc, a.Region), a.Region),
					Suggestion: b.String()})
			}
		}
	} else if c.postalRequired && (a.Street != "" || a.City != "") {
		add(Problem{Code: "missing_postal_code", Part: "postal_code", Warning: true,
			Message: fmt.Sprintf("The address has no postal code; %s addresses need one.", c.name)})
	}
	return a, probs
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

// CountryName returns a country's English name ("" if unknown).
func CountryName(code string) string { return countries[strings.ToUpper(code)].name }

var (
	indexOnce   sync.Once
	countryKeys map[string]string            // folded name/alias/code → ISO code
	regionKeys  map[string]map[string]string // country → folded name/code → region code
	regionNames map[string]map[string]string // country → code → name
)

func buildIndex() {
	countryKeys = map[string]string{}
	regionKeys = map[string]map[string]string{}
	regionNames = map[string]map[string]string{}
	for cc, c := range countries {
		countryKeys[fold(cc)] = cc
		countryKeys[fold(c.name)] = cc
		if c.alpha3 != "" {
			countryKeys[fold(c.alpha3)] = cc
		}
		if c.regions == "" {
			continue
		}
		rk, rn := map[string]string{}, map[string]string{}
		for _, pair := range strings.Split(c.regions, "|") {
			code, name, _ := strings.Cut(pair, "=")
			rk[fold(code)], rk[fold(name)], rn[code] = code, code, name
		}
		regionKeys[cc], regionNames[cc] = rk, rn
	}
	for alias, cc := range countryAliases {
		countryKeys[fold(alias)] = cc
	}
	for cc, m := range regionAliases {
		for alias, code := range m {
			regionKeys[cc][fold(alias)] = code
		}
	}
}

func lookupCountry(s string) (string, bool) {
	indexOnce.Do(buildIndex)
	cc, ok := countryKeys[fold(s)]
	return cc, ok
}

func lookupRegion(cc, s string) (string, bool) {
	indexOnce.Do(buildIndex)
	code, ok := regionKeys[cc][fold(s)]
	return code, ok
}

func regionName(cc, code string) string {
	indexOnce.Do(buildIndex)
	if n, ok := regionNames[cc][code]; ok {
		return n
	}
	return code
}

func regionHint(cc string) string {
	indexOnce.Do(buildIndex)
	var codes []string
	for code := range regionNames[cc] {
		codes = append(codes, code)
	}
	if len(codes) > 12 {
		return fmt.Sprintf("Use one of the %d codes or names of %s's states or provinces.", len(codes), countries[cc].name)
	}
	return "Use one of: " + strings.Join(codes, ", ")
}

func postalHint(cc string) string {
	switch cc {
	case "US":
		return "5 digits, or ZIP+4 like 80202-1234"
	case "CA":
		return "like K1A 0B1"
	case "GB":
		return "like SW1A 1AA"
	case "IN":
		return "6 digits"
	case "MX", "KE":
		return "5 digits"
	case "BR":
		return "like 01310-100"
	case "NG":
		return "6 digits"
	case "ZA":
		return "4 digits"
	}
	return "the country's format"
}

// fold lower-cases, strips accents and punctuation, and collapses spaces,
// so "U.S.A." matches "usa" and "Québec" matches "quebec".
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if f, ok := accents[r]; ok {
			b.WriteString(f)
			space = false
			continue
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x24f:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '.' || r == '\'':
		case r == '&':
			if b.Len() > 0 {
				b.WriteString(" and")
			}
			space = true
		default:
			space = true
		}
	}
	return b.String()
}

var accents = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'ı': "i", 'ş': "s", 'ğ': "g", 'ł': "l",
	'ā': "a", 'ī': "i", 'ū': "u", 'ē': "e", 'ō': "o",
}
