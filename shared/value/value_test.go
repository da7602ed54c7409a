package value

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	cases := []struct {
		in    string
		order DateOrder
		want  string
		err   string
	}{
		{"2024-03-01", "", "2024-03-01", ""},
		{" 2024-03-01 ", "", "2024-03-01", ""},
		{"2024-03-01T14:41:53Z", "", "2024-03-01T14:41:53", ""},
		{"2015-04-30T14:41:53.000000Z", "", "2015-04-30T14:41:53", ""},
		{"2024-03-01 09:15", "", "2024-03-01T09:15:00", ""},
		{"2024/03/01", "", "2024-03-01", ""},
		{"20240301", "", "2024-03-01", ""},
		{"31/12/2023", "", "2023-12-31", ""},
		{"12/31/2023", "", "2023-12-31", ""},
		{"03/04/2024", "", "", "ambiguous"},
		{"03/04/2024", OrderMDY, "2024-03-04", ""},
		{"03/04/2024", OrderDMY, "2024-04-03", ""},
		{"04/04/2024", "", "2024-04-04", ""},
		{"1/2/06", OrderMDY, "2006-01-02", ""},
		{"1/2/86", OrderMDY, "1986-01-02", ""},
		{"02.01.2006", OrderDMY, "2006-01-02", ""},
		{"02-01-2006", OrderDMY, "2006-01-02", ""},
		{"2-Jan-2006", "", "2006-01-02", ""},
		{"02 Jan 2006", "", "2006-01-02", ""},
		{"January 2, 2006", "", "2006-01-02", ""},
		{"Jan 2 2006", "", "2006-01-02", ""},
		{"3/4/2024 3:04 PM", OrderMDY, "2024-03-04T15:04:00", ""},
		{"3/4/2024 12:00 AM", OrderMDY, "2024-03-04T00:00:00", ""},
		{"31/02/2024", OrderDMY, "", "not a real date"},
		{"2024-02-30", "", "", "not a real date"},
		{"29/02/2023", "", "", "not a real date"},
		{"29/02/2024", "", "2024-02-29", ""},
		{"13/13/2024", "", "", "not a real date"},
		{"12/31/2023", OrderDMY, "", "read as day/month/year"},
		{"yesterday", "", "", "known form"},
		{"", "", "", "blank"},
		{"2024-03-01T25:00", "", "", "time"},
		// More forms.
		{"2024-03-01T14:41:53+05:30", "", "2024-03-01T14:41:53", ""},
		{"2024-03-01T14:41:53-0500", "", "2024-03-01T14:41:53", ""},
		{"2024-03-01 14:41:53", "", "2024-03-01T14:41:53", ""},
		{"2024-3-1", "", "2024-03-01", ""},
		{"2024.03.01", "", "2024-03-01", ""},
		{"1/2/2006", OrderDMY, "2006-02-01", ""},
		{"13/2/69", "", "2069-02-13", ""},
		{"2/13/70", "", "1970-02-13", ""},
		{"2/13/99", "", "1999-02-13", ""},
		{"2/13/00", "", "2000-02-13", ""},
		{"13.01.2006", "", "2006-01-13", ""},
		{"01-13-2006", "", "2006-01-13", ""},
		{"2 January 06", "", "2006-01-02", ""},
		{"2 JAN 2006", "", "2006-01-02", ""},
		{"jan. 2, 2006", "", "2006-01-02", ""},
		{"Sept 30 2024", "", "2024-09-30", ""},
		{"30-Feb-2024", "", "", "not a real date"},
		{"29 Feb 2023", "", "", "not a real date"},
		{"29 Feb 2024", "", "2024-02-29", ""},
		{"29/02/1900", "", "", "not a real date"},
		{"29/02/2000", "", "2000-02-29", ""},
		{"31/04/2024", OrderDMY, "", "not a real date"},
		{"Jan 2 2006 3:04 PM", "", "2006-01-02T15:04:00", ""},
		{"02 Jan 2006 15:04", "", "2006-01-02T15:04:00", ""},
		{"31/12/2023 23:59:59", "", "2023-12-31T23:59:59", ""},
		{"31/12/2023 12:30 am", "", "2023-12-31T00:30:00", ""},
		{"31/12/2023 12:30 PM", "", "2023-12-31T12:30:00", ""},
		{"31/12/2023 13:30 PM", "", "", "time"},
		{"31/12/2023 1:5", "", "", "time"},
		{"31/12/2023 +1:05", "", "", "time"},
		{"2024-03-01T14:41:53+99:00", "", "", "time"},
		{"2024-03-01T14:41:53.5x", "", "", "time"},
		{"\u00a02024-03-01\t", "", "2024-03-01", ""},
		// Not dates, or not in a known form.
		{"20241301", "", "", "known form"},
		{"18991231", "", "", "known form"},
		{"12345678", "", "", "known form"},
		{"45292", "", "", "known form"},
		{"45292.5", "", "", "known form"},
		{"2024-03/01", "", "", "known form"},
		{"1/2/2024/5", "", "", "known form"},
		{"001/02/2024", "", "", "known form"},
		{"1/2/202", "", "", "known form"},
		{"2024 03 01", "", "", "known form"},
		{"+1/2/2024", "", "", "known form"},
		{"Jan 2006", "", "", "known form"},
		{"Foo 2 2006", "", "", "known form"},
		{"1/2/2006", OrderYMD, "", "year"},
	}
	for _, c := range cases {
		got, err := ParseDate(c.in, c.order)
		if c.err != "" {
			var de *DateError
			if err == nil || !errors.As(err, &de) || !strings.Contains(de.Reason, c.err) {
				t.Errorf("ParseDate(%q, %q) = %v, %v; want error with %q", c.in, c.order, got, err, c.err)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("ParseDate(%q, %q) = %v, %v; want %s", c.in, c.order, got, err, c.want)
		}
	}
}

