package rules

import (
	"strings"
	"testing"

	"casegate/shared/casetype"
	"casegate/shared/model"
)

var samples = []string{"", "a", "HH-0001", "hh 0001", "female", "Female", "other", "+254 712 345 678", "12345", "0712345678",
	"(555) 123-4567", "phone?", "x@example.org", "not an email", "2024-01-31", "1", "0", "ünïcødé", "tag-42", "a b",
	strings.Repeat("é", 255), strings.Repeat("é", 256), strings.Repeat("x", 300), "surveillance", "background"}

// TestPassAgreesWithValidator: the plain-Go pass of every built-in field
// accepts exactly what validator v10 accepts.
func TestPassAgreesWithValidator(t *testing.T) {
	for _, ct := range casetype.Builtins() {
		c, err := Compile(ct)
		if err != nil {
			t.Fatal(err)
		}
		for name, cf := range c.fields {
			if cf.tag == "" {
				continue
			}
			for _, v := range samples {
				valid := c.v.Var(v, cf.tag) == nil
				if cf.fast && cf.passes(v) != valid {
					t.Errorf("%s.%s (%s) %q: pass %v, validator %v", ct.Name, name, cf.tag, v, cf.passes(v), valid)
				}
			}
		}
	}
}

func TestCheckMessages(t *testing.T) {
	ct, _ := casetype.NewRegistry().Lookup("client")
	c, err := Compile(ct)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field, value string
		code         model.Code
		says         string
	}{
		{"case_category", "surveilance", model.CodeInvalidValue, "not one of the allowed values"},
		{"email", "nobody", model.CodeInvalidValue, "not an email address"},
		{"name", strings.Repeat("n", 256), model.CodeTooLong, "at most 255"},
		{"case_category", "other", "", ""},
		{"email", "a@b.org", "", ""},
	} {
		is := c.Check(tc.field, "Col", tc.value)
		if tc.code == "" {
			if len(is) != 0 {
				t.Errorf("%s %q: %v", tc.field, tc.value, is)
			}
			continue
		}
		if len(is) != 1 || is[0].Code != tc.code || !strings.Contains(is[0].Message, tc.says) || !strings.Contains(is[0].Message, "Col") {
			t.Errorf("%s %q: %+v", tc.field, tc.value, is)
		}
	}
	if is := c.Check("case_category", "C", "surveilance"); len(is) == 1 && is[0].Suggestion != "surveillance" {
		t.Errorf("suggestion %q", is[0].Suggestion)
	}
}

func FuzzIsPhone(f *testing.F) {
	for _, s := range []string{"+254 712 345 678", "(555) 123-4567", "12345", "+", "1234567890123456789012345", "+1.2/3-4 5(6)", "١٢٣٤٥٦٧"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if want := phoneRE.MatchString(s) && countDigits(s) >= 6; isPhone(s) != want {
			t.Fatalf("isPhone(%q) = %v, the regexp says %v", s, !want, want)
		}
	})
}
