// Package spec is the import specification: which case type, how rows find
// existing cases, how columns map to fields, and what to do on errors. It is
// JSON on disk (the check command's -spec), on the wire and in saved specs.
package spec

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Column kinds.
const (
	MapField     = "field"      // a field of the case type or a special field
	MapProperty  = "property"   // a new property named Property
	MapIgnore    = "ignore"     // not imported
	MapParentRef = "parent_ref" // an export's indices.<type> column: the parent's case_id
)

// Column maps one header to where its values go.
type Column struct {
	Column     string `json:"column"`
	Kind       string `json:"kind"`
	Field      string `json:"field,omitempty"`
	Property   string `json:"property,omitempty"`
	ParentType string `json:"parent_type,omitempty"`
	DateOrder  string `json:"date_order,omitempty"` // mdy | dmy | ymd for this column
}

// Spec is an import specification.
type Spec struct {
	CaseType       string            `json:"case_type"`
	SearchField    string            `json:"search_field,omitempty"`  // case_id (default) | external_id
	SearchColumn   string            `json:"search_column,omitempty"` // default: same as search_field
	CreateNewCases bool              `json:"create_new_cases"`
	NameColumn     string            `json:"name_column,omitempty"` // default: name
	Columns        []Column          `json:"columns,omitempty"`     // unlisted headers map by name
	Defaults       map[string]string `json:"defaults,omitempty"`
	OnError        string            `json:"on_error,omitempty"`   // halt | skip (default)
	DateOrder      string            `json:"date_order,omitempty"` // default for date columns: mdy | dmy | ymd | "" (infer)
	Sheet          string            `json:"sheet,omitempty"`
	HeaderRow      int               `json:"header_row,omitempty"`
	Encoding       string            `json:"encoding,omitempty"`
	Delimiter      string            `json:"delimiter,omitempty"`
	DefaultCountry string            `json:"default_country,omitempty"`
}

// Parse reads a spec and checks it.
func Parse(data []byte) (Spec, error) {
	var s Spec
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Spec{}, fmt.Errorf("the spec is not valid JSON: %v", err)
	}
	return s.Normalize()
}

// Normalize fills defaults and checks the values.
func (s Spec) Normalize() (Spec, error) {
	if s.SearchField == "" {
		s.SearchField = "case_id"
	}
	if s.SearchField != "case_id" && s.SearchField != "external_id" {
		return s, fmt.Errorf("Illegal value for search_field: %s (use case_id or external_id)", s.SearchField)
	}
	if s.SearchColumn == "" {
		s.SearchColumn = s.SearchField
	}
	if s.NameColumn == "" {
		s.NameColumn = "name"
	}
	switch s.OnError {
	case "":
		s.OnError = "skip"
	case "halt", "skip":
	default:
		return s, fmt.Errorf("on_error must be halt or skip, not %q", s.OnError)
	}
	if !validOrder(s.DateOrder) {
		return s, fmt.Errorf("date_order must be mdy, dmy or ymd, not %q", s.DateOrder)
	}
	seen := map[string]bool{}
	for i, c := range s.Columns {
		if seen[c.Column] {
			return s, fmt.Errorf("column %q is mapped twice", c.Column)
		}
		seen[c.Column] = true
		switch c.Kind {
		case MapField:
			if c.Field == "" {
				return s, fmt.Errorf("column %q: a field mapping needs a field", c.Column)
			}
		case MapProperty:
			if c.Property == "" {
				s.Columns[i].Property = c.Column
			}
		case MapIgnore:
		case MapParentRef:
			if c.ParentType == "" {
				return s, fmt.Errorf("column %q: a parent_ref mapping needs parent_type", c.Column)
			}
		default:
			return s, fmt.Errorf("column %q: kind must be field, property, ignore or parent_ref, not %q", c.Column, c.Kind)
		}
		if !validOrder(c.DateOrder) {
			return s, fmt.Errorf("column %q: date_order must be mdy, dmy or ymd, not %q", c.Column, c.DateOrder)
		}
	}
	if s.HeaderRow < 0 {
		return s, fmt.Errorf("header_row must be 1 or more")
	}
	return s, nil
}

func validOrder(o string) bool { return o == "" || o == "mdy" || o == "dmy" || o == "ymd" }

// ColumnFor returns the explicit mapping of a header, if any.
func (s Spec) ColumnFor(header string) (Column, bool) {
	for _, c := range s.Columns {
		if c.Column == header {
			return c, true
		}
	}
	return Column{}, false
}
