// Package value reads cell values: dates in the forms spreadsheets hold them
// (ISO, day- or month-first, Excel serials in both date systems), numbers,
// 0/1 flags, and text clean-up that never touches digits.
package value

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// DateOrder is the order of day and month in a date written with numbers.
type DateOrder string

const (
	OrderAuto DateOrder = ""
	OrderMDY  DateOrder = "mdy"
	OrderDMY  DateOrder = "dmy"
	OrderYMD  DateOrder = "ymd"
)

// Date is a calendar date with an optional time of day.
type Date struct {
	Year, Month, Day int
	Hour, Min, Sec   int
	HasTime          bool
}

// String returns "2006-01-02", or "2006-01-02T15:04:05" with a time.
func (d Date) String() string {
	if d.HasTime {
		return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", d.Year, d.Month, d.Day, d.Hour, d.Min, d.Sec)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// DateError explains why a value is not a date, in a sentence for the user.
type DateError struct{ Reason string }

func (e *DateError) Error() string { return e.Reason }

func dateErr(format string, a ...any) error { return &DateError{Reason: fmt.Sprintf(format, a...)} }

func valid(y, m, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

var months = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// ParseDate reads a date in any known form. Numeric dates whose first two
// parts could both be day or month follow order; with OrderAuto they are
// an error saying the order is unknown (unless both readings agree).
func ParseDate(s string, order DateOrder) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, dateErr("the date is blank")
	}
	datePart, timePart := splitTime(s)
	d, err := parseDatePart(datePart, order, s)
	if err != nil {
		return Date{}, err
	}
	if timePart != "" {
		h, m, sec, ok := parseClock(timePart)
		if !ok {
			return Date{}, dateErr("%q has a time that cannot be read", s)
		}
		d.Hour, d.Min, d.Sec, d.HasTime = h, m, sec, true
	}
	return d, nil
}

// splitTime separates a trailing time ("T15:04:05Z", " 3:04 PM").
func splitTime(s string) (string, string) {
	if i := strings.IndexByte(s, 'T'); i == 10 && len(s) > 11 && s[i+1] >= '0' && s[i+1] <= '9' {
		return s[:i], s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i > 0 {
		j := strings.LastIndexByte(s[:i], ' ')
		if j > 0 {
			return strings.TrimSpace(s[:j]), strings.TrimSpace(s[j+1:])
		}
	}
	return s, ""
}

func parseClock(t string) (h, m, sec int, ok bool) {
	t = strings.TrimSpace(t)
	// Drop a zone: Z, +03:00, -0500.
	if strings.HasSuffix(t, "Z") || strings.HasSuffix(t, "z") {
		t = t[:len(t)-1]
	}
	if i := strings.LastIndexAny(t, "+-"); i > 4 {
		t = t[:i]
	}
	pm, am := false, false
	up := strings.ToUpper(t)
	if strings.HasSuffix(up, "PM") {
		pm, t = true, strings.TrimSpace(t[:len(t)-2])
	} else if strings.HasSuffix(up, "AM") {
		am, t = true, strings.TrimSpace(t[:len(t)-2])
	}
	parts := strings.Split(t, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, false
	}
	var err error
	if h, err = strconv.Atoi(parts[0]); err != nil {
		return 0, 0, 0, false
	}
	if m, err = strconv.Atoi(parts[1]); err != nil {
		return 0, 0, 0, false
	}
	if len(parts) == 3 {
		secStr := parts[2]
		if i := strings.IndexByte(secStr, '.'); i >= 0 {
			secStr = secStr[:i]
		}
		if sec, err = strconv.Atoi(secStr); err != nil {
			return 0, 0, 0, false
		}
	}
	if pm || am {
		if h < 1 || h > 12 {
			return 0, 0, 0, false
		}
		if pm && h != 12 {
			h += 12
		} else if am && h == 12 {
			h = 0
		}
	}
	if h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0 {
		return 0, 0, 0, false
	}
	return h, m, sec, true
}

func parseDatePart(s string, order DateOrder, orig string) (Date, error) {
	// 20060102
	if len(s) == 8 && allDigits(s) {
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[4:6])
		d, _ := strconv.Atoi(s[6:])
		if valid(y, m, d) && y >= 1900 {
			return Date{Year: y, Month: m, Day: d}, nil
		}
		return Date{}, dateErr("%q is not a date in a known form", orig)
	}
	fields := splitDate(s)
	if len(fields) != 3 {
		return Date{}, dateErr("%q is not a date in a known form", orig)
	}
	// A month name anywhere: "2-Jan-2006", "January 2, 2006", "02 Jan 2006".
	for i, f := range fields {
		if m, ok := months[strings.ToLower(strings.TrimSuffix(f, "."))]; ok {
			var rest []string
			for j, g := range fields {
				if j != i {
					rest = append(rest, g)
				}
			}
			if !allDigits(rest[0]) || !allDigits(rest[1]) {
				break
			}
			a, _ := strconv.Atoi(rest[0])
			b, _ := strconv.Atoi(rest[1])
			var y, d int
			if len(rest[0]) == 4 {
				y, d = a, b
			} else {
				d, y = a, b
				if len(rest[1]) == 2 {
					y = pivot(y)
				}
			}
			if !valid(y, m, d) {
				return Date{}, dateErr("%q is not a real date", orig)
			}
			return Date{Year: y, Month: m, Day: d}, nil
		}
	}
	for _, f := range fields {
		if !allDigits(f) {
			return Date{}, dateErr("%q is not a date in a known form", orig)
		}
	}
	a, _ := strconv.Atoi(fields[0])
	b, _ := strconv.Atoi(fields[1])
	c, _ := strconv.Atoi(fields[2])
	if len(fields[0]) == 4 { // year first: always y-m-d
		if !valid(a, b, c) {
			return Date{}, dateErr("%q is not a real date", orig)
		}
		return Date{Year: a, Month: b, Day: c}, nil
	}
	if len(fields[2]) != 4 && len(fields[2]) != 2 {
		return Date{}, dateErr("%q is not a date in a known form", orig)
	}
	y := c
	if len(fields[2]) == 2 {
		y = pivot(c)
	}
	md, dm := valid(y, a, b), valid(y, b, a)
	switch order {
	case OrderMDY:
		if md {
			return Date{Year: y, Month: a, Day: b}, nil
		}
	case OrderDMY:
		if dm {
			return Date{Year: y, Month: b, Day: a}, nil
		}
	case OrderYMD:
		return Date{}, dateErr("%q does not start with the year", orig)
	default:
		switch {
		case md && dm && a != b:
			return Date{}, dateErr("%q is ambiguous: day/month order unknown", orig)
		case md:
			return Date{Year: y, Month: a, Day: b}, nil
		case dm:
			return Date{Year: y, Month: b, Day: a}, nil
		}
	}
	if a > 12 && b > 12 || !md && !dm {
		return Date{}, dateErr("%q is not a real date", orig)
	}
	want := "month/day/year"
	if order == OrderDMY {
		want = "day/month/year"
	}
	return Date{}, dateErr("%q is not a real date when read as %s", orig, want)
}

func pivot(yy int) int {
	if yy < 70 {
		return 2000 + yy
	}
	return 1900 + yy
}

func splitDate(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' || r == ' ' || r == ',' })
	return f
}

func allDigits(s string) bool {
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

// ParseDateFormat reads s strictly in a declared form: "mm/dd/yyyy",
// "dd/mm/yyyy" or "yyyy-mm-dd" (one-digit day and month allowed).
func ParseDateFormat(s, layout string) (Date, error) {
	s = strings.TrimSpace(s)
	var sep string
	var order DateOrder
	switch layout {
	case "mm/dd/yyyy":
		sep, order = "/", OrderMDY
	case "dd/mm/yyyy":
		sep, order = "/", OrderDMY
	case "yyyy-mm-dd":
		sep, order = "-", OrderYMD
	default:
		return Date{}, dateErr("unknown date format %q", layout)
	}
	parts := strings.Split(s, sep)
	if len(parts) != 3 {
		return Date{}, dateErr("%q is not in the form %s", s, layout)
	}
	for _, p := range parts {
		if !allDigits(p) {
			return Date{}, dateErr("%q is not in the form %s", s, layout)
		}
	}
	n := func(i int) int { v, _ := strconv.Atoi(parts[i]); return v }
	var y, m, d int
	switch order {
	case OrderMDY:
		m, d, y = n(0), n(1), n(2)
		if len(parts[2]) != 4 || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return Date{}, dateErr("%q is not in the form %s", s, layout)
		}
	case OrderDMY:
		d, m, y = n(0), n(1), n(2)
		if len(parts[2]) != 4 || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return Date{}, dateErr("%q is not in the form %s", s, layout)
		}
	case OrderYMD:
		y, m, d = n(0), n(1), n(2)
		if len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
			return Date{}, dateErr("%q is not in the form %s", s, layout)
		}
	}
	if !valid(y, m, d) {
		return Date{}, dateErr("%q is not a real date", s)
	}
	return Date{Year: y, Month: m, Day: d}, nil
}

