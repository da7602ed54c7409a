package engine

import (
	"fmt"
	"strings"

	"casegate/shared/casetype"
	"casegate/shared/mapping"
	"casegate/shared/model"
	"casegate/shared/rules"
	"casegate/shared/spec"
)

// column is a header resolved to its destination.
type column struct {
	index      int
	header     string
	kind       string // spec.Map*
	field      string // special field or case type field
	property   string
	parentType string
	dateOrder  string
	def        casetype.Field // the case type's rules for field (zero if none)
	hasDef     bool
	rule       rules.Rule // the rules its values are checked with (set by prepare)
	search     bool       // the search column
	memo       map[string]typed
	memoHits   int
	vslot      int // place of the value in the row's values (rowVals), -1 if none
	pslot      int // place in the row's property layout, -1 if none
}

// resolveColumns maps a table's headers. Explicit spec columns win; then the
// search and name columns; then headers that name a special field or a field
// of the case type exactly (after normalisation); then export parent columns;
// everything else becomes a property named after its header, as CommCare's
// bulk API does. Fuzzy suggestions are the page's job: a person confirms them.
func resolveColumns(t *Table, sp spec.Spec, ct casetype.CaseType) ([]column, []model.Issue, error) {
	var cols []column
	var notes []model.Issue
	seen := map[string]int{}
	byNorm := map[string]string{}
	for _, f := range ct.Fields {
		byNorm[mapping.NormalizeHeader(f.Name)] = f.Name
		if f.Label != "" {
			byNorm[mapping.NormalizeHeader(f.Label)] = f.Name
		}
	}
	for _, s := range casetype.Special {
		byNorm[mapping.NormalizeHeader(s)] = s
	}
	searchFound := false
	for i, raw := range t.Header {
		h := strings.TrimSpace(raw)
		letter := ColumnLetter(i)
		if h == "" {
			if columnHasData(t, i) {
				notes = append(notes, model.Issue{Severity: model.SeverityWarning, Code: model.CodeBlankHeader, Column: letter,
					Message: fmt.Sprintf("Column %s has no header; its values are not imported. Give it a header to import it.", letter)})
			}
			continue
		}
		key := strings.ToLower(h)
		if j, dup := seen[key]; dup {
			return nil, nil, model.Errorf(model.EInvalid, "%s, sheet %s: columns %s and %s are both named %q; rename one so every header is unique.",
				t.File, t.Sheet, ColumnLetter(j), letter, h)
		}
		seen[key] = i
		c := column{index: i, header: h}
		if x, ok := sp.ColumnFor(h); ok {
			c.kind, c.field, c.property, c.parentType, c.dateOrder = x.Kind, x.Field, x.Property, x.ParentType, x.DateOrder
		} else if h == sp.SearchColumn {
			c.kind, c.field = spec.MapField, sp.SearchField
			// A search column named after a field of the type (seed 003's
			// tag_id) keeps that field's rules and is also the external id.
			if f, ok := byNorm[mapping.NormalizeHeader(h)]; ok && sp.SearchField == "external_id" && !casetype.IsSpecial(f) {
				c.field = f
			}
		} else if h == sp.NameColumn {
			c.kind, c.field = spec.MapField, "name"
		} else if pt, ok := mapping.ParentRef(h); ok {
			c.kind, c.parentType = spec.MapParentRef, pt
		} else if casetype.IsReserved(strings.ToLower(h)) {
			c.kind = spec.MapIgnore
			notes = append(notes, reservedNotice(h))
		} else if f, ok := byNorm[mapping.NormalizeHeader(h)]; ok {
			c.kind, c.field = spec.MapField, f
		} else {
			c.kind, c.property = spec.MapProperty, mapping.PropertyName(h)
			if c.property == "" {
				c.kind = spec.MapIgnore
				notes = append(notes, model.Issue{Severity: model.SeverityWarning, Code: model.CodeInvalidValue, Column: h,
					Message: fmt.Sprintf("Column %q cannot be a property name; map it to a field to import it.", h)})
			}
		}
		if h == sp.SearchColumn {
			c.search = true
			searchFound = true
		}
		switch c.kind {
		case spec.MapField:
			if casetype.IsReserved(c.field) {
				notes = append(notes, reservedNotice(h))
				c.kind = spec.MapIgnore
			} else if !casetype.IsSpecial(c.field) {
				if _, ok := ct.Field(c.field); !ok && len(ct.Fields) > 0 {
					return nil, nil, model.Errorf(model.EInvalid, "Column %q is mapped to %q, which is not a field of case type %s.", h, c.field, ct.Name)
				}
			}
		case spec.MapProperty:
			if casetype.IsReserved(c.property) || casetype.IsSpecial(c.property) {
				notes = append(notes, reservedNotice(h))
				c.kind = spec.MapIgnore
			}
		}
		if c.kind == spec.MapField {
			c.def, c.hasDef = ct.Field(c.field)
		} else if c.kind == spec.MapProperty {
			// A property named like a field of the type gets that field's rules.
			c.def, c.hasDef = ct.Field(c.property)
		}
		cols = append(cols, c)
	}
	if !searchFound && !(sp.SearchField == "case_id" && sp.SearchColumn == "case_id") {
		return nil, nil, model.Errorf(model.EInvalid, "%s, sheet %s: the search column %q is not in the header (columns: %s).",
			t.File, t.Sheet, sp.SearchColumn, strings.Join(trimAll(t.Header), ", "))
	}
	return cols, notes, nil
}

func reservedNotice(h string) model.Issue {
	msg := fmt.Sprintf("Column %q is a reserved field and is not imported.", h)
	if strings.EqualFold(h, "closed") {
		msg += " To close cases, use a column named close with the value yes."
	}
	return model.Issue{Severity: model.SeverityWarning, Code: model.CodeReservedField, Column: h, Message: msg}
}

func columnHasData(t *Table, i int) bool {
	for _, r := range t.Rows {
		if strings.TrimSpace(r.Text(i)) != "" {
			return true
		}
	}
	return false
}

func trimAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ColumnLetter returns the spreadsheet letter of a 0-based column index.
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Mapping returns how Check maps a table's columns under sp: the explicit
// spec columns, the search and name columns, exact names, export parent
// columns, and properties. The page shows it as the starting point.
func Mapping(t Table, sp spec.Spec, reg casetype.Registry) ([]spec.Column, error) {
	sp, err := sp.Normalize()
	if err != nil {
		return nil, err
	}
	ct, _ := reg.Lookup(t.CaseType)
	cols, _, err := resolveColumns(&t, sp, ct)
	if err != nil {
		return nil, err
	}
	out := make([]spec.Column, 0, len(cols))
	for _, c := range cols {
		out = append(out, spec.Column{Column: c.header, Kind: c.kind, Field: c.field, Property: c.property, ParentType: c.parentType, DateOrder: c.dateOrder})
	}
	return out, nil
}
