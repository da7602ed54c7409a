package value

import (
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
	}
	for _, c := range cases {
		got, err := ParseDate(c.in, c.order)
		if c.err != "" {
			if err == nil || !contains(err.Error(), c.err) {
				t.Errorf("ParseDate(%q, %q) = %v, %v; want error with %q", c.in, c.order, got, err, c.err)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("ParseDate(%q, %q) = %v, %v; want %s", c.in, c.order, got, err, c.want)
		}
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0))
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
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
	}
	for _, c := range cases {
		got, err := FromSerial(c.serial, c.d1904)
		if err != nil || got.String() != c.want {
			t.Errorf("FromSerial(%v, %v) = %v, %v; want %s", c.serial, c.d1904, got, err, c.want)
		}
	}
	for _, bad := range []float64{60, 0, -1, 2958466} {
		if d, err := FromSerial(bad, false); err == nil {
			t.Errorf("FromSerial(%v) = %v, want an error", bad, d)
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
	}
	for _, c := range cases {
		if got, ok := ParseNumber(c.in); !ok || got != c.want {
			t.Errorf("ParseNumber(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"three", "1,23", "12,3456", "", "1.2.3", "NaN", "0x1A"} {
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