func TestParseDateFormat(t *testing.T) {
	cases := []struct{ in, layout, want string }{
		{"01/15/2024", "mm/dd/yyyy", "2024-01-15"},
		{"1/5/2024", "mm/dd/yyyy", "2024-01-05"},
		{"17/03/2024", "mm/dd/yyyy", ""},
		{"2024-01-15", "mm/dd/yyyy", ""},
		{"01/15/24", "mm/dd/yyyy", ""},
		{"15/01/2024", "dd/mm/yyyy", "2024-01-15"},
		{"2024-01-15", "yyyy-mm-dd", "2024-01-15"},
		{"2024-02-30", "yyyy-mm-dd", ""},
		{"02/29/2024", "mm/dd/yyyy", "2024-02-29"},
		{"02/29/2023", "mm/dd/yyyy", ""},
		{"01-15-2024", "mm/dd/yyyy", ""},
		{"01/15/2024 10:00", "mm/dd/yyyy", ""},
		{"001/15/2024", "mm/dd/yyyy", ""},
		{" 01/15/2024 ", "mm/dd/yyyy", "2024-01-15"},
		{"2024/01/15", "yyyy-mm-dd", ""},
		{"2024-01-15", "2006-01-02", ""},
	}
	for _, c := range cases {
		got, err := ParseDateFormat(c.in, c.layout)
		if c.want == "" {
			if err == nil {
				t.Errorf("ParseDateFormat(%q, %q) = %v, want an error", c.in, c.layout, got)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("ParseDateFormat(%q, %q) = %v, %v; want %s", c.in, c.layout, got, err, c.want)
		}
	}
}

func TestFromSerial(t *testing.T) {
	cases := []struct {
		serial float64
		d1904  bool
		want   string
	}{
		{1, false, "1900-01-01"},
		{59, false, "1900-02-28"},
		{61, false, "1900-03-01"},
		{45292, false, "2024-01-01"},
		{45292.5, false, "2024-01-01T12:00:00"},
		{32874, false, "1990-01-01"},
		{0, true, "1904-01-01"},
		{1, true, "1904-01-02"},
		{43830, true, "2024-01-01"},
		{2958465, false, "9999-12-31"},
		{45292.25, false, "2024-01-01T06:00:00"},
		{45292.99998, false, "2024-01-01T23:59:58"},
		{45292.9999999, false, "2024-01-02"},
		{2957003, true, "9999-12-31"},
	}
	for _, c := range cases {
		got, err := FromSerial(c.serial, c.d1904)
		if err != nil || got.String() != c.want {
			t.Errorf("FromSerial(%v, %v) = %v, %v; want %s", c.serial, c.d1904, got, err, c.want)
		}
	}
	for _, bad := range []float64{60, 60.5, 0, 0.5, -1, 2958466, 2958465.99999999, math.NaN(), math.Inf(1)} {
		if d, err := FromSerial(bad, false); err == nil {
			t.Errorf("FromSerial(%v, false) = %v, want an error", bad, d)
		}
	}
	for _, bad := range []float64{-1, 2957004} {
		if d, err := FromSerial(bad, true); err == nil {
			t.Errorf("FromSerial(%v, true) = %v, want an error", bad, d)
		}
	}
	if _, err := FromSerial(60, false); err == nil || !strings.Contains(err.Error(), "29 February 1900") {
		t.Errorf("FromSerial(60) error = %v, want one naming 29 February 1900", err)
	}
}

func TestParseSerial(t *testing.T) {
	for in, want := range map[string]float64{"45292": 45292, "45292.5": 45292.5, " 1 ": 1, "0.25": 0.25} {
		if got, ok := ParseSerial(in); !ok || got != want {
			t.Errorf("ParseSerial(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", ".5", "5.", "-1", "+1", "1e5", "4,529", "1.2.3", "2024-01-01", "NaN", "Inf"} {
		if got, ok := ParseSerial(bad); ok {
			t.Errorf("ParseSerial(%q) = %v, want not a serial", bad, got)
		}
	}
}

func TestInferOrder(t *testing.T) {
	cases := []struct {
		vals                []string
		order               DateOrder
		ambiguous, conflict bool
	}{
		{[]string{"31/12/2023", "01/02/2024"}, OrderDMY, false, false},
		{[]string{"12/31/2023", "01/02/2024"}, OrderMDY, false, false},
		{[]string{"01/02/2024", "03/04/2024"}, OrderAuto, true, false},
		{[]string{"31/12/2023", "12/31/2023"}, OrderAuto, false, true},
		{[]string{"2024-12-31", "01/02/2024"}, OrderAuto, true, false},
		{nil, OrderAuto, true, false},
		{[]string{"2024-12-31", "2024-01-13"}, OrderAuto, true, false},
		{[]string{"13-Jan-2024", "01/02/2024"}, OrderAuto, true, false},
		{[]string{"13/13/2024", "01/02/2024"}, OrderAuto, true, false},
		{[]string{"45/02/2024"}, OrderAuto, true, false},
		{[]string{"", "junk", "1.13.2024 10:00"}, OrderMDY, false, false},
		{[]string{"13.01.24", "1/2/24"}, OrderDMY, false, false},
	}
	for _, c := range cases {
		o, a, k := InferOrder(c.vals)
		if o != c.order || a != c.ambiguous || k != c.conflict {
			t.Errorf("InferOrder(%q) = %q %v %v; want %q %v %v", c.vals, o, a, k, c.order, c.ambiguous, c.conflict)
		}
	}
}

func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"  padded  ", "padded"},
		{"sex\u00a0", "sex"},
		{"a  b\t c", "a b c"},
		{"line one\nline two", "line one\nline two"},
		{"line one \r\n line two", "line one\nline two"},
		{"007", "007"},
		{"\u200bzero", "zero"},
		{"👩\u200d👩\u200d👧", "👩\u200d👩\u200d👧"},
		{" \u200b x \u200b ", "x"},
		{"क्\u200dष", "क्\u200dष"},
		{"José  Müller ", "José Müller"},
		{"   ", ""},
		{"\u00a0\u200b", ""},
		{"a\u00a0\u00a0b", "a b"},
		{"a\u200bb", "ab"},
		{"\n\n lead", "lead"},
		{"trail \n\n", "trail"},
		{"old\rmac", "old\nmac"},
		{"a\n\nb", "a\nb"},
		{" 00123 ", "00123"},
		{"+44 0 7700", "+44 0 7700"},
	}
	for _, c := range cases {
		if got := Clean(c.in); got != c.want {
			t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	cases := []struct{ in, want string }{
		{"1234", "1234"}, {"1,234.5", "1234.5"}, {"-3", "-3"}, {"1.5e3", "1500"}, {" 42 ", "42"}, {"0.30000000000000004", "0.30000000000000004"},
		{"+7", "7"}, {"007", "7"}, {"1.50", "1.5"}, {"-0", "0"}, {".5", "0.5"}, {"5.", "5"}, {"1,234,567.890", "1234567.89"},
		{"12345678901234567890", "12345678901234567890"}, {"-1.5E-3", "-0.0015"}, {"1e0", "1"}, {"0e5", "0"},
	}
	for _, c := range cases {
		if got, ok := ParseNumber(c.in); !ok || got != c.want {
			t.Errorf("ParseNumber(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"three", "1,23", "12,3456", "", "1.2.3", "NaN", "0x1A", "Inf", "-", ".", "1e", "e5", "1e400", "1,5e3", ",123", "1 000", "--1", "1_000"} {
		if got, ok := ParseNumber(bad); ok {
			t.Errorf("ParseNumber(%q) = %q, want not a number", bad, got)
		}
	}
}

func TestParseBool01(t *testing.T) {
	for in, want := range map[string]bool{"1": true, "0": false, "1.0": true, " 0 ": false} {
		if got, ok := ParseBool01(in); !ok || got != want {
			t.Errorf("ParseBool01(%q) = %v %v", in, got, ok)
		}
	}
	for _, bad := range []string{"2", "yes", "", "true"} {
		if _, ok := ParseBool01(bad); ok {
			t.Errorf("ParseBool01(%q) ok", bad)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-01", "31/12/2023", "2-Jan-2006", "3/4/2024 3:04 PM", "20240301", "January 2, 2006", "2024-03-01T14:41:53Z"} {
		f.Add(s, "")
		f.Add(s, "dmy")
	}
	f.Fuzz(func(t *testing.T, s, order string) {
		d, err := ParseDate(s, DateOrder(order))
		if err != nil {
			return
		}
		again, err := ParseDate(d.String(), "")
		if err != nil || again != d {
			t.Fatalf("%q → %v → %v, %v", s, d, again, err)
		}
	})
}

func BenchmarkParseDate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_, _ = ParseDate("31/12/2023", OrderDMY)
		_, _ = ParseDate("2024-03-01", "")
	}
}

// inferOrderSplit is InferOrder as first written (strings.Split per value):
// the oracle for OrderEvidence, which reads a value without allocating.
func inferOrderSplit(values []string) (DateOrder, bool, bool) {
	dmy, mdy := false, false
	for _, v := range values {
		datePart, _ := splitTime(strings.TrimSpace(v))
		i := strings.IndexAny(datePart, "-/.")
		if i < 0 {
			continue
		}
		f := strings.Split(datePart, datePart[i:i+1])
		if len(f) != 3 {
			continue
		}
		a, ok1 := digits(f[0], 1, 2)
		b, ok2 := digits(f[1], 1, 2)
		if !ok1 || !ok2 {
			continue
		}
		if a > 12 && a <= 31 && b >= 1 && b <= 12 {
			dmy = true
		}
		if b > 12 && b <= 31 && a >= 1 && a <= 12 {
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

func FuzzInferOrder(f *testing.F) {
	for _, s := range []string{"13/02/2024", "02/13/2024", "1-2-3", "1.2.3.4", "2024-01-02T10:00", "03/04/2024 10:00", "1//2", " 5/6/7 "} {
		f.Add(s, "12/25/2024")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		vals := []string{a, b}
		o, amb, con := InferOrder(vals)
		wo, wamb, wcon := inferOrderSplit(vals)
		if o != wo || amb != wamb || con != wcon {
			t.Fatalf("InferOrder(%q) = %q %v %v; the split reading gives %q %v %v", vals, o, amb, con, wo, wamb, wcon)
		}
	})
}

// The fast path returns a value as it is only when cleaning it would not
// change it.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"Kraków", "a  b", " x", "é\u00a0", "\u200dz", "a\r\nb", "\xff", "\ufffd", "日本語"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" {
			return
		}
		if got, want := Clean(s), clean(s); got != want {
			t.Fatalf("Clean(%q) = %q; without the fast path %q", s, got, want)
		}
	})
}
