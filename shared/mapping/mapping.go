// Package mapping suggests where each column of a spreadsheet goes: a field
// of the case type, a parent reference (a case export's "parent.household"
// column), a new property, or nowhere. The person confirms every suggestion;
// this package only guesses well.
//
// A header is normalised (lower case, accents folded, punctuation to spaces,
// "#" to "number"), then tried in order: export parent column, exact name or
// label, alias (a built-in table of CommCare special fields and common
// synonyms, plus the target's own aliases), token overlap ("Address Line 1"
// is the address), and Jaro-Winkler similarity above a threshold ("Date Of
// Brith"). Metrics alone cannot find synonyms (DOB, Surname, Mobile), hence
// the alias table; see DEPENDENCIES.md §(d) for the experiment behind it.
// Columns are then assigned to fields greedily by confidence, so two columns
// never land on one field: the loser becomes a new property and its Reason
// names the column that won.
package mapping

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	strmetrics "github.com/adrg/strutil/metrics"
)

// metrics are the string metrics Suggest scores with, made once per call.
type metrics struct {
	jw  *strmetrics.JaroWinkler
	lev *strmetrics.Levenshtein
}

// Target is a field a column can map to: a field of the case type or a
// CommCare special field (case_id, external_id, name, owner_id, ...).
type Target struct {
	Name    string
	Label   string
	Aliases []string
}

// Suggestion is where one column should go.
type Suggestion struct {
	Column     int    // index of the column in the headers given to Suggest
	Header     string // the header as written
	Kind       string // KindField, KindParentRef, KindProperty or KindIgnore
	Field      string // Target.Name, for KindField
	ParentType string // for KindParentRef
	Property   string // for KindProperty
	Confidence float64
	Reason     string
}

// Suggestion kinds.
const (
	KindField     = "field"
	KindParentRef = "parent_ref"
	KindProperty  = "property"
	KindIgnore    = "ignore"
)

// fuzzyThreshold is the least Jaro-Winkler similarity that suggests a field.
// At 0.88 typos ("Date Of Brith", "Adress") match and different fields with
// a shared prefix ("first name" / "first visit") do not.
const fuzzyThreshold = 0.88

// fold maps accented Latin letters (lower case) to plain ones: a small table
// instead of x/text/unicode/norm, which costs the browser's wasm 178 KB.
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a", 'æ': "ae",
	'ç': "c", 'ć': "c", 'č': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'į': "i", 'ı': "i",
	'ł': "l", 'ľ': "l", 'ñ': "n", 'ń': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o", 'œ': "oe",
	'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ș': "s", 'ß': "ss", 'ť': "t", 'ţ': "t", 'ț': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
}

// foldRune appends r lower-cased and without accents. Combining marks (a
// decomposed "é" is "e" + U+0301) are dropped, so both spellings agree.
func foldRune(b *strings.Builder, r rune) {
	if unicode.Is(unicode.Mn, r) {
		return
	}
	r = unicode.ToLower(r)
	if f, ok := fold[r]; ok {
		b.WriteString(f)
		return
	}
	b.WriteRune(r)
}

// NormalizeHeader lower-cases, folds accents, turns "#" into "number" and
// every other non-letter, non-digit into a space, collapses spaces and trims:
// "Mobile #" → "mobile number", "D.O.B." → "d o b", "Date_Of-Birth" →
// "date of birth", "Prénom" → "prenom". It is idempotent.
func NormalizeHeader(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	space := false
	word := func(s string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(s)
	}
	var one strings.Builder
	for _, r := range h {
		switch {
		case r == '#':
			space = true
			word("number")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			one.Reset()
			foldRune(&one, r)
			for _, f := range one.String() {
				// Lower-casing can yield a non-letter in odd scripts; keep the
				// output to letters and digits so a second pass changes nothing.
				if unicode.IsLetter(f) || unicode.IsDigit(f) {
					word(string(f))
				}
			}
		default:
			space = true
		}
	}
	return b.String()
}

