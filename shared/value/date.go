// Package value reads cell values: dates in the forms spreadsheets hold them
// (ISO, day- or month-first, Excel serials in both date systems), numbers,
// 0/1 flags, and text clean-up that never touches digits.
//
// Dates are hand-written on package time rather than taken from a date
// library: none handles Excel serials, column-level day/month inference or
// strict calendar checks, and this costs the browser's wasm nothing.
// ParseDate accepts, after trimming spaces:
//
//	2006-01-02, 2006/01/02, 2006.01.02     year first, always y-m-d
//	20060102                               8 digits, only a real date from 1900
//	01/02/2006, 1/2/2006, 1/2/06           month/day or day/month (see DateOrder)
//	02.01.2006, 02-01-2006                 likewise, dotted or dashed
//	2-Jan-2006, 02 Jan 2006, 2 January 06  day, month name, year
//	January 2, 2006, Jan 2 2006, Jan. 2 06 month name, day, year
//
// each optionally followed by a time: "T15:04:05" (ISO, with optional
// fraction and "Z" or offset), or a space and "15:04", "15:04:05" or
// "3:04 PM". Two-digit years pivot at 70: 00–69 → 20xx, 70–99 → 19xx.
// Month names are English, any case.
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
	// By hand: fmt took a tenth of checking a column of dates.
	b := make([]byte, 0, 19)
	b = pad(b, d.Year, 4)
	b = pad(append(b, '-'), d.Month, 2)
	b = pad(append(b, '-'), d.Day, 2)
	if d.HasTime {
		b = pad(append(b, 'T'), d.Hour, 2)
		b = pad(append(b, ':'), d.Min, 2)
		b = pad(append(b, ':'), d.Sec, 2)
	}
	return string(b)
}

