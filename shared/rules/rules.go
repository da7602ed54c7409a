// Package rules checks a field's value against its case type's declared
// rules. The rules run through validator v10 (one tag string per field,
// compiled once), and every failure is turned into a model.Issue with a stable
// code and a sentence naming the column and the expected form.
package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	strmetrics "github.com/adrg/strutil/metrics"
	"github.com/go-playground/validator/v10"

	"casegate/shared/casetype"
	"casegate/shared/model"
)

// MaxIDLength is CommCare's limit for name and external_id.
const MaxIDLength = 255

// Checker holds the compiled rules of one case type.
type Checker struct {
	v      *validator.Validate
	fields map[string]compiled
}

type compiled struct {
	field casetype.Field
	tag   string
	re    *regexp.Regexp
	// pass is the same rules as tag, as plain Go: a value it passes needs
	// no validator call (most values pass; the call cost a sixth of a
	// check). The validator still decides, and words, every failure.
	pass []func(string) bool
	fast bool // every tag has its pass
}

var phoneRE = regexp.MustCompile(`^\+?[0-9 ()./-]{6,24}$`)

var (
	cacheMu sync.Mutex
	cache   = map[string]*Checker{}
)

// Compile prepares the rules of ct (and of the special fields). Checkers
// are kept per definition: building a validator costs milliseconds, which
// the browser would pay on every re-check.
func Compile(ct casetype.CaseType) (*Checker, error) {
	key, _ := json.Marshal(ct)
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if c, ok := cache[string(key)]; ok {
		return c, nil
	}
	c, err := compile(ct)
	if err == nil && len(cache) < 256 {
		cache[string(key)] = c
	}
	return c, err
}

func compile(ct casetype.CaseType) (*Checker, error) {
	c := &Checker{v: validator.New(), fields: map[string]compiled{}}
	if err := c.v.RegisterValidation("phone", func(fl validator.FieldLevel) bool { return isPhone(fl.Field().String()) }); err != nil {
		return nil, err
	}
	fields := append([]casetype.Field(nil), ct.Fields...)
	for _, name := range []string{"name", "external_id"} {
		if _, ok := ct.Field(name); !ok {
			fields = append(fields, casetype.Field{Name: name, MaxLength: MaxIDLength})
		}
	}
	for i, f := range fields {
		if (f.Name == "name" || f.Name == "external_id") && (f.MaxLength == 0 || f.MaxLength > MaxIDLength) {
			f.MaxLength = MaxIDLength
		}
		var tags []string
		cf := compiled{field: f}
		if f.MaxLength > 0 {
			tags = append(tags, fmt.Sprintf("max=%d", f.MaxLength))
			n := f.MaxLength
			cf.pass = append(cf.pass, func(s string) bool { return len(s) <= n || utf8.RuneCountInString(s) <= n })
		}
		if f.Pattern != "" {
			re, err := regexp.Compile(f.Pattern)
			if err != nil {
				return nil, fmt.Errorf("field %q: pattern: %w", f.Name, err)
			}
			cf.re = re
			cf.pass = append(cf.pass, re.MatchString)
			tag := fmt.Sprintf("pattern%d", i)
			if err := c.v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
				return re.MatchString(fl.Field().String())
			}); err != nil {
				return nil, err
			}
			tags = append(tags, tag)
		}
		switch f.Kind {
		case casetype.KindSelect:
			vals := f.Values
			isValue := func(s string) bool {
				for _, v := range vals {
					if s == v {
						return true
					}
				}
				return false
			}
			tag := fmt.Sprintf("select%d", i)
			if err := c.v.RegisterValidation(tag, func(fl validator.FieldLevel) bool { return isValue(fl.Field().String()) }); err != nil {
				return nil, err
			}
			tags = append(tags, tag)
			cf.pass = append(cf.pass, isValue)
		case casetype.KindEmail:
			tags = append(tags, "email")
		case casetype.KindPhone:
			tags = append(tags, "phone")
			cf.pass = append(cf.pass, isPhone)
		}
		cf.tag = strings.Join(tags, ",")
		cf.fast = len(cf.pass) == len(tags)
		c.fields[f.Name] = cf
	}
	return c, nil
}

