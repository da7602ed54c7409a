package ui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"casegate/shared/model"
)

// rowHeight is the grid's fixed row height in pixels: fixed heights let the
// grid render only the rows in view (100,000 rows scroll smoothly).
const rowHeight = 28

// window returns the rows [first, last) to render for a scroll position,
// with a few rows of overscan on each side.
func window(scrollTop, viewport, n int) (first, last int) {
	const overscan = 8
	if n <= 0 {
		return 0, 0
	}
	first = scrollTop/rowHeight - overscan
	if first < 0 {
		first = 0
	}
	last = (scrollTop+viewport)/rowHeight + 1 + overscan
	if last > n {
		last = n
	}
	if first > last {
		first = last
	}
	return first, last
}

// thousands writes 4812 as 4,812.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && r != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// commitLabel is the commit button's text, and whether it is disabled.
func commitLabel(s summary, onError string) (string, bool) {
	n := s.Create + s.Update
	if onError == "halt" && s.Error > 0 {
		return fmt.Sprintf("Fix %s first (on error: halt)", plural(s.Error, "row with errors", "rows with errors")), true
	}
	if n == 0 {
		return "Nothing to commit", true
	}
	label := "Commit " + plural(n, "case", "cases")
	if s.NewParents > 0 {
		label += " and " + plural(s.NewParents, "new parent", "new parents")
	}
	if skipped := s.Error + s.Skip; skipped > 0 {
		label += "; " + plural(skipped, "row will be skipped", "rows will be skipped")
	}
	return label, false
}

// filter selects rows: "" all, an action ("error", "create", …) or an
// issue code ("code:invalid_date").
func filterRows(p *plan, f string) []int {
	vs := p.Rows
	out := make([]int, 0, vs.Len())
	code, byCode := strings.CutPrefix(f, "code:")
	for i := range vs.Len() {
		switch {
		case f == "":
		case byCode:
			hit := false
			for k := range vs.NumIssues(i) {
				if string(vs.Issue(i, k).Code) == code {
					hit = true
				}
			}
			if !hit {
				continue
			}
		case vs.Action(i) != f:
			continue
		}
		out = append(out, i)
	}
	return out
}

// codeCount is how many rows have an issue code.
type codeCount struct {
	Code string
	N    int
}

// codeCounts counts rows per issue code, most frequent first.
func codeCounts(p *plan) []codeCount {
	// A few dozen codes at most: found by a scan, not a map (hashing
	// 100,000 codes cost the page's wasm more than counting them).
	var out []codeCount
	vs := p.Rows
	for ri := range vs.Len() {
	issues:
		for i := range vs.NumIssues(ri) {
			code := string(vs.Issue(ri, i).Code)
			for o := range i { // a row counts once per code
				if string(vs.Issue(ri, o).Code) == code {
					continue issues
				}
			}
			j := 0 // plain loops, not slices' generic helpers: app.wasm's budget
			for j < len(out) && out[j].Code != code {
				j++
			}
			if j == len(out) {
				out = append(out, codeCount{Code: code})
			}
			out[j].N++
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].N != out[b].N {
			return out[a].N > out[b].N
		}
		return out[a].Code < out[b].Code
	})
	return out
}

// cellIssues returns the issues of a row keyed by the column header they
// name ("" for row-level ones).
func cellIssues(r rowResult) map[string][]model.Issue {
	out := map[string][]model.Issue{}
	for _, is := range r.Issues {
		out[is.Column] = append(out[is.Column], is)
	}
	return out
}

