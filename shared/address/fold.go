package address

import (
	"strings"
	"unicode"
)

// fold makes the lookup key of a country or region name: lower case,
// accents stripped, dots and apostrophes dropped, "&" read as "and", other
// punctuation and runs of spaces made one space. So "U.S.A." matches "usa",
// "Québec" matches "quebec" and "Bosnia & Herzegovina" matches "Bosnia and
// Herzegovina". A hand-written table covers Latin letters, which is all the
// names need; x/text/unicode/norm would cost about 180 KB of wasm.
func fold(s string) string {
	if k, ok := foldASCII(s); ok {
		return k
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	put := func(t string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(t)
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			put(string(r))
		case r >= 'A' && r <= 'Z':
			put(string(r + 'a' - 'A'))
		case r == '.' || r == '\'' || r == '’' || r == '‘' || r == '`' || r == '´' || r >= 0x300 && r <= 0x36f:
			// dropped: abbreviation dots, apostrophes, combining accents
		case r == '&':
			space = true
			put("and")
			space = true
		case r < 0x80:
			space = true
		default:
			if t := foldLatin(r); t != "" {
				put(t)
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				put(string(unicode.ToLower(r)))
			} else {
				space = true
			}
		}
	}
	return b.String()
}

// foldASCII is the fast path for the usual plain ASCII value ("CO",
// "Colorado", "New York"): it allocates only when something changes.
func foldASCII(s string) (string, bool) {
	s = strings.TrimSpace(s)
	lower := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z':
			lower = false
		case c == ' ' && i > 0 && s[i-1] != ' ':
		default:
			return "", false
		}
	}
	if lower {
		return s, true
	}
	return strings.ToLower(s), true
}

// latin1 and latinA give the base letters of U+00C0–U+00FF and
// U+0100–U+017F; '*' marks a letter written with two (æ, ß, œ, ĳ, þ), ' ' a
// sign that is not a letter (×, ÷).
const (
	latin1 = "aaaaaa*ceeeeiiiidnooooo ouuuuy**aaaaaa*ceeeeiiiidnooooo ouuuuy*y"
	latinA = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"
)

func foldLatin(r rune) string {
	var c byte
	switch {
	case r >= 0xc0 && r <= 0xff:
		c = latin1[r-0xc0]
	case r >= 0x100 && r <= 0x17f:
		c = latinA[r-0x100]
	case r == 0x218 || r == 0x219: // Romanian ș
		return "s"
	case r == 0x21a || r == 0x21b: // Romanian ț
		return "t"
	case r == 0x1a0 || r == 0x1a1: // Vietnamese ơ
		return "o"
	case r == 0x1af || r == 0x1b0: // Vietnamese ư
		return "u"
	case r >= 0x1ea0 && r <= 0x1ef9: // Vietnamese letters with two marks, in blocks by base letter
		switch {
		case r <= 0x1eb7:
			return "a"
		case r <= 0x1ec7:
			return "e"
		case r <= 0x1ecb:
			return "i"
		case r <= 0x1ee3:
			return "o"
		case r <= 0x1ef1:
			return "u"
		}
		return "y"
	default:
		return ""
	}
	switch c {
	case ' ':
		return ""
	case '*':
		switch r {
		case 'Æ', 'æ':
			return "ae"
		case 'ß':
			return "ss"
		case 'Œ', 'œ':
			return "oe"
		case 'Ĳ', 'ĳ':
			return "ij"
		}
		return "th" // Þ þ
	}
	return latinStrings[c-'a']
}

// latinStrings avoids allocating a one-letter string per accented rune.
var latinStrings = func() (t [26]string) {
	for i := range t {
		t[i] = string(rune('a' + i))
	}
	return
}()
