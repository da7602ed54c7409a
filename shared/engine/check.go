package engine

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
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
	res         *RowResult // the row's place in the plan
	searchKey   string
	change      Change
	ownerName   string
	existing    *model.Case
	pw          *propWriter // while the row is read, where its properties go; after, only its shared arrays (single-threaded then)
	*parentReq              // what the row says of its parent: nil when nothing
	parentIndex int         // import row index of the parent, -1 if none
	hasParent   bool        // the row names a parent (parentReq is set)
	closeSet    bool
	ownerIDSet  bool
	dupKey      bool // repeats the external id another row creates
}

// parentReq is what a row's cells say of its parent: apart, as most rows
// of most files (households, clients) say nothing of one.
type parentReq struct {
	parentKey  string
	parentType string
	parentCol  string
	more       *parentMore // set only when the row says them (rare): 64 bytes a request, not 88
	parentByID bool
}

// parentMore is the rest of what a row may say of its parent.
type parentMore struct{ relation, identifier string }

// relationID returns the parent relationship and identifier the row gives.
func (p *parentReq) relationID() (string, string) {
	if p.more == nil {
		return "", ""
	}
	return p.more.relation, p.more.identifier
}

// setMore returns the row's parentMore, made on first use.
func (p *parentReq) setMore() *parentMore {
	if p.more == nil {
		p.more = &parentMore{}
	}
	return p.more
}

// req returns the row's parent request, made on first use.
func (r *rowState) req() *parentReq {
	if r.parentReq == nil {
		r.parentReq = r.pw.newReq()
	}
	return r.parentReq
}

// setProp sets a property the row writes. slot is its place in the row's
// layout when the caller knows it, else -1.
func (r *rowState) setProp(slot int, name, v string) { r.pw.put(slot, name, v) }

func (r *rowState) add(sev model.Severity, code model.Code, col, val, msg string) *model.Issue {
	if r.res.Issues == nil && r.pw != nil {
		r.res.Issues = r.pw.firstIssue()
	}
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
	results []RowResult // every row's verdict, in table then row order
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
	s, err := read(in)
	if err != nil {
		return nil, err
	}
	return s.plan(in.Choices, false)
}

// Session is a check that can be re-run after cells are edited: what each
// row's own cells say is kept, so a re-check reads only the edited rows
// again, then redoes what compares rows (duplicates, matches, parents). The
// page's worker keeps one per import; the plan is the one Check gives.
type Session struct {
	in      Input
	sp      spec.Spec
	tables  []*tableRead
	results []RowResult
	stale   bool // the rows as read were used up by a plan made in place
}

// NewSession checks an import as Check does, as fast. What Recheck needs
// is made by Prime (the worker calls it once the plan is sent, while the
// person reads it) or by the first Recheck.
func NewSession(in Input) (*Session, *Plan, error) {
	s, err := read(in)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.plan(in.Choices, false) // in place: the rows as read are spent
	// Dropped, not kept until Prime reads them again: both at once were
	// ~70 MB more at 100k rows (what the plan needs of them, it holds).
	s.tables, s.results, s.stale = nil, nil, true
	return s, p, err
}

// Prime reads the rows again for Recheck, if the first plan spent them;
// it reports whether it did.
func (s *Session) Prime() (bool, error) {
	if !s.stale {
		return false, nil
	}
	ns, err := read(s.in)
	if err != nil {
		return false, err
	}
	s.tables, s.results, s.stale = ns.tables, ns.results, false
	return true, nil
}

// Recheck re-reads the rows whose cells changed in the session's tables
// (the caller edits them in place) and returns the plan with choices. A
// column whose date order the edit changes is read again whole.
func (s *Session) Recheck(edited []RowRef, choices []Choice) (*Plan, error) {
	if _, err := s.Prime(); err != nil {
		return nil, err
	}
	for _, tr := range s.tables {
		t := tr.t
		var rows []int
		for _, ref := range edited {
			if t.File != ref.File || t.Sheet != ref.Sheet {
				continue
			}
			ri := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Num >= ref.Row })
			if ri < len(t.Rows) && t.Rows[ri].Num == ref.Row {
				rows = append(rows, ri)
			}
		}
		if len(rows) == 0 {
			continue
		}
		if dates := tr.c.dateOrders(t, tr.cols, tr.ct); !sameDates(dates, tr.dates) {
			tr.dates = dates
			for i := range tr.cols { // what a value reads as depended on the old orders
				if tr.cols[i].memo != nil {
					tr.cols[i].memo, tr.cols[i].memoHits = map[string]typed{}, 0
				}
			}
			tr.readRows(tr.cols)
			continue
		}
		for _, ri := range rows {
			tr.rows(tr.cols, ri, ri+1)
		}
	}
	return s.plan(choices, true)
}

