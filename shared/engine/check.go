package engine

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"casegate/shared/address"
	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/rules"
	"casegate/shared/sheet"
	"casegate/shared/spec"
	"casegate/shared/value"
)

// DefaultMaxCellChars is Excel's limit for one cell.
const DefaultMaxCellChars = 32767

// rowState is a row while it is being checked.
type rowState struct {
	res       RowResult
	table     int
	searchKey string
	// parent request
	parentKey   string
	parentByID  bool
	parentType  string
	relation    string
	identifier  string
	parentCol   string
	hasParent   bool
	change      Change
	closeSet    bool
	ownerName   string
	ownerIDSet  bool
	existing    *model.Case
	dupKey      bool // repeats the external id another row creates
	parentIndex int  // import row index of the parent, -1 if none
}

func (r *rowState) add(sev model.Severity, code model.Code, col, val, msg string) *model.Issue {
	r.res.Issues = append(r.res.Issues, model.Issue{Severity: sev, Code: code, Column: col, Value: rules.Clip(val), Message: msg})
	return &r.res.Issues[len(r.res.Issues)-1]
}

func (r *rowState) errorf(code model.Code, col, val, format string, a ...any) *model.Issue {
	return r.add(model.SeverityError, code, col, val, fmt.Sprintf(format, a...))
}

func (r *rowState) warnf(code model.Code, col, val, format string, a ...any) *model.Issue {
	return r.add(model.SeverityWarning, code, col, val, fmt.Sprintf(format, a...))
}

type checker struct {
	in      Input
	sp      spec.Spec
	rows    []*rowState
	notices []Notice
	owners  map[string][]model.Owner // by lower-case name/email
	ownerID map[string]bool
	byID    map[string]model.Case
	byExt   map[string][]model.Case
}

// Check checks an import and returns its plan. It returns an error only when
// the input cannot be used at all (a bad spec, a missing search column,
// duplicate headers, a failed lookup); problems in rows are in the plan.
func Check(in Input) (*Plan, error) {
	sp, err := in.Spec.Normalize()
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "%s", err.Error())
	}
	if in.Registry == nil {
		in.Registry = casetype.NewRegistry()
	}
	if in.MaxCellChars <= 0 {
		in.MaxCellChars = DefaultMaxCellChars
	}
	c := &checker{in: in, sp: sp}
	c.indexOwners()
	for ti := range in.Tables {
		if err := c.readTable(ti); err != nil {
			return nil, err
		}
	}
	if err := c.matchExisting(); err != nil {
		return nil, err
	}
	if err := c.resolveParents(); err != nil {
		return nil, err
	}
	order := c.finish()
	p := &Plan{OnError: sp.OnError, Notices: c.notices, Order: order, Rows: make([]RowResult, len(c.rows))}
	for i, r := range c.rows {
		p.Rows[i] = r.res
	}
	p.summarize()
	p.seal()
	return p, nil
}

func (c *checker) indexOwners() {
	if c.in.Owners == nil {
		return
	}
	c.owners = map[string][]model.Owner{}
	c.ownerID = map[string]bool{}
	for _, o := range c.in.Owners {
		c.ownerID[o.ID] = true
		k := strings.ToLower(strings.TrimSpace(o.Name))
		c.owners[k] = append(c.owners[k], o)
		if at := strings.IndexByte(k, '@'); at > 0 && o.Kind == "user" {
			c.owners[k[:at]] = append(c.owners[k[:at]], o)
		}
	}
}