// pad appends n with at least width digits (as %0*d; n is never negative
// here, a year past 9999 keeps its digits).
func pad(b []byte, n, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for n >= 10 || width > 1 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	i--
	buf[i] = byte('0' + n)
	return append(b, buf[i:]...)
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

// ParseDate reads a date in any known form (see the package doc). Numeric
// dates whose first two parts could both be day or month follow order; with
// OrderAuto they are an error saying the order is unknown, unless both
// readings give the same date ("04/04/2024").
//
// ParseDate never reads Excel serial numbers: "45292" is a date only when
// the column is mapped to a date field and the cell is a plain number in a
// plausible range, which the caller knows and this function does not (a ZIP
// code such as 80202 would otherwise become a date). Use ParseSerial and
// FromSerial for that.
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

// splitTime separates a trailing time: ISO "T15:04:05Z" after a year-first
// date, or " 3:04 PM" after the last space before the first colon.
func splitTime(s string) (string, string) {
	if len(s) > 11 && s[10] == 'T' && s[4] == '-' && isDigit(s[11]) {
		return s[:10], s[11:]
	}
	if i := strings.IndexByte(s, ':'); i > 0 {
		if j := strings.LastIndexByte(s[:i], ' '); j > 0 {
			return strings.TrimSpace(s[:j]), strings.TrimSpace(s[j+1:])
		}
	}
	return s, ""
}

// parseClock reads "15:04", "15:04:05", "15:04:05.000", "3:04 PM", with an
// optional zone ("Z", "+03:00", "-0500") after a 24-hour time. The zone is
// dropped: a case property holds the wall-clock time the sheet shows, as
// CommCare's importer does with the text it receives.
func parseClock(t string) (h, m, sec int, ok bool) {
	ampm := ""
	if n := len(t); n > 2 {
		switch strings.ToUpper(t[n-2:]) {
		case "AM", "PM":
			ampm, t = strings.ToUpper(t[n-2:]), strings.TrimRight(t[:n-2], " ")
		}
	}
	if ampm == "" {
		if strings.HasSuffix(t, "Z") || strings.HasSuffix(t, "z") {
			t = t[:len(t)-1]
		} else if i := strings.LastIndexAny(t, "+-"); i > 0 {
			if !validZone(t[i+1:]) {
				return 0, 0, 0, false
			}
			t = t[:i]
		}
	}
	parts := strings.Split(t, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, false
	}
	if h, ok = digits(parts[0], 1, 2); !ok {
		return 0, 0, 0, false
	}
	if m, ok = digits(parts[1], 2, 2); !ok {
		return 0, 0, 0, false
	}
	if len(parts) == 3 {
		whole, frac, hasFrac := strings.Cut(parts[2], ".")
		if sec, ok = digits(whole, 2, 2); !ok {
			return 0, 0, 0, false
		}
		if hasFrac { // fractions of a second are dropped, not rounded, like Excel's display
			if _, ok = digits(frac, 1, 9); !ok {
				return 0, 0, 0, false
			}
		}
	}
	switch ampm {
	case "AM", "PM":
		if h < 1 || h > 12 {
			return 0, 0, 0, false
		}
		h %= 12
		if ampm == "PM" {
			h += 12
		}
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, 0, 0, false
	}
	return h, m, sec, true
}

// validZone accepts the part of a UTC offset after its sign: "03", "0300", "03:00".
func validZone(z string) bool {
	var hh, mm string
	switch len(z) {
	case 2:
		hh = z
	case 4:
		hh, mm = z[:2], z[2:]
	case 5:
		if z[2] != ':' {
			return false
		}
		hh, mm = z[:2], z[3:]
	default:
		return false
	}
	h, ok := digits(hh, 2, 2)
	if !ok || h > 14 {
		return false
	}
	if mm != "" {
		if m, ok := digits(mm, 2, 2); !ok || m > 59 {
			return false
		}
	}
	return true
}

// digits reads an unsigned decimal of min..max ASCII digits (strconv.Atoi
// would also take signs and any length).
func digits(s string, min, max int) (int, bool) {
	if len(s) < min || len(s) > max {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func parseDatePart(s string, order DateOrder, orig string) (Date, error) {
	unknown := func() (Date, error) { return Date{}, dateErr("%q is not a date in a known form", orig) }
	unreal := func() (Date, error) { return Date{}, dateErr("%q is not a real date", orig) }
	// 20060102: only a real date, so that an 8-digit id is not read as one.
	if len(s) == 8 && allDigits(s) {
		y, _ := digits(s[:4], 4, 4)
		m, _ := digits(s[4:6], 2, 2)
		d, _ := digits(s[6:], 2, 2)
		if y >= 1900 && valid(y, m, d) {
			return Date{Year: y, Month: m, Day: d}, nil
		}
		return unknown()
	}
	// 2006-01-02, the most common form, read without looking further.
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := digits(s[:4], 4, 4)
		m, ok2 := digits(s[5:7], 2, 2)
		d, ok3 := digits(s[8:], 2, 2)
		if ok1 && ok2 && ok3 {
			if !valid(y, m, d) {
				return unreal()
			}
			return Date{Year: y, Month: m, Day: d}, nil
		}
	}
	if hasLetter(s) {
		if d, matched, err := parseMonthName(s, orig); matched {
			return d, err
		}
	}
	// Numbers with one separator used twice: 2006-01-02, 02/01/2006, 02.01.06.
	i := strings.IndexAny(s, "-/.")
	if i < 0 {
		return unknown()
	}
	var fields [3]string
	rest := s
	for k := range fields {
		j := strings.IndexByte(rest, s[i])
		if k == 2 {
			if j >= 0 {
				return unknown()
			}
			j = len(rest)
		} else if j < 0 {
			return unknown()
		}
		fields[k] = rest[:j]
		rest = rest[min(j+1, len(rest)):]
	}
	if len(fields[0]) == 4 { // year first: always y-m-d
		y, ok1 := digits(fields[0], 4, 4)
		m, ok2 := digits(fields[1], 1, 2)
		d, ok3 := digits(fields[2], 1, 2)
		if !ok1 || !ok2 || !ok3 {
			return unknown()
		}
		if !valid(y, m, d) {
			return unreal()
		}
		return Date{Year: y, Month: m, Day: d}, nil
	}
	a, ok1 := digits(fields[0], 1, 2)
	b, ok2 := digits(fields[1], 1, 2)
	y, ok3 := digits(fields[2], 2, 4)
	if !ok1 || !ok2 || !ok3 || len(fields[2]) == 3 {
		return unknown()
	}
	if len(fields[2]) == 2 {
		y = pivot(y)
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
	if !md && !dm {
		return unreal()
	}
	want := "month/day/year"
	if order == OrderDMY {
		want = "day/month/year"
	}
	return Date{}, dateErr("%q is not a real date when read as %s", orig, want)
}

// parseMonthName reads "2-Jan-2006", "02 Jan 2006", "2 January 06",
// "January 2, 2006", "Jan. 2 2006". matched is false when s has no month
// name, so the numeric forms are tried next.
func parseMonthName(s, orig string) (d Date, matched bool, err error) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == ',' || r == '.' || r == '/' })
	if len(f) != 3 {
		return Date{}, false, nil
	}
	var day, year string
	m, ok := months[strings.ToLower(f[1])]
	if ok { // 2 Jan 2006
		day, year = f[0], f[2]
	} else if m, ok = months[strings.ToLower(f[0])]; ok { // Jan 2 2006
		day, year = f[1], f[2]
	} else {
		return Date{}, false, nil
	}
	dd, ok1 := digits(day, 1, 2)
	y, ok2 := digits(year, 2, 4)
	if !ok1 || !ok2 || len(year) == 3 {
		return Date{}, true, dateErr("%q is not a date in a known form", orig)
	}
	if len(year) == 2 {
		y = pivot(y)
	}
	if !valid(y, m, dd) {
		return Date{}, true, dateErr("%q is not a real date", orig)
	}
	return Date{Year: y, Month: m, Day: dd}, true, nil
}

// pivot reads a two-digit year as spreadsheets do: 00–69 → 20xx, 70–99 → 19xx.
func pivot(yy int) int {
	if yy < 70 {
		return 2000 + yy
	}
	return 1900 + yy
}

// hasLetter reports whether s has an ASCII letter (a month's name needs one).
func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	_, ok := digits(s, 1, len(s))
	return ok && len(s) > 0
}

