package address

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// postalRE is the anchored postal code regexp of a country, compiled once:
// compiling per call (as bojanz's CheckPostalCode does) costs ~12 µs.
func postalRE(cc string) *regexp.Regexp {
	if re, ok := reCache.Load(cc); ok {
		return re.(*regexp.Regexp)
	}
	var re *regexp.Regexp
	if p := countries[cc].postal; p != "" {
		re = regexp.MustCompile("^(?:" + p + ")$")
	}
	reCache.Store(cc, re)
	return re
}

var reCache sync.Map // country → *regexp.Regexp (nil: no format known)

// prefixRule maps a postal code prefix to the regions it may belong to.
type prefixRule struct {
	prefixes map[string][]string
	maxLen   int
}

var (
	rulesOnce sync.Once
	rules     map[string]*prefixRule
)

func buildRules() {
	rules = map[string]*prefixRule{}
	for cc, table := range map[string]map[string]string{"US": usZip, "CA": caFSA, "MX": mxCP, "IN": inPIN, "BR": brCEP} {
		r := &prefixRule{prefixes: map[string][]string{}}
		for region, spec := range table {
			for _, p := range expand(spec) {
				r.prefixes[p] = append(r.prefixes[p], region)
				r.maxLen = max(r.maxLen, len(p))
			}
		}
		for _, regions := range r.prefixes {
			sort.Strings(regions) // never depend on map order
		}
		rules[cc] = r
	}
}

// expand turns "01-16,73,X0A" into every prefix it names.
func expand(spec string) []string {
	var out []string
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			out = append(out, lo)
			continue
		}
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		for i := a; i <= b; i++ {
			s := strconv.Itoa(i)
			out = append(out, strings.Repeat("0", len(lo)-len(s))+s)
		}
	}
	return out
}

// regionsForPostal says which subdivisions a (normalised, valid) postal
// code may belong to, where a rule exists: the longest matching prefix wins.
func regionsForPostal(cc, pc string) []string {
	rulesOnce.Do(buildRules)
	r := rules[cc]
	if r == nil {
		return nil
	}
	var buf [8]byte
	key := buf[:0]
	for i := 0; i < len(pc) && len(key) < r.maxLen; i++ {
		if c := pc[i]; c != ' ' && c != '-' {
			key = append(key, c)
		}
	}
	for n := len(key); n >= 1; n-- {
		if regions, ok := r.prefixes[string(key[:n])]; ok {
			return regions
		}
	}
	return nil
}

// postalHint describes a country's postal code format for messages.
func postalHint(cc string) string {
	switch cc {
	case "US":
		return "5 digits, or ZIP+4 like 80202-1234"
	case "CA":
		return "letter digit letter, space, digit letter digit, like K1A 0B1"
	case "GB":
		return "a postcode like SW1A 1AA"
	case "BR":
		return "8 digits like 01310-100"
	case "NL":
		return "4 digits and 2 letters like 1012 AB"
	}
	if n := fixedDigits(countries[cc].postal); n > 0 {
		return strconv.Itoa(n) + " digits"
	}
	if p := countries[cc].postal; p != "" {
		return "the pattern " + p
	}
	return "the country's format"
}

// fixedDigits returns n when a pattern is exactly `\d{n}` (or `\d\d…`), the
// formats whose leading zeros spreadsheets drop.
func fixedDigits(p string) int {
	if strings.HasPrefix(p, `\d{`) && strings.HasSuffix(p, "}") {
		n, err := strconv.Atoi(p[3 : len(p)-1])
		if err == nil {
			return n
		}
		return 0
	}
	if p != "" && strings.Count(p, `\d`)*2 == len(p) {
		return len(p) / 2
	}
	return 0
}

// postalTerm is what people call a postal code in the country.
func postalTerm(cc string) string {
	switch cc {
	case "US":
		return "ZIP"
	case "IN":
		return "PIN"
	case "BR":
		return "CEP"
	case "GB":
		return "Postcode"
	}
	return "Postal code"
}