// PropertyName makes a valid case property name from a header, as CommCare's
// sanitiser meant to: trim, lower case, fold accents, turn each run of
// characters outside [a-z0-9_-] into "_", trim "_" and "-", drop a leading
// "xml" (reserved in XML names), and prefix "p_" unless it starts with a
// letter. "First Name" → "first_name", "DOB (yyyy)" → "dob_yyyy". The
// result matches ^[a-z][a-z0-9_-]*$ and is at most 255 bytes, or is "" when
// the header has no Latin letter or digit to build a name from.
func PropertyName(h string) string {
	var f strings.Builder
	for _, r := range strings.TrimSpace(h) {
		foldRune(&f, r)
	}
	var b strings.Builder
	sep := false
	for _, r := range f.String() {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		} else {
			sep = true // "_" too, so "a__b" and "a _ b" both give "a_b"
		}
	}
	s := strings.Trim(b.String(), "_-")
	for strings.HasPrefix(s, "xml") {
		s = strings.TrimLeft(s[3:], "_-")
	}
	if s == "" {
		return ""
	}
	if s[0] < 'a' || s[0] > 'z' {
		s = "p_" + s
	}
	if len(s) > 255 {
		s = strings.TrimRight(s[:255], "_-")
	}
	return s
}

// ParentRef reads a case export's parent column: "indices.household" (the
// schema path) or "parent.household" (its label), in any case, names a
// parent of type household. The type must be a plain identifier.
func ParentRef(header string) (parentType string, ok bool) {
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

// aliases are other names for CommCare's special fields and for common
// fields, keyed by Target.Name; they apply only when such a target exists.
// Written as people write headers; they are normalised before comparing.
var aliases = map[string][]string{
	"case_id":            {"caseid", "case id", "id", "info.case_id", "case uuid"},
	"external_id":        {"external id", "ext id", "client id", "reference", "ref"},
	"name":               {"case name", "case_name", "full name", "client name"},
	"owner_id":           {"owner", "owner id", "assigned to id"},
	"owner_name":         {"owner name", "assigned to", "user", "username"},
	"parent_id":          {"parent case id", "parent case_id"},
	"parent_external_id": {"parent external id", "parent ext id", "parent id external", "household external id"},
	"parent_type":        {"parent case type"},
	"date_opened":        {"opened", "open date", "date opened", "opened on", "opened_date"},
	"dob":                {"date of birth", "birth date", "d.o.b.", "birthday", "birthdate"},
	"phone":              {"mobile", "mobile number", "phone number", "tel", "telephone", "cell", "cell phone"},
	"address":            {"street address", "full address", "addr"},
	"sex":                {"gender"},
	"gender":             {"sex"},
	"first_name":         {"given name", "forename"},
	"last_name":          {"surname", "family name"},
	"postal_code":        {"zip", "zip code", "postcode", "postal/zip"},
	"email":              {"e-mail", "email address"},
}

// reserved headers are never mapped: CommCare fails a whole import that maps
// one of them, and case_type is the import's, not a column's.
var reserved = map[string]string{
	"closed":     "reserved field closed: use close (yes) to close a case",
	"type":       "reserved field type: the case type is chosen for the whole import",
	"case type":  "the case type is chosen for the whole import, not read from a column",
	"parent ref": "reserved field parent_ref: use parent_id or parent_external_id",
}

// filler words (and bare numbers) may surround a field's own words in a
// header without changing what it holds: "Address Line 1", "Phone 2",
// "Main Address". Any other extra word makes it a different thing:
// "Household ID" is not the case id, "Mother Name" not the case name.
var filler = map[string]bool{"the": true, "of": true, "a": true, "an": true, "line": true, "primary": true, "main": true}

// Match levels, strongest first; a column's best candidate is the one with
// the strongest level, then the highest score.
const (
	levelFuzzy = iota
	levelToken
	levelAlias
	levelExact
)

type candidate struct {
	col, target int
	level       int
	score       float64
	reason      string
}

func better(a, b candidate) bool {
	if a.level != b.level {
		return a.level > b.level
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return a.col < b.col
}

// name is one spelling of a target (or a header), normalised for comparing.
type name struct {
	norm, compact, shown string
	tokens               []string // without filler
}

func newName(s string) name {
	n := NormalizeHeader(s)
	return name{norm: n, compact: strings.ReplaceAll(n, " ", ""), shown: s, tokens: content(n)}
}

// content is the sorted words of a normalised header, without filler words
// and bare numbers.
func content(n string) []string {
	var out []string
	for _, w := range strings.Fields(n) {
		if !filler[w] && strings.Trim(w, "0123456789") != "" {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

func sameWords(a, b []string) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Suggest proposes a destination for every header, in order: one Suggestion
// per header, Column set to its index.
func Suggest(headers []string, targets []Target) []Suggestion {
	type spelled struct{ own, alias []name }
	spell := make([]spelled, len(targets))
	for i, t := range targets {
		spell[i].own = append(spell[i].own, newName(t.Name))
		if t.Label != "" {
			spell[i].own = append(spell[i].own, newName(t.Label))
		}
		for _, a := range aliases[t.Name] {
			spell[i].alias = append(spell[i].alias, newName(a))
		}
		for _, a := range t.Aliases {
			spell[i].alias = append(spell[i].alias, newName(a))
		}
	}
	m := &metrics{jw: strmetrics.NewJaroWinkler(), lev: strmetrics.NewLevenshtein()}

	out := make([]Suggestion, len(headers))
	var best []candidate // each column's best candidate, if any
	for i, h := range headers {
		out[i] = Suggestion{Column: i, Header: h}
		n := NormalizeHeader(h)
		if n == "" {
			out[i].Kind, out[i].Reason = KindIgnore, "blank header"
			continue
		}
		if pt, ok := ParentRef(h); ok {
			out[i].Kind, out[i].ParentType, out[i].Confidence, out[i].Reason = KindParentRef, pt, 1, "export parent column"
			continue
		}
		if why, ok := reserved[n]; ok {
			out[i].Kind, out[i].Reason = KindIgnore, why
			continue
		}
		hn := newName(h)
		var top *candidate
		for ti := range targets {
			c := match(hn, spell[ti].own, spell[ti].alias, m)
			if c.reason == "" {
				continue
			}
			c.col, c.target = i, ti
			if top == nil || better(c, *top) {
				top = &c
			}
		}
		if top != nil {
			best = append(best, *top)
		}
	}

	// One column per field: the strongest claims win, greedily.
	sort.Slice(best, func(a, b int) bool { return better(best[a], best[b]) })
	wonBy := map[int]int{} // target → column
	taken := map[string]bool{}
	for _, t := range targets {
		taken[t.Name] = true // a property must not shadow a field
	}
	for _, c := range best {
		if w, ok := wonBy[c.target]; ok {
			out[c.col].Reason = fmt.Sprintf("new property: field %s is taken by column '%s' (%s)", targets[c.target].Name, headers[w], out[w].Reason)
			continue
		}
		wonBy[c.target] = c.col
		s := &out[c.col]
		s.Kind, s.Field, s.Reason = KindField, targets[c.target].Name, c.reason
		s.Confidence = c.score
		if c.level >= levelAlias {
			s.Confidence = 1
		}
	}
	for i := range out {
		if out[i].Kind != "" {
			continue
		}
		p := PropertyName(headers[i])
		if p == "" {
			out[i].Kind, out[i].Reason = KindIgnore, "no Latin letter or digit in the header to name a property"
			continue
		}
		// Two columns must not write one property either: "notes", "notes_2".
		base := p
		for k := 2; taken[p]; k++ {
			p = fmt.Sprintf("%s_%d", base, k)
		}
		taken[p] = true
		out[i].Kind, out[i].Property = KindProperty, p
		if out[i].Reason == "" {
			out[i].Reason = "new property"
		}
	}
	return out
}

// match finds the strongest way header h names a target spelled own (name,
// label) and alias; reason is "" when it does not.
func match(h name, own, alias []name, m *metrics) candidate {
	for _, o := range own {
		if h.norm == o.norm || h.compact == o.compact {
			return candidate{level: levelExact, score: 1, reason: "exact"}
		}
	}
	for _, a := range alias {
		if h.norm == a.norm || h.compact == a.compact {
			return candidate{level: levelAlias, score: 1, reason: "alias"}
		}
	}
	all := append(own[:len(own):len(own)], alias...)
	for _, o := range all {
		if sameWords(h.tokens, o.tokens) {
			return candidate{level: levelToken, score: 0.9, reason: fmt.Sprintf("token overlap ~ '%s'", o.shown)}
		}
	}
	var c candidate
	for _, o := range all {
		// Three letters are too few to tell a typo from another word.
		if len(h.compact) < 4 || len(o.compact) < 4 {
			continue
		}
		// Jaro-Winkler rewards a shared prefix so much that "case no" scores
		// 0.90 against "case name" and "household id" 0.94 against
		// "household size"; a typo is also a small edit (one per 4 letters).
		// The length check first keeps long headers cheap.
		limit := max(1, min(len(h.compact), len(o.compact))/4)
		if abs(len(h.compact)-len(o.compact)) > limit {
			continue
		}
		s := m.jw.Compare(h.norm, o.norm)
		if s < fuzzyThreshold || s <= c.score || m.lev.Distance(h.compact, o.compact) > limit {
			continue
		}
		c = candidate{level: levelFuzzy, score: s, reason: fmt.Sprintf("fuzzy (%.2f ~ '%s')", s, o.shown)}
	}
	return c
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