// readTable parses and validates every row of one table, without looking at
// other rows or existing cases.
func (c *checker) readTable(ti int) error {
	t := &c.in.Tables[ti]
	ct, _ := c.in.Registry.Lookup(t.CaseType)
	rc, err := rules.Compile(ct)
	if err != nil {
		return model.Errorf(model.EInvalid, "Case type %s: %v", ct.Name, err)
	}
	cols, notes, err := resolveColumns(t, c.sp, ct)
	if err != nil {
		return err
	}
	for _, n := range notes {
		c.notices = append(c.notices, Notice{File: t.File, Sheet: t.Sheet, Issue: n})
	}
	dates := c.dateOrders(t, cols, ct)
	for i := range cols {
		if cols[i].hasDef && !cols[i].def.Unique {
			cols[i].memo = map[string]typed{}
		}
	}
	country := c.sp.DefaultCountry
	if country == "" {
		country = ct.DefaultCountry
	}
	unique := map[string]map[string]int{} // field → value → first row
	slots := map[string]int{}             // field or property name → its place in a row's values
	for i, col := range cols {
		name := col.field
		if col.kind == spec.MapProperty {
			name = col.property
		}
		if _, dup := slots[name]; !dup && name != "" {
			slots[name] = i
		}
	}
	for _, row := range t.Rows {
		r := &rowState{table: ti, parentIndex: -1}
		r.res = RowResult{File: t.File, Sheet: t.Sheet, Row: row.Num, CaseType: ct.Name}
		r.change.Properties = make(map[string]string, len(cols))
		vals := &rowVals{slot: slots, v: make([]string, len(cols))} // field or property → value, for defaults and required
		anyValue := false
		for ci := range cols {
			col := &cols[ci]
			var cell sheet.Cell
			if col.index < len(row.Cells) {
				cell = row.Cells[col.index]
			}
			if col.kind == spec.MapIgnore {
				continue
			}
			if cell.Kind == sheet.KindError {
				r.errorf(model.CodeErrorCell, col.header, cell.Value, "Column %s holds the spreadsheet error %s; fix the formula or type the value.", col.header, cell.Value)
				continue
			}
			v := value.Clean(cell.Value)
			if v == "---" { // a case export's "never set"
				v = ""
			}
			if utf8.RuneCountInString(v) > c.in.MaxCellChars {
				r.errorf(model.CodeTooLong, col.header, v, "Column %s: the cell holds %d characters; at most %d are allowed.", col.header, utf8.RuneCountInString(v), c.in.MaxCellChars)
				continue
			}
			if v != "" {
				anyValue = true
			}
			c.readValue(r, t, col, cell, v, vals, rc, dates, country)
		}
		if !anyValue {
			r.res.Action = ActionSkip
			r.warnf(model.CodeBlankRow, "", "", "Every imported column of this row is blank; the row is skipped.")
			c.rows = append(c.rows, r)
			continue
		}
		c.applyDefaults(r, ct, cols, vals, rc, country)
		for _, f := range ct.Fields {
			if !f.Required {
				continue
			}
			if strings.TrimSpace(vals.get(f.Name)) == "" && !hasIssueFor(r, f.Name) {
				colName := headerFor(cols, f.Name)
				r.errorf(model.CodeRequired, colName, "", "%s is required%s.", labelOf(f), inColumn(colName))
			}
			if f.Unique {
				if v := vals.get(f.Name); v != "" {
					if unique[f.Name] == nil {
						unique[f.Name] = map[string]int{}
					}
					if first, dup := unique[f.Name][v]; dup {
						r.errorf(model.CodeDuplicateInFile, headerFor(cols, f.Name), v, "%q is already in row %d; %s must be unique in the file.", v, first, labelOf(f))
					} else {
						unique[f.Name][v] = row.Num
					}
				}
			}
		}
		c.rows = append(c.rows, r)
	}
	return nil
}

func hasIssueFor(r *rowState, field string) bool {
	for _, is := range r.res.Issues {
		if is.Column == field {
			return true
		}
	}
	return false
}

func labelOf(f casetype.Field) string {
	if f.Label != "" {
		return f.Label
	}
	return f.Name
}

func inColumn(col string) string {
	if col == "" {
		return " (no column is mapped to it)"
	}
	return " (column " + col + ")"
}

