// Package mapping suggests where each column of a spreadsheet goes: a field
// of the case type, a parent reference, a new property, or nowhere. It
// normalises headers, looks them up in an alias table, and falls back to
// Jaro-Winkler similarity, never putting two columns onto one field.
package mapping

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/adrg/strutil/metrics"
)

// Target is a field a column can map to.
type Target struct {
	Name    string
	Label   string
	Aliases []string
}

// Suggestion is where one column should go.
type Suggestion struct {
	Column     int
	Header     string
	Kind       string // field | parent_ref | property | ignore
	Field      string
	ParentType string
	Property   string
	Confidence float64
	Reason     string
}

// fold maps accented Latin letters to plain ones (a small table instead of
// x/text/unicode/norm, which costs the browser 178 KB).
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'ł': "l", 'ś': "s", 'ź': "z", 'ż': "z", 'ć': "c",
	'ń': "n", 'ą': "a", 'ę': "e", 'ő': "o", 'ű': "u", 'š': "s", 'ž': "z", 'č': "c", 'ř': "r", 'ğ': "g", 'ı': "i", 'ş': "s",
}

// Fold lower-cases s and removes accents.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if f, ok := fold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NormalizeHeader lower-cases, folds accents, turns punctuation into spaces
// and "#" into "number", and collapses spaces: "Mobile #" → "mobile number",
// "D.O.B." → "d o b", "Date_Of-Birth" → "date of birth".
func NormalizeHeader(h string) string {
	h = Fold(h)
	var b strings.Builder
	space := false
	put := func(s string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(s)
	}
	for _, r := range h {
		switch {
		case r == '#':
			space = true
			put("number")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			put(string(r))
		default:
			space = true
		}
	}
	return b.String()
}

// compact is a header without spaces ("d o b" → "dob").
func compact(s string) string { return strings.ReplaceAll(s, " ", "") }

// PropertyName makes a valid property name from a header: "First Name" →
// "first_name", "DOB (yyyy)" → "dob_yyyy". It starts with a letter (a "p_"
// prefix otherwise) and is "" only when the header has no letter or digit.
func PropertyName(h string) string {
	h = strings.TrimSpace(Fold(h))
	var b strings.Builder
	under := false
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-':
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		case r == '_':
			under = true
		default:
			under = true
		}
	}
	s := strings.Trim(b.String(), "_-")
	if strings.HasPrefix(s, "xml") && len(s) > 3 {
		s = strings.TrimLeft(s[3:], "_-")
	}
	if s == "" {
		return ""
	}
	if s[0] < 'a' || s[0] > 'z' {
		s = "p_" + s
	}
	if len(s) > 255 {
		s = s[:255]
	}
	return s
}

// ParentRef reads a case export's parent column: "indices.household" or
// "parent.household" (any case) names a parent of type household.
func ParentRef(header string) (string, bool) {
	h := strings.TrimSpace(header)
	for _, p := range []string{"indices.", "parent."} {
		if len(h) > len(p) && strings.EqualFold(h[:len(p)], p) {
			t := strings.ToLower(h[len(p):])
			for _, r := range t {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
					return "", false
				}
			}
			return t, true
		}
	}
	return "", false
}

// aliases are common names for CommCare's special fields and usual fields;
// they apply only when a target with that name exists.
var aliases = map[string][]string{
	"case_id":            {"caseid", "case id", "info case id", "case uuid"},
	"external_id":        {"external id", "ext id", "externalid", "client id", "reference", "ref"},
	"name":               {"case name", "full name", "client name", "names"},
	"owner_id":           {"owner", "owner id", "assigned to id"},
	"owner_name":         {"owner name", "assigned to", "user", "username"},
	"parent_id":          {"parent case id", "parent caseid"},
	"parent_external_id": {"parent external id", "parent ext id", "household external id", "parent reference"},
	"parent_type":        {"parent case type"},
	"date_opened":        {"opened", "open date", "date opened", "opened on", "opened date"},
	"dob":                {"date of birth", "birth date", "birthdate", "birthday", "d o b", "born"},
	"phone":              {"mobile", "mobile number", "phone number", "tel", "telephone", "cell", "cell phone", "contact number"},
	"address":            {"street address", "full address", "addr", "address line 1", "postal address"},
	"sex":                {"gender"},
	"gender":             {"sex"},
	"first_name":         {"given name", "forename", "first"},
	"last_name":          {"surname", "family name", "last"},
	"postal_code":        {"zip", "zip code", "postcode", "postal zip", "zip postal", "post code"},
	"email":              {"e mail", "email address", "mail"},
	"village":            {"town", "community", "settlement"},
}