// FromSerial converts an Excel serial day number. In the 1900 system serial
// 60 is Excel's fictitious 1900-02-29 and is refused; in the 1904 system
// serial 0 is 1904-01-01. The fraction is the time of day.
func FromSerial(serial float64, date1904 bool) (Date, error) {
	if math.IsNaN(serial) || serial < 0 || serial >= 2958466 || (!date1904 && serial < 1) {
		return Date{}, dateErr("%s is outside the range of spreadsheet dates", strconv.FormatFloat(serial, 'f', -1, 64))
	}
	days := math.Floor(serial)
	secs := int(math.Round((serial - days) * 86400))
	if secs == 86400 {
		days++
		secs = 0
	}
	var base time.Time
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days == 60:
		return Date{}, dateErr("serial 60 is 29 February 1900, a day that did not exist (a bug kept in Excel)")
	case days < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	d := Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
	if secs != 0 {
		d.Hour, d.Min, d.Sec, d.HasTime = t.Hour(), t.Minute(), t.Second(), true
	}
	return d, nil
}

// ParseSerial reads a plain decimal number ("45292", "45292.5").
func ParseSerial(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// InferOrder decides a column's day/month order from all its values: a
// first part over 12 proves day-first, a second part over 12 month-first.
// Year-first values do not vote. ambiguous: nothing proves either;
// conflict: both are proved.
func InferOrder(values []string) (order DateOrder, ambiguous, conflict bool) {
	dmy, mdy := false, false
	for _, v := range values {
		datePart, _ := splitTime(strings.TrimSpace(v))
		f := splitDate(datePart)
		if len(f) != 3 || len(f[0]) == 4 || !allDigits(f[0]) || !allDigits(f[1]) {
			continue
		}
		a, _ := strconv.Atoi(f[0])
		b, _ := strconv.Atoi(f[1])
		if a > 12 && b <= 12 {
			dmy = true
		}
		if b > 12 && a <= 12 {
			mdy = true
		}
	}
	switch {
	case dmy && mdy:
		return OrderAuto, false, true
	case dmy:
		return OrderDMY, false, false
	case mdy:
		return OrderMDY, false, false
	}
	return OrderAuto, true, false
}