func headerFor(cols []column, field string) string {
	for _, c := range cols {
		if (c.kind == spec.MapField && c.field == field) || (c.kind == spec.MapProperty && c.property == field) {
			return c.header
		}
	}
	return ""
}

// readValue puts one non-ignored cell where its column says.
func (c *checker) readValue(r *rowState, t *Table, col *column, cell sheet.Cell, v string, vals *rowVals, rc *rules.Checker, dates map[int]dateColumn, country string) {
	name := col.field
	if col.kind == spec.MapProperty {
		name = col.property
	}
	if col.kind == spec.MapParentRef {
		if v == "" {
			return
		}
		if strings.ContainsAny(v, " \t") {
			r.errorf(model.CodeInvalidValue, col.header, v, "Column %s names more than one parent; a case has one parent.", col.header)
			return
		}
		r.hasParent, r.parentByID, r.parentKey, r.parentType, r.parentCol = true, true, v, col.parentType, col.header
		return
	}
	// Typed values first: the case type's rules for this field.
	if v != "" && col.hasDef {
		var ok bool
		if v, ok = c.parseTyped(r, col, cell, v, dates, country, rc); !ok {
			vals.set(name, v)
			return
		}
	} else if v != "" && (name == "name" || name == "external_id") {
		r.res.Issues = append(r.res.Issues, rc.Check(name, col.header, v)...)
	}
	vals.set(name, v)
	if col.kind == spec.MapProperty {
		r.change.Properties[name] = v
		return
	}
	c.setSpecial(r, t, col, name, v, cell, dates)
}

// setSpecial handles CommCare's special fields; other fields are properties.
func (c *checker) setSpecial(r *rowState, t *Table, col *column, name, v string, cell sheet.Cell, dates map[int]dateColumn) {
	if col.search {
		r.searchKey = v
	}
	switch name {
	case "case_id":
		if !col.search && v != "" {
			r.searchKey = v
		}
	case "external_id":
		r.change.ExternalID = v
	case "name":
		s := v
		r.change.Name = &s
	case "owner_id":
		if v != "" {
			r.change.OwnerID = v
			r.ownerIDSet = true
		}
	case "owner_name":
		r.ownerName = v
	case "parent_id":
		if v != "" {
			r.hasParent, r.parentByID, r.parentKey, r.parentCol = true, true, v, col.header
		}
	case "parent_external_id":
		if v != "" && !(r.hasParent && r.parentByID) {
			r.hasParent, r.parentByID, r.parentKey, r.parentCol = true, false, v, col.header
		}
	case "parent_type":
		if v != "" {
			r.parentType = v
		}
	case "parent_relationship_type":
		r.relation = strings.ToLower(v)
	case "parent_identifier":
		r.identifier = v
	case "close":
		switch strings.ToLower(v) {
		case "yes", "true", "1", "y":
			r.closeSet = true
		case "", "no", "false", "0", "n":
		default:
			r.errorf(model.CodeInvalidValue, col.header, v, "Column %s: %q is not yes or no (yes closes the case).", col.header, v)
		}
	case "date_opened":
		if v != "" && !col.hasDef {
			d, ok := c.parseDate(r, col, cell, v, dates)
			if ok {
				r.change.DateOpened = d
			}
			return
		}
		r.change.DateOpened = v
	case "case_type":
		if t != nil && v != "" && v != t.CaseType {
			r.errorf(model.CodeInvalidValue, col.header, v, "Column %s says %q but this sheet imports case type %s.", col.header, v, t.CaseType)
		}
	default:
		r.change.Properties[name] = v
	}
}

// typed is a remembered parseTyped outcome: a column's values repeat
// (villages, dates, addresses), and the outcome depends only on the column
// and the value.
type typed struct {
	v      string
	ok     bool
	issues []model.Issue
}