type scored struct {
	col, target int
	score       float64
	reason      string
}

// Suggest proposes a destination for every header, in order.
func Suggest(headers []string, targets []Target) []Suggestion {
	out := make([]Suggestion, len(headers))
	var cands []scored
	jw := metrics.NewJaroWinkler()
	jw.CaseSensitive = false
	for i, h := range headers {
		out[i] = Suggestion{Column: i, Header: h}
		n := NormalizeHeader(h)
		if n == "" {
			out[i].Kind, out[i].Reason = "ignore", "blank header"
			continue
		}
		if pt, ok := ParentRef(h); ok {
			out[i].Kind, out[i].ParentType, out[i].Confidence, out[i].Reason = "parent_ref", pt, 1, "export parent column"
			continue
		}
		if n == "closed" || n == "type" || n == "parent ref" {
			out[i].Kind, out[i].Reason = "ignore", fmt.Sprintf("reserved field %s: use close (yes) to close a case", n)
			continue
		}
		for ti, t := range targets {
			best, reason := 0.0, ""
			names := []string{t.Name}
			if t.Label != "" {
				names = append(names, t.Label)
			}
			for _, nm := range names {
				if NormalizeHeader(nm) == n || compact(NormalizeHeader(nm)) == compact(n) {
					best, reason = 1, "exact"
				}
			}
			if best < 1 {
				for _, a := range append(append([]string{}, aliases[t.Name]...), t.Aliases...) {
					if NormalizeHeader(a) == n || compact(NormalizeHeader(a)) == compact(n) {
						best, reason = 0.99, "alias"
					}
				}
			}
			if best < 0.99 {
				for _, nm := range append(append(names, aliases[t.Name]...), t.Aliases...) {
					nn := NormalizeHeader(nm)
					s := jw.Compare(n, nn)
					if s > best && s >= 0.9 {
						best, reason = s, fmt.Sprintf("fuzzy (%.2f ~ %q)", s, nm)
					}
				}
			}
			if best > 0 {
				cands = append(cands, scored{col: i, target: ti, score: best, reason: reason})
			}
		}
	}
	// One-to-one: the best scores win their field; the losers become properties.
	sort.SliceStable(cands, func(a, b int) bool {
		if cands[a].score != cands[b].score {
			return cands[a].score > cands[b].score
		}
		return cands[a].col < cands[b].col
	})
	takenBy := map[int]int{}
	for _, c := range cands {
		if out[c.col].Kind != "" {
			continue
		}
		if w, taken := takenBy[c.target]; taken {
			if out[c.col].Reason == "" {
				out[c.col].Reason = fmt.Sprintf("%s is already mapped from column %q", targets[c.target].Name, headers[w])
			}
			continue
		}
		takenBy[c.target] = c.col
		out[c.col].Kind, out[c.col].Field = "field", targets[c.target].Name
		out[c.col].Confidence = c.score
		out[c.col].Reason = c.reason
	}
	for i := range out {
		if out[i].Kind == "" {
			out[i].Kind, out[i].Property = "property", PropertyName(headers[i])
			if out[i].Reason == "" {
				out[i].Reason = "new property"
			}
			if out[i].Property == "" {
				out[i].Kind, out[i].Reason = "ignore", "no letters or digits in the header"
			}
		}
	}
	return out
}