// isPhone is phoneRE (a leading +, then 6 to 24 of digits, spaces and
// ( ) . / -) with at least 6 digits, by hand: the regexp cost 35 ms in a
// 100,000-row check. TestIsPhone holds the two together.
func isPhone(s string) bool {
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	if len(s) < 6 || len(s) > 24 {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '(' || c == ')' || c == '.' || c == '/' || c == '-':
		default:
			return false
		}
	}
	return digits >= 6
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// Check returns the issues of a non-blank value for field, read from column.
// A field without rules costs a map lookup.
func (c *Checker) Check(field, column, value string) []model.Issue {
	cf, ok := c.fields[field]
	if !ok || cf.tag == "" {
		return nil
	}
	return c.check(&cf, column, value)
}

// Rule is one field's compiled rules: a column checks its values with it,
// without looking the field up by name each time (a map lookup per value
// was a few percent of a check in the browser).
type Rule struct {
	c  *Checker
	cf *compiled
}

// Rule returns field's rules; a field without rules gets a Rule that
// passes every value.
func (c *Checker) Rule(field string) Rule {
	cf, ok := c.fields[field]
	if !ok || cf.tag == "" {
		return Rule{}
	}
	return Rule{c, &cf}
}

// Check checks a value of the rule's field in column.
func (r Rule) Check(column, value string) []model.Issue {
	if r.cf == nil {
		return nil
	}
	return r.c.check(r.cf, column, value)
}

func (c *Checker) check(cf *compiled, column, value string) []model.Issue {
	if cf.fast && cf.passes(value) {
		return nil
	}
	err := c.v.Var(value, cf.tag)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return []model.Issue{{Severity: model.SeverityError, Code: model.CodeInvalidValue, Column: column, Value: value,
			Message: fmt.Sprintf("Column %s: %v.", column, err)}}
	}
	var out []model.Issue
	for _, fe := range verrs {
		out = append(out, c.issue(*cf, fe.Tag(), column, value))
	}
	return out
}

func (cf *compiled) passes(v string) bool {
	for _, f := range cf.pass {
		if !f(v) {
			return false
		}
	}
	return true
}

func (c *Checker) issue(cf compiled, tag, column, value string) model.Issue {
	f := cf.field
	is := model.Issue{Severity: model.SeverityError, Code: model.CodeInvalidValue, Column: column, Value: clip(value)}
	switch {
	case tag == "max":
		is.Code = model.CodeTooLong
		is.Message = fmt.Sprintf("Column %s: %d characters; at most %d are allowed.", column, utf8.RuneCountInString(value), f.MaxLength)
	case strings.HasPrefix(tag, "pattern"):
		hint := f.PatternHint
		if hint == "" {
			hint = "the pattern " + f.Pattern
		}
		is.Message = fmt.Sprintf("Column %s: %q must use only %s.", column, clip(value), hint)
	case strings.HasPrefix(tag, "select"):
		is.Message = fmt.Sprintf("Column %s: %q is not one of the allowed values: %s.", column, clip(value), quoteList(f.Values))
		if s := closest(value, f.Values); s != "" {
			is.Suggestion = s
		}
	case tag == "email":
		is.Message = fmt.Sprintf("Column %s: %q is not an email address (expected a form like name@example.org).", column, clip(value))
	case tag == "phone":
		is.Message = fmt.Sprintf("Column %s: %q is not a phone number (digits, spaces, +, - and brackets; at least 6 digits).", column, clip(value))
	default:
		is.Message = fmt.Sprintf("Column %s: %q fails the rule %s.", column, clip(value), tag)
	}
	return is
}

// closest returns the allowed value equal to s ignoring case and spaces.
// closest suggests the allowed value s was meant to be: the same but for
// case and spaces, else one close in spelling ("surveilance").
func closest(s string, values []string) string {
	k := strings.ToLower(strings.TrimSpace(s))
	for _, v := range values {
		if strings.ToLower(v) == k {
			return v
		}
	}
	jw := strmetrics.NewJaroWinkler()
	jw.CaseSensitive = false
	best, score := "", 0.9
	for _, v := range values {
		if sc := jw.Compare(k, v); sc >= score {
			best, score = v, sc
		}
	}
	return best
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// clip keeps issue values readable (a cell can hold 32,767 characters).
func clip(s string) string {
	const max = 120
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Clip is clip for other packages' issues.
func Clip(s string) string { return clip(s) }
