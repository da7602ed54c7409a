package value

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean trims Unicode spaces (NBSP and zero-width ones included) and
// collapses runs of spaces and tabs inside the value to one space. Newlines
// are kept, and digits are never touched, so leading zeros stay.
func Clean(s string) string {
	if s == "" {
		return s
	}
	if isPlain(s) {
		return s
	}
	// Zero-width characters are trimmed at the ends only: inside, they join
	// emoji (👩‍👩‍👧) and shape Indic and Persian text.
	s = strings.TrimFunc(s, isZeroWidth)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
			space = false
		case r == '\r':
		case r == '\ufeff':
		case unicode.IsSpace(r):
			space = true
		default:
			if space && b.Len() > 0 {
				last, _ := utf8.DecodeLastRuneInString(b.String())
				if last != '\n' {
					b.WriteByte(' ')
				}
			}
			space = false
			b.WriteRune(r)
		}
	}
	return strings.TrimFunc(b.String(), func(r rune) bool { return unicode.IsSpace(r) || isZeroWidth(r) })
}

// isPlain is the fast path: ASCII with no leading, trailing or double spaces.
func isPlain(s string) bool {
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c < 0x20 {
			return false
		}
		if c == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
	}
	return true
}

func isZeroWidth(r rune) bool {
	return r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u2060'
}

// ParseBool01 reads a 0/1 flag ("0", "1", and Excel's "0.0"/"1.0").
func ParseBool01(s string) (bool, bool) {
	switch strings.TrimSpace(s) {
	case "1", "1.0":
		return true, true
	case "0", "0.0":
		return false, true
	}
	return false, false
}

// ParseNumber reads "1,234.5", "1234", "-3", "1.5e3" and returns canonical
// decimal text ("1234.5", "1234", "-3", "1500").
func ParseNumber(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	if strings.Contains(s, ",") {
		// Thousands separators only in their places: 1,234,567.89
		intPart, frac, _ := strings.Cut(s, ".")
		groups := strings.Split(strings.TrimLeft(intPart, "+-"), ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return "", false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return "", false
			}
		}
		s = strings.ReplaceAll(intPart, ",", "")
		if frac != "" {
			s += "." + frac
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return "", false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}