func sameDates(a, b map[int]dateColumn) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// read checks each row against its own table: the part of a check that
// looks at one row at a time.
func read(in Input) (*Session, error) {
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
	s := &Session{in: in, sp: sp}
	c := &checker{in: in, sp: sp} // what reading needs of a checker: input and spec
	total := 0
	for _, t := range in.Tables {
		total += len(t.Rows)
	}
	for ti := range in.Tables {
		tr, err := c.prepare(ti, nil)
		if err != nil {
			return nil, err
		}
		s.tables = append(s.tables, tr)
	}
	// The rows as read, in table then row order: made after the tables'
	// larger arrays, which then take the room the same arrays of the
	// previous read left (Prime), instead of growing the worker's memory.
	s.results = make([]RowResult, total)
	off := 0
	for ti, tr := range s.tables {
		tr.results = s.results[off : off+len(in.Tables[ti].Rows)]
		off += len(tr.results)
		tr.readRows(tr.cols)
		tr.fresh = false
	}
	return s, nil
}

// plan does what compares rows and returns the plan. With keep, the rows as
// read stay untouched (copied first) for the next Recheck.
func (s *Session) plan(choices []Choice, keep bool) (*Plan, error) {
	in := s.in
	in.Choices = choices
	c := &checker{in: in, sp: s.sp}
	total := 0
	for _, tr := range s.tables {
		total += len(tr.states)
		for _, n := range tr.notes {
			c.notices = append(c.notices, Notice{File: tr.t.File, Sheet: tr.t.Sheet, Issue: n})
		}
	}
	c.indexOwners()
	c.rows = make([]*rowState, 0, total)
	if keep {
		c.results = make([]RowResult, total)
		states := make([]rowState, total)
		off := 0
		for _, tr := range s.tables {
			for ri := range tr.states {
				st := &states[off+ri]
				*st = tr.states[ri]
				st.res = &c.results[off+ri]
				*st.res = tr.results[ri]
				st.res.Issues = st.res.Issues[:len(st.res.Issues):len(st.res.Issues)] // appends copy
			}
			c.crossRows(tr, states[off:off+len(tr.states)])
			off += len(tr.states)
		}
	} else {
		c.results = s.results
		for _, tr := range s.tables {
			c.crossRows(tr, tr.states)
		}
	}
	if err := c.matchExisting(); err != nil {
		return nil, err
	}
	if err := c.resolveParents(); err != nil {
		return nil, err
	}
	order := c.finish()
	p := &Plan{OnError: s.sp.OnError, Notices: c.notices, Order: order, Rows: c.results}
	p.summarize()
	if !in.Unhashed {
		p.seal()
	}
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

// prepare resolves one table's columns and what its rows share.
func (c *checker) prepare(ti int, results []RowResult) (*tableRead, error) {
	t := &c.in.Tables[ti]
	ct, _ := c.in.Registry.Lookup(t.CaseType)
	rc, err := rules.Compile(ct)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "Case type %s: %v", ct.Name, err)
	}
	cols, notes, err := resolveColumns(t, c.sp, ct)
	if err != nil {
		return nil, err
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
	slots := map[string]int{} // field or property name → its place in a row's values
	for i, col := range cols {
		name := col.field
		if col.kind == spec.MapProperty {
			name = col.property
		}
		if _, dup := slots[name]; !dup && name != "" {
			slots[name] = i
		}
	}
	// Every row's properties are laid out in the order of the table's
	// sorted property names, in one array: no map and no sort per row.
	var pnames []string
	pslot := map[string]int{}
	for i := range cols {
		cols[i].vslot, cols[i].pslot = -1, -1
		name := cols[i].name()
		if s, ok := slots[name]; ok {
			cols[i].vslot = s
		}
		if writesProperty(&cols[i]) {
			if _, ok := pslot[name]; !ok {
				pslot[name] = 0
				pnames = append(pnames, name)
			}
		}
	}
	sort.Strings(pnames)
	for i, n := range pnames {
		pslot[n] = i
	}
	for i := range cols {
		if writesProperty(&cols[i]) {
			cols[i].pslot = pslot[cols[i].name()]
		}
	}
	np := len(pnames)
	for i := range cols { // checked by the name of its field: a typed one, or name and external_id
		if cols[i].hasDef {
			cols[i].rule = rc.Rule(cols[i].def.Name)
		} else if n := cols[i].name(); n == "name" || n == "external_id" {
			cols[i].rule = rc.Rule(n)
		}
	}
	defs := defaultsOf(c.sp, ct)
	for i := range defs {
		if defs[i].col.hasDef {
			defs[i].col.rule = rc.Rule(defs[i].col.def.Name)
		}
	}
	lay := &propLayout{names: pnames, cells: make([]int, np)}
	for i := len(cols) - 1; i >= 0; i-- { // the first column of a name holds its value
		if writesProperty(&cols[i]) {
			lay.cells[cols[i].pslot] = cols[i].index
		}
	}
	// The fields checked across rows (required, unique): their values are
	// kept per row for the pass in row order below.
	var need []casetype.Field
	for _, f := range ct.Fields {
		if f.Required || f.Unique {
			need = append(need, f)
		}
	}
	n := len(t.Rows)
	return &tableRead{c: c, t: t, ct: ct, cols: cols, notes: notes, dates: dates, country: country, slots: slots, pslot: pslot,
		lay: lay, need: need, defs: defs, states: make([]rowState, n), results: results,
		needVals: make([]string, n*len(need)), blank: make([]bool, n), fresh: true}, nil
}