// ParseDateFormat reads s strictly in a case type's declared form, written
// with the user-facing tokens "mm/dd/yyyy", "dd/mm/yyyy" or "yyyy-mm-dd"
// (not Go layouts). One-digit days and months are accepted ("1/5/2024"), a
// two-digit year or another separator is not, and no time may follow.
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
	bad := func() (Date, error) { return Date{}, dateErr("%q is not in the form %s", s, layout) }
	p := strings.Split(s, sep)
	if len(p) != 3 {
		return bad()
	}
	yi, mi, di := 2, 0, 1
	switch order {
	case OrderDMY:
		yi, mi, di = 2, 1, 0
	case OrderYMD:
		yi, mi, di = 0, 1, 2
	}
	y, ok1 := digits(p[yi], 4, 4)
	m, ok2 := digits(p[mi], 1, 2)
	d, ok3 := digits(p[di], 1, 2)
	if !ok1 || !ok2 || !ok3 {
		return bad()
	}
	if !valid(y, m, d) {
		return Date{}, dateErr("%q is not a real date", s)
	}
	return Date{Year: y, Month: m, Day: d}, nil
}

// Serial limits: 2958465 is 9999-12-31 in the 1900 system, the last date
// Excel shows; the 1904 system counts 1462 days fewer.
const (
	maxSerial1900 = 2958465
	maxSerial1904 = maxSerial1900 - 1462
)

// FromSerial converts an Excel serial day number. In the 1900 system serials
// 1..2958465 are dates: 1..59 count from 1899-12-31, 61 and up from
// 1899-12-30 (Excel counts a 29 February 1900 that never was), and 60, that
// fictitious day, is an error. In the 1904 system serial 0 is 1904-01-01.
// The fraction is the time of day, rounded to the second.
func FromSerial(serial float64, date1904 bool) (Date, error) {
	lo, hi := 1.0, float64(maxSerial1900+1)
	if date1904 {
		lo, hi = 0, float64(maxSerial1904+1)
	}
	if math.IsNaN(serial) || serial < lo || serial >= hi {
		return Date{}, dateErr("%s is outside the range of spreadsheet dates", strconv.FormatFloat(serial, 'f', -1, 64))
	}
	days := math.Floor(serial)
	secs := int(math.Round((serial - days) * 86400))
	if secs == 86400 { // 23:59:59.6 rounds to the next midnight
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
	if t.Year() > 9999 { // the last serial's fraction rounded past 9999-12-31
		return Date{}, dateErr("%s is outside the range of spreadsheet dates", strconv.FormatFloat(serial, 'f', -1, 64))
	}
	d := Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
	if secs != 0 {
		d.Hour, d.Min, d.Sec, d.HasTime = t.Hour(), t.Minute(), t.Second(), true
	}
	return d, nil
}

// ParseSerial reads a plain decimal number as Excel writes a serial:
// "45292", "45292.5". No sign, exponent, grouping or bare dot.
func ParseSerial(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	whole, frac, hasDot := strings.Cut(s, ".")
	if !allDigits(whole) || hasDot && !allDigits(frac) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// InferOrder decides a column's day/month order from all its values, which
// a per-value parser cannot: a first part over 12 proves day-first, a second
// part over 12 month-first. Year-first, month-name and unreadable values do
// not vote. ambiguous: nothing proves either order (order is ""); conflict:
// both are proved (order is ""), so each value must be judged on its own.
func InferOrder(values []string) (order DateOrder, ambiguous, conflict bool) {
	var e OrderEvidence
	for _, v := range values {
		e.Add(v)
	}
	return e.Result()
}

// OrderEvidence is InferOrder one value at a time, so a column's values
// need not be gathered first.
type OrderEvidence struct{ dmy, mdy bool }

// Add looks at one value.
func (e *OrderEvidence) Add(v string) {
	datePart, _ := splitTime(strings.TrimSpace(v))
	i := strings.IndexAny(datePart, "-/.")
	if i < 0 {
		return
	}
	// Exactly three parts split by the first separator found.
	sep := datePart[i]
	j := strings.IndexByte(datePart[i+1:], sep)
	if j < 0 {
		return
	}
	j += i + 1
	if strings.IndexByte(datePart[j+1:], sep) >= 0 {
		return
	}
	a, ok1 := digits(datePart[:i], 1, 2)
	b, ok2 := digits(datePart[i+1:j], 1, 2)
	if !ok1 || !ok2 {
		return
	}
	// A value neither order can read (13/13, 45/02) is not evidence.
	if a > 12 && a <= 31 && b >= 1 && b <= 12 {
		e.dmy = true
	}
	if b > 12 && b <= 31 && a >= 1 && a <= 12 {
		e.mdy = true
	}
}

// Result is the order the values seen tell, as InferOrder returns it.
func (e *OrderEvidence) Result() (order DateOrder, ambiguous, conflict bool) {
	switch {
	case e.dmy && e.mdy:
		return OrderAuto, false, true
	case e.dmy:
		return OrderDMY, false, false
	case e.mdy:
		return OrderMDY, false, false
	}
	return OrderAuto, true, false
}
