// Package casetype defines case types declaratively: their fields and the
// rules each field's values must follow. Definitions are plain data (JSON on
// the wire and in the database) so a domain can edit its own; the built-in
// examples cover the four seed documents.
package casetype

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Kind is how a field's values are read.
type Kind string

const (
	KindText    Kind = "text"
	KindDate    Kind = "date"    // stored as ISO yyyy-mm-dd
	KindNumber  Kind = "number"  // stored as canonical decimal text
	KindBool01  Kind = "bool01"  // 0 or 1
	KindSelect  Kind = "select"  // one of Values
	KindAddress Kind = "address" // "Street, City, State, Zip, Country"
	KindEmail   Kind = "email"
	KindPhone   Kind = "phone"
)

// Field is one field of a case type with its rules.
type Field struct {
	Name        string   `json:"name"`
	Label       string   `json:"label,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	Kind        Kind     `json:"kind,omitempty"`
	Required    bool     `json:"required,omitempty"`
	MaxLength   int      `json:"max_length,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`      // a Go regexp the whole value must match
	PatternHint string   `json:"pattern_hint,omitempty"` // the expected form in words
	Values      []string `json:"values,omitempty"`       // for select
	Unique      bool     `json:"unique,omitempty"`       // unique within the file
	DateFormat  string   `json:"date_format,omitempty"`  // "mm/dd/yyyy", "dd/mm/yyyy", "yyyy-mm-dd"; "" = any known form
	Help        string   `json:"help,omitempty"`
}

// CaseType is a kind of case, its fields and defaults.
type CaseType struct {
	Name           string            `json:"name"`
	Label          string            `json:"label,omitempty"`
	ParentType     string            `json:"parent_type,omitempty"` // the usual parent's type
	Fields         []Field           `json:"fields"`
	Defaults       map[string]string `json:"defaults,omitempty"`        // field → value used when the file leaves it blank
	DefaultCountry string            `json:"default_country,omitempty"` // for address fields without a country
	SearchField    string            `json:"search_field,omitempty"`    // suggested search field
	SearchColumn   string            `json:"search_column,omitempty"`   // suggested search column
}

// Special fields have a meaning of their own, as in CommCare. They are
// understood whatever the case type, and are not stored as properties.
var Special = []string{
	"case_id", "external_id", "name", "owner_id", "owner_name",
	"parent_id", "parent_external_id", "parent_type", "parent_relationship_type",
	"parent_identifier", "close", "date_opened", "case_type",
}

// Reserved may not be mapped: CommCare aborts a whole import for them; we
// ignore the column and say why.
var Reserved = []string{"type", "closed", "parent_ref", "modified_on", "case_name"}

// IsSpecial reports whether name is a special field.
func IsSpecial(name string) bool { return contains(Special, name) }

// IsReserved reports whether name is a reserved field.
func IsReserved(name string) bool { return contains(Reserved, name) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Field returns the field called name.
func (ct *CaseType) Field(name string) (Field, bool) {
	for _, f := range ct.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// Validate checks a definition before it is stored or used.
func (ct *CaseType) Validate() error {
	if !nameRE.MatchString(ct.Name) {
		return fmt.Errorf("case type name %q must start with a lower-case letter and use only a-z, 0-9, _ and -", ct.Name)
	}
	seen := map[string]bool{}
	for i, f := range ct.Fields {
		if !nameRE.MatchString(f.Name) {
			return fmt.Errorf("field %d: name %q must start with a lower-case letter and use only a-z, 0-9, _ and -", i+1, f.Name)
		}
		if IsReserved(f.Name) {
			return fmt.Errorf("field %q is reserved", f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("field %q is defined twice", f.Name)
		}
		seen[f.Name] = true
		switch f.Kind {
		case "", KindText, KindDate, KindNumber, KindBool01, KindAddress, KindEmail, KindPhone:
		case KindSelect:
			if len(f.Values) == 0 {
				return fmt.Errorf("field %q is a select with no values", f.Name)
			}
		default:
			return fmt.Errorf("field %q has unknown kind %q", f.Name, f.Kind)
		}
		if f.Pattern != "" {
			if _, err := regexp.Compile(f.Pattern); err != nil {
				return fmt.Errorf("field %q: pattern: %v", f.Name, err)
			}
		}
		switch f.DateFormat {
		case "", "mm/dd/yyyy", "dd/mm/yyyy", "yyyy-mm-dd":
		default:
			return fmt.Errorf("field %q: date format %q is not one of mm/dd/yyyy, dd/mm/yyyy, yyyy-mm-dd", f.Name, f.DateFormat)
		}
	}
	for k := range ct.Defaults {
		if _, ok := ct.Field(k); !ok && !IsSpecial(k) {
			return fmt.Errorf("default for %q: no such field", k)
		}
	}
	return nil
}

// Generic returns the case type used for a name with no definition: every
// column is a free property and only the special fields are checked, as
// CommCare does.
func Generic(name string) CaseType { return CaseType{Name: name} }

// Registry resolves case type names: a domain's own definitions first, then
// the built-ins.
type Registry map[string]CaseType

// NewRegistry returns the built-ins plus the given definitions (which win).
func NewRegistry(own ...CaseType) Registry {
	r := Registry{}
	for _, ct := range Builtins() {
		r[ct.Name] = ct
	}
	for _, ct := range own {
		r[ct.Name] = ct
	}
	return r
}

// Lookup returns the named case type, and whether it is defined.
func (r Registry) Lookup(name string) (CaseType, bool) {
	ct, ok := r[strings.TrimSpace(name)]
	if !ok {
		return Generic(strings.TrimSpace(name)), false
	}
	return ct, true
}

// Names lists the defined case types in order.
func (r Registry) Names() []string {
	var out []string
	for n := range r {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