// parseTyped reads a value of a typed field; it returns the stored form.
// It also runs the field's rules on the stored form.
func (c *checker) parseTyped(r *rowState, col *column, cell sheet.Cell, v string, dates map[int]dateColumn, country string, rc *rules.Checker) (string, bool) {
	once := func() (string, bool) {
		out, ok := c.parseTypedOnce(r, col, cell, v, dates, country)
		if ok {
			r.res.Issues = append(r.res.Issues, rc.Check(col.def.Name, col.header, out)...)
		}
		return out, ok
	}
	if col.memo == nil || cell.Kind == sheet.KindNumber || cell.Kind == sheet.KindDate {
		return once()
	}
	if t, ok := col.memo[v]; ok {
		r.res.Issues = append(r.res.Issues, t.issues...)
		return t.v, t.ok
	}
	before := len(r.res.Issues)
	out, ok := once()
	if len(col.memo) < 50000 {
		col.memo[v] = typed{v: out, ok: ok, issues: append([]model.Issue(nil), r.res.Issues[before:]...)}
	}
	return out, ok
}

func (c *checker) parseTypedOnce(r *rowState, col *column, cell sheet.Cell, v string, dates map[int]dateColumn, country string) (string, bool) {
	f := col.def
	switch f.Kind {
	case casetype.KindDate:
		return c.parseDate(r, col, cell, v, dates)
	case casetype.KindNumber:
		n, ok := value.ParseNumber(v)
		if !ok {
			r.errorf(model.CodeInvalidValue, col.header, v, "Column %s: %q is not a number.", col.header, v)
			return v, false
		}
		return n, true
	case casetype.KindBool01:
		b, ok := value.ParseBool01(v)
		if !ok {
			r.errorf(model.CodeInvalidValue, col.header, v, "Column %s: %q must be 0 or 1.", col.header, v).Suggestion = f.Help
			return v, false
		}
		if b {
			return "1", true
		}
		return "0", true
	case casetype.KindAddress:
		a, problems := address.CheckCell(v, country)
		bad := false
		for _, p := range problems {
			sev := model.SeverityError
			if p.Warning {
				sev = model.SeverityWarning
			} else {
				bad = true
			}
			is := r.add(sev, model.CodeBadAddress, col.header, v, fmt.Sprintf("Column %s: %s", col.header, p.Message))
			is.Suggestion = p.Suggestion
		}
		if bad {
			return v, false
		}
		return a.String(), true
	}
	return v, true
}

func (c *checker) applyDefaults(r *rowState, ct casetype.CaseType, cols []column, vals *rowVals, rc *rules.Checker, country string) {
	apply := func(defs map[string]string) {
		keys := make([]string, 0, len(defs))
		for k := range defs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.TrimSpace(vals.get(k)) != "" {
				continue
			}
			v := defs[k]
			vals.set(k, v)
			col := column{header: k, kind: spec.MapProperty, property: k}
			if casetype.IsSpecial(k) {
				col = column{header: k, kind: spec.MapField, field: k}
			}
			col.def, col.hasDef = ct.Field(k)
			if col.hasDef {
				var ok bool
				if v, ok = c.parseTyped(r, &col, sheet.Cell{Value: v, Kind: sheet.KindText}, v, nil, country, rc); !ok {
					continue
				}
			}
			if col.kind == spec.MapProperty {
				r.change.Properties[k] = v
			} else {
				c.setSpecial(r, nil, &col, k, v, sheet.Cell{Value: v}, nil)
			}
		}
	}
	apply(c.sp.Defaults)
	apply(ct.Defaults)
}

// rowVals holds a row's values by field or property name: a slice with
// the table's name → place map, instead of a map per row.
type rowVals struct {
	slot  map[string]int
	v     []string
	extra map[string]string // names without a column (defaults)
}

func (r *rowVals) get(name string) string {
	if i, ok := r.slot[name]; ok {
		return r.v[i]
	}
	return r.extra[name]
}

func (r *rowVals) set(name, v string) {
	if i, ok := r.slot[name]; ok {
		r.v[i] = v
		return
	}
	if r.extra == nil {
		r.extra = map[string]string{}
	}
	r.extra[name] = v
}
