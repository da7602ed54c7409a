package value

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean trims Unicode spaces (NBSP and zero-width ones included) from both
// ends (keeping zero-width joiners inside) and collapses runs of spaces and tabs inside the value to one space.
// Line breaks inside are kept (CRLF and a lone CR become LF, with the spaces
// around them dropped), and digits are never touched, so leading zeros stay.
func Clean(s string) string {
	if s == "" || isPlain(s) {
		return s
	}
	return clean(s)
}

// clean is Clean without its fast path.
func clean(s string) string {
	// Zero-width characters are trimmed at the ends only: inside, they join
	// emoji (👩‍👩‍👧) and shape Indic and Persian text.
	s = strings.TrimFunc(s, func(r rune) bool { return isZeroWidth(r) || unicode.IsSpace(r) })
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false // pending separators, written before the next visible rune
	for i, r := range s {
		switch {
		case r == '\n', r == '\r' && (i+1 == len(s) || s[i+1] != '\n'):
			newline = true
		case r == '\r', r == '\ufeff', r == '\u200b', r == '\u2060': // invisible junk; joiners (200c, 200d) stay
		case unicode.IsSpace(r):
			space = true
		default:
			if b.Len() > 0 {
				switch {
				case newline:
					b.WriteByte('\n')
				case space:
					b.WriteByte(' ')
				}
			}
			space, newline = false, false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain is the fast path: text Clean leaves as it is, with no control
// character, no leading, trailing or double spaces, and no rune outside
// ASCII that is a space, zero-width or invalid (Kraków is plain).
func isPlain(s string) bool {
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for i := 0; i < len(s); {
		// Eight bytes at once: all of them '!' to DEL (none at or over
		// 0x80, none under 0x21) is most text, and nothing to look at.
		if i+8 <= len(s) {
			b := s[i : i+8]
			x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
				uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
			if x&highs == 0 && (x-0x21*ones)&^x&highs == 0 {
				i += 8
				continue
			}
		}
		for end := min(i+8, len(s)); i < end; {
			c := s[i]
			switch {
			case c-0x21 < 0x5f: // '!' to DEL
				i++
			case c == ' ':
				if s[i+1] == ' ' { // s does not end in a space
					return false
				}
				i++
			case c >= 0x80:
				r, n := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError || unicode.IsSpace(r) || isZeroWidth(r) || r == '\u2060' {
					return false
				}
				i += n
			default: // control characters
				return false
			}
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

// ParseNumber reads "1,234.5", "1234", "-3", "+7", "1.5e3" and returns
// canonical decimal text: no sign for positives, no grouping, no leading
// zeros, no trailing fraction zeros ("1234.5", "1234", "-3", "7", "1500").
// Plain decimals are canonicalised as text, so long values keep every digit
// (a float64 would turn 12345678901234567890 into ...7000); only exponent
// forms go through a float.
func ParseNumber(s string) (string, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if strings.ContainsAny(s, "eE") {
		if s[0] != '.' && !isDigit(s[0]) { // ParseFloat would take "Inf", "0x1p3"
			return "", false
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+') {
				return "", false
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return "", false
		}
		if neg {
			f = -f
		}
		if f == 0 {
			return "0", true
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if strings.Contains(whole, ",") {
		// Thousands separators only in their places: 1,234,567.89
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return "", false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return "", false
			}
		}
		whole = strings.ReplaceAll(whole, ",", "")
	}
	if whole == "" && frac == "" || !onlyDigits(whole) || !onlyDigits(frac) {
		return "", false
	}
	whole = strings.TrimLeft(whole, "0")
	frac = strings.TrimRight(frac, "0")
	if whole == "" {
		whole = "0"
	}
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, true
}

// onlyDigits reports whether s is ASCII digits (true for "").
func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