// readRows reads every row of the table. Rows are read independently, so
// a large table is split between the cores; each part has its own column
// memos (a pure cache). Everything that compares rows runs after, in row
// order (crossRows): the plan is the same whatever the split.
func (tr *tableRead) readRows(cols []column) {
	n := len(tr.t.Rows)
	parts := runtime.GOMAXPROCS(0)
	if parts > 4 {
		parts = 4
	}
	if n < 8192 || parts < 2 {
		tr.rows(cols, 0, n)
		return
	}
	var wg sync.WaitGroup
	for p := 0; p < parts; p++ {
		own := make([]column, len(cols))
		copy(own, cols)
		for i := range own {
			if own[i].memo != nil {
				own[i].memo, own[i].memoHits = map[string]typed{}, 0
			}
		}
		lo, hi := n*p/parts, n*(p+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr.rows(own, lo, hi)
		}()
	}
	wg.Wait()
}

// crossRows checks what needs the table's other rows (required after
// defaults, unique in the file), in row order, on states (the table's rows
// as read, or copies of them).
func (c *checker) crossRows(tr *tableRead, states []rowState) {
	need, cols := tr.need, tr.cols
	unique := map[string]map[string]int{} // field → value → first row
	for ri := range states {
		r := &states[ri]
		c.rows = append(c.rows, r)
		if tr.blank[ri] {
			continue
		}
		for k, f := range need {
			v := tr.needVals[ri*len(need)+k]
			if f.Required && strings.TrimSpace(v) == "" && !hasIssueFor(r, f.Name) {
				colName := headerFor(cols, f.Name)
				r.errorf(model.CodeRequired, colName, "", "%s is required%s.", labelOf(f), inColumn(colName))
			}
			if f.Unique && v != "" {
				if unique[f.Name] == nil {
					unique[f.Name] = map[string]int{}
				}
				if first, dup := unique[f.Name][v]; dup {
					r.errorf(model.CodeDuplicateInFile, headerFor(cols, f.Name), v, "%q is already in row %d; %s must be unique in the file.", v, first, labelOf(f))
				} else {
					unique[f.Name][v] = r.res.Row
				}
			}
		}
	}
}