// stripsOf is, for each table (file and sheet) and column, where its
// errors are: ten ticks, top to bottom of the file. One pass over the rows
// (a table's rows come together, so its key is built once per run of them),
// a column's ticks looked up once per run of issues in that column.
func stripsOf(pl *plan) map[string]map[string][10]bool {
	vs := pl.Rows
	count := map[string]int{} // rows per table, counted run by run (a table's rows come together)
	for i := 0; i < vs.Len(); {
		j, file, sheet := i+1, vs.File(i), vs.Sheet(i)
		for j < vs.Len() && vs.File(j) == file && vs.Sheet(j) == sheet {
			j++
		}
		count[file+"\x00"+sheet] += j - i
		i = j
	}
	out := map[string]map[string][10]bool{}
	pos := map[string]int{} // rows of the table seen so far
	var (
		file, sheet, key, col string
		cols                  map[string][10]bool
		ticks                 [10]bool // col's, written back when the column or table changes
		k, n                  int      // the row's place in its table, the table's rows
	)
	flush := func() {
		if col != "" {
			cols[col] = ticks
		}
		col = ""
	}
	for i := range vs.Len() {
		if cols == nil || vs.File(i) != file || vs.Sheet(i) != sheet {
			flush()
			if cols != nil {
				pos[key] = k
			}
			file, sheet = vs.File(i), vs.Sheet(i)
			key = file + "\x00" + sheet
			if cols = out[key]; cols == nil {
				cols = map[string][10]bool{}
				out[key] = cols
			}
			k, n = pos[key], count[key]
		}
		k++
		for x := range vs.NumIssues(i) {
			is := vs.Issue(i, x)
			if is.Severity != model.SeverityError || is.Column == "" {
				continue
			}
			if is.Column != col {
				flush()
				col, ticks = is.Column, cols[is.Column]
			}
			ticks[(k-1)*10/n] = true
		}
	}
	flush()
	return out
}

// tableIndex finds the table and row of a plan row (its file, sheet and
// row number).
func tableIndex(ts []table, file, sheet string, num int) (int, int) {
	for ti, t := range ts {
		if t.File != file || t.Sheet != sheet {
			continue
		}
		// Rows are in sheet order: bisect (a scan per visible row was a
		// scan of 100,000 rows per row drawn).
		ri := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Num >= num })
		if ri < len(t.Rows) && t.Rows[ri].Num == num {
			return ti, ri
		}
	}
	return -1, -1
}

// differingProps lists the properties whose values differ among parent
// candidates: what tells them apart in the picker.
func differingProps(cands []model.Candidate) []string {
	var real []model.Candidate // the offer of a new case has no properties
	for _, c := range cands {
		if !c.New {
			real = append(real, c)
		}
	}
	cands = real
	var keys []string
	seen := map[string]bool{}
	for _, c := range cands {
		for k := range c.Properties {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	var out []string
	for _, k := range keys {
		for _, c := range cands[1:] {
			if c.Properties[k] != cands[0].Properties[k] {
				out = append(out, k)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// candidateText describes a parent candidate in the picker: who it is and
// the properties that tell it from the others.
func candidateText(c model.Candidate, differ []string) string {
	if c.New {
		return fmt.Sprintf("A new %s case, %s, created by the commit", c.CaseType, c.ExternalID)
	}
	if c.Row > 0 {
		return fmt.Sprintf("%s (%s row %d of this import)", c.Name, c.File, c.Row)
	}
	var b strings.Builder
	b.WriteString(c.Name)
	if c.ExternalID != "" {
		b.WriteString(" (" + c.ExternalID + ")")
	}
	if c.OwnerID != "" {
		b.WriteString(", owner " + c.OwnerID)
	}
	if c.DateOpened != "" {
		b.WriteString(", opened " + c.DateOpened)
	}
	for _, k := range differ {
		v := c.Properties[k]
		if v == "" {
			v = "—"
		}
		b.WriteString(", " + k + ": " + v)
	}
	if c.CaseID != "" {
		b.WriteString(" · " + c.CaseID)
	}
	return b.String()
}

// joinInts lists numbers with commas, the first max of them and then how
// many more.
func joinInts(ns []int, max int) string {
	var b strings.Builder
	for i, n := range ns {
		if i == max {
			fmt.Fprintf(&b, " and %d more", len(ns)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, n)
	}
	return b.String()
}