// tableRead is one table being read: what its rows share, read-only, and
// the arrays each row writes its own part of.
type tableRead struct {
	c        *checker
	t        *Table
	ct       casetype.CaseType
	cols     []column
	notes    []model.Issue
	dates    map[int]dateColumn
	country  string
	slots    map[string]int
	pslot    map[string]int
	lay      *propLayout // the table's property names, sorted, and their columns
	need     []casetype.Field
	defs     []defaultVal
	states   []rowState
	results  []RowResult
	needVals []string
	blank    []bool
	fresh    bool // no row read yet: states are still zero
}

// rows reads rows lo to hi with cols (whose memos are this call's own).
func (tr *tableRead) rows(cols []column, lo, hi int) {
	c, t := tr.c, tr.t
	vals := &rowVals{slot: tr.slots, v: make([]string, len(cols))} // field or property → value, for defaults and required; reused
	pw := &propWriter{slot: tr.pslot, lay: tr.lay, set: make([]bool, len(tr.lay.names))}
	for ri := lo; ri < hi; ri++ {
		row := &t.Rows[ri]
		r := &tr.states[ri]
		if tr.fresh { // zero already: writing whole structs again cost ~15% of a check
			r.parentIndex = -1
		} else {
			*r = rowState{parentIndex: -1}
		}
		r.pw = pw
		r.res = &tr.results[ri]
		if tr.fresh {
			r.res.File, r.res.Sheet, r.res.Row, r.res.CaseType = t.File, t.Sheet, row.Num, tr.ct.Name
		} else {
			*r.res = RowResult{File: t.File, Sheet: t.Sheet, Row: row.Num, CaseType: tr.ct.Name}
		}
		pw.start(row)
		clear(vals.v)
		vals.extra = nil
		anyValue := false
		for ci := range cols {
			col := &cols[ci]
			var cell sheet.Cell
			if col.index < row.Len() {
				cell = row.Cell(col.index)
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
			if len(v) > c.in.MaxCellChars && utf8.RuneCountInString(v) > c.in.MaxCellChars {
				r.errorf(model.CodeTooLong, col.header, v, "Column %s: the cell holds %d characters; at most %d are allowed.", col.header, utf8.RuneCountInString(v), c.in.MaxCellChars)
				continue
			}
			if v != "" {
				anyValue = true
			}
			c.readValue(r, t, col, cell, v, vals, tr.dates, tr.country)
		}
		if !anyValue {
			r.res.Action = ActionSkip
			r.warnf(model.CodeBlankRow, "", "", "Every imported column of this row is blank; the row is skipped.")
			tr.blank[ri] = true
			continue
		}
		c.applyDefaults(r, tr.defs, vals, tr.country)
		r.change.Properties = pw.props()
		for k, f := range tr.need {
			tr.needVals[ri*len(tr.need)+k] = vals.get(f.Name)
		}
	}
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
func (c *checker) readValue(r *rowState, t *Table, col *column, cell sheet.Cell, v string, vals *rowVals, dates map[int]dateColumn, country string) {
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
		p := r.req()
		r.hasParent, p.parentByID, p.parentKey, p.parentType, p.parentCol = true, true, v, col.parentType, col.header
		return
	}
	// Typed values first: the case type's rules for this field.
	if v != "" && col.hasDef {
		var ok bool
		if v, ok = c.parseTyped(r, col, cell, v, dates, country); !ok {
			vals.setAt(col.vslot, name, v)
			return
		}
	} else if v != "" && (name == "name" || name == "external_id") {
		r.res.Issues = append(r.res.Issues, col.rule.Check(col.header, v)...)
	}
	vals.setAt(col.vslot, name, v)
	if col.kind == spec.MapProperty {
		r.setProp(col.pslot, name, v)
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
		r.change.Name = r.pw.keep(v)
	case "owner_id":
		if v != "" {
			r.change.OwnerID = v
			r.ownerIDSet = true
		}
	case "owner_name":
		r.ownerName = v
	case "parent_id":
		if v != "" {
			p := r.req()
			r.hasParent, p.parentByID, p.parentKey, p.parentCol = true, true, v, col.header
		}
	case "parent_external_id":
		if v != "" && !(r.hasParent && r.parentByID) {
			p := r.req()
			r.hasParent, p.parentByID, p.parentKey, p.parentCol = true, false, v, col.header
		}
	case "parent_type":
		if v != "" {
			r.req().parentType = v
		}
	case "parent_relationship_type":
		if v != "" {
			r.req().setMore().relation = strings.ToLower(v)
		}
	case "parent_identifier":
		if v != "" {
			r.req().setMore().identifier = v
		}
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
		r.setProp(col.pslot, name, v)
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
func (c *checker) parseTyped(r *rowState, col *column, cell sheet.Cell, v string, dates map[int]dateColumn, country string) (string, bool) {
	once := func() (string, bool) {
		out, ok := c.parseTypedOnce(r, col, cell, v, dates, country)
		if ok {
			r.res.Issues = append(r.res.Issues, col.rule.Check(col.header, out)...)
		}
		return out, ok
	}
	if col.memo == nil || cell.Kind == sheet.KindNumber || cell.Kind == sheet.KindDate {
		return once()
	}
	if t, ok := col.memo[v]; ok {
		col.memoHits++
		r.res.Issues = append(r.res.Issues, t.issues...)
		return t.v, t.ok
	}
	before := len(r.res.Issues)
	out, ok := once()
	// A column of distinct values (ids, phones) gains nothing from the
	// memo: after 2,048 values with few repeats it is dropped.
	if n := len(col.memo); n >= 2048 && col.memoHits < n/2 || n >= 50000 {
		col.memo = nil
		return out, ok
	}
	col.memo[v] = typed{v: out, ok: ok, issues: append([]model.Issue(nil), r.res.Issues[before:]...)}
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

// defaultVal is a default value (the spec's, then the case type's, each in
// name order) and the column it is read as: made once per table.
type defaultVal struct {
	col column
	v   string
}

func defaultsOf(sp spec.Spec, ct casetype.CaseType) []defaultVal {
	var out []defaultVal
	for _, defs := range []map[string]string{sp.Defaults, ct.Defaults} {
		keys := make([]string, 0, len(defs))
		for k := range defs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			col := column{header: k, kind: spec.MapProperty, property: k, vslot: -1, pslot: -1}
			if casetype.IsSpecial(k) {
				col = column{header: k, kind: spec.MapField, field: k, vslot: -1, pslot: -1}
			}
			col.def, col.hasDef = ct.Field(k)
			out = append(out, defaultVal{col: col, v: defs[k]})
		}
	}
	return out
}

// applyDefaults fills the row's blank fields that have a default. The
// columns are shared by the goroutines reading rows: read only (no memo).
func (c *checker) applyDefaults(r *rowState, defs []defaultVal, vals *rowVals, country string) {
	for i := range defs {
		d := &defs[i]
		k := d.col.header
		if strings.TrimSpace(vals.get(k)) != "" {
			continue
		}
		v := d.v
		vals.set(k, v)
		if d.col.hasDef {
			var ok bool
			if v, ok = c.parseTyped(r, &d.col, sheet.Cell{Value: v, Kind: sheet.KindText}, v, nil, country); !ok {
				continue
			}
		}
		if d.col.kind == spec.MapProperty {
			r.setProp(-1, k, v)
		} else {
			c.setSpecial(r, nil, &d.col, k, v, sheet.Cell{Value: v}, nil)
		}
	}
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

// setAt sets name, whose place is i when known (else -1).
func (r *rowVals) setAt(i int, name, v string) {
	if i >= 0 {
		r.v[i] = v
		return
	}
	r.set(name, v)
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

// name is the field or property a column's values go to.
func (col *column) name() string {
	if col.kind == spec.MapProperty {
		return col.property
	}
	return col.field
}

// writesProperty reports whether a column's values land in the row's
// properties.
func writesProperty(col *column) bool {
	switch col.kind {
	case spec.MapProperty:
		return col.property != ""
	case spec.MapField:
		return col.field != "" && !casetype.IsSpecial(col.field) // setSpecial handles those
	}
	return false
}
