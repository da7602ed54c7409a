package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"casegate/shared/model"
	"casegate/shared/tablewire"
)

func TestWindow(t *testing.T) {
	cases := []struct{ scroll, n, first, last int }{
		{0, 0, 0, 0},
		{0, 10, 0, 10},
		{0, 100000, 0, 26},
		{28 * 1000, 100000, 992, 1026},
		{28 * 99990, 100000, 99982, 100000},
	}
	for _, c := range cases {
		f, l := window(c.scroll, gridViewport, c.n)
		if f != c.first || l != c.last {
			t.Errorf("window(%d, %d) = %d..%d, want %d..%d", c.scroll, c.n, f, l, c.first, c.last)
		}
	}
}

func TestCommitLabel(t *testing.T) {
	cases := []struct {
		s        summary
		onError  string
		label    string
		disabled bool
	}{
		{summary{Create: 4800, Update: 12, Error: 10, Skip: 2}, "skip", "Commit 4,812 cases; 12 rows will be skipped", false},
		{summary{Create: 1}, "skip", "Commit 1 case", false},
		{summary{Create: 3, NewParents: 1, Error: 1}, "skip", "Commit 3 cases and 1 new parent; 1 row will be skipped", false},
		{summary{Create: 5, Error: 1}, "halt", "Fix 1 row with errors first (on error: halt)", true},
		{summary{Unchanged: 3}, "skip", "Nothing to commit", true},
	}
	for _, c := range cases {
		l, d := commitLabel(c.s, c.onError)
		if l != c.label || d != c.disabled {
			t.Errorf("commitLabel(%+v, %s) = %q %v, want %q %v", c.s, c.onError, l, d, c.label, c.disabled)
		}
	}
}

func TestFilterRows(t *testing.T) {
	p := &plan{Rows: verdictsOf([]rowResult{
		{Action: "create"},
		{Action: "error", Issues: []model.Issue{{Code: "invalid_date"}, {Code: "bad_address"}}},
		{Action: "error", Issues: []model.Issue{{Code: "bad_address"}}},
	})}
	for f, want := range map[string]int{"": 3, "error": 2, "create": 1, "code:bad_address": 2, "code:invalid_date": 1, "code:none": 0} {
		if got := len(filterRows(p, f)); got != want {
			t.Errorf("filter %q: %d rows, want %d", f, got, want)
		}
	}
	if c := codeCounts(p); c[0].Code != "bad_address" || c[0].N != 2 {
		t.Errorf("code counts %+v", c)
	}
}

// TestImportPage_Review renders the review with a plan and checks the
// problem cell carries its reason and the commit button its label.
func TestImportPage_Review(t *testing.T) {
	e := app.NewTestEngine()
	p := &importPage{onError: "skip", tables: []table{{File: "m.csv", Sheet: "m", Header: []string{"external_id", "dob"},
		Rows: []row{{Num: 2, Cells: []string{"M-1", "2001-13-01"}}, {Num: 3, Cells: []string{"M-2", "2001-12-01"}}}}},
		plan: &plan{OnError: "skip", Summary: summary{Rows: 2, Create: 1, Error: 1}, Rows: verdictsOf([]rowResult{
			{File: "m.csv", Sheet: "m", Row: 2, Action: "error", Issues: []model.Issue{{Severity: model.SeverityError, Code: model.CodeInvalidDate, Column: "dob", Message: `Column dob: "2001-13-01" is not a real date.`}}},
			{File: "m.csv", Sheet: "m", Row: 3, Action: "create"},
		})}}
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	label, disabled := commitLabel(p.plan.Summary, p.plan.OnError)
	if label != "Commit 1 case; 1 row will be skipped" || disabled {
		t.Fatalf("label %q disabled %v", label, disabled)
	}
	rows := p.renderRows([]int{0, 1})
	if len(rows) != 3 { // a header row, then the two rows
		t.Fatalf("%d rows rendered", len(rows))
	}
	html := app.HTMLString(p.renderRow(0))
	for _, want := range []string{`class="bad"`, `data-col="dob"`, `is not a real date.`, `>2001-13-01<`} {
		if !strings.Contains(html, want) {
			t.Errorf("the bad cell lacks %s:\n%s", want, html)
		}
	}
	if html := app.HTMLString(p.renderRow(1)); strings.Contains(html, `class="bad"`) {
		t.Errorf("a clean row is marked bad:\n%s", html)
	}
}

func TestDifferingProps(t *testing.T) {
	cands := []model.Candidate{
		{CaseID: "c1", Name: "Atieno", ExternalID: "HH-7", OwnerID: "u1", Properties: map[string]string{"village": "Kisumu", "size": "4"}},
		{CaseID: "c2", Name: "Atieno", ExternalID: "HH-7", OwnerID: "u2", Properties: map[string]string{"village": "Nakuru", "size": "4", "phone": "1"}},
	}
	got := differingProps(cands)
	if strings.Join(got, ",") != "phone,village" {
		t.Fatalf("differing %v", got)
	}
	if s := candidateText(cands[1], got); s != "Atieno (HH-7), owner u2, phone: 1, village: Nakuru · c2" {
		t.Errorf("candidate text %q", s)
	}
	if s := candidateText(cands[0], got); !strings.Contains(s, "phone: —") {
		t.Errorf("a missing property is not shown as missing: %q", s)
	}
	if s := candidateText(model.Candidate{Name: "B", File: "h.csv", Row: 4}, nil); s != "B (h.csv row 4 of this import)" {
		t.Errorf("row candidate %q", s)
	}
	if differingProps(nil) != nil {
		t.Error("no candidates, no properties")
	}
}

func ambiguousPage() *importPage {
	is := model.Issue{Severity: model.SeverityError, Code: model.CodeParentAmbiguous, Column: "parent_external_id", Value: "HH-7",
		Message: "2 cases have external id HH-7.", Candidates: []model.Candidate{
			{CaseID: "c1", CaseType: "household", Name: "A", Properties: map[string]string{"village": "Kisumu"}},
			{CaseID: "c2", CaseType: "household", Name: "A", Properties: map[string]string{"village": "Nakuru"}},
		}}
	return &importPage{onError: "halt",
		tables: []table{{File: "m.csv", Sheet: "m", Header: []string{"external_id", "parent_external_id"},
			Rows: []row{{Num: 2, Cells: []string{"M-1", "HH-7"}}}}},
		plan: &plan{OnError: "halt", Summary: summary{Rows: 1, Error: 1}, Rows: verdictsOf([]rowResult{
			{File: "m.csv", Sheet: "m", Row: 2, Action: "error", Issues: []model.Issue{is}},
		})}}
}

// TestParentPicker: an ambiguous parent lists its candidates with what
// tells them apart, and both ways to apply the choice.
func TestParentPicker(t *testing.T) {
	p := ambiguousPage()
	html := app.HTMLString(p.renderPicker())
	for _, want := range []string{`id="parent-picker"`, "m.csv row 2: 2 cases have external id HH-7.", "village: Kisumu", "village: Nakuru",
		"Use for every row with HH-7"} {
		if !strings.Contains(html, want) {
			t.Errorf("picker lacks %q:\n%s", want, html)
		}
	}
	if n := strings.Count(html, `class="pick-all"`); n != 2 {
		t.Errorf("%d apply-to-all buttons, want 2", n)
	}
	if n := strings.Count(html, `class="pick"`); n != 2 {
		t.Errorf("%d apply-to-row buttons, want 2", n)
	}
	pl := *p.plan // a new check: a new plan
	pl.Rows = verdictsOf([]rowResult{{File: "m.csv", Sheet: "m", Row: 2, Action: "error"}})
	p.plan = &pl
	if html := app.HTMLString(p.renderPicker()); strings.Contains(html, "parent-picker") {
		t.Errorf("a picker without ambiguous parents: %s", html)
	}
}

// TestReview_CommitDisabled: on_error halt with an error left disables the
// commit button and says why; the bad cell names its reason.
func TestReview_CommitDisabled(t *testing.T) {
	e := app.NewTestEngine()
	p := ambiguousPage()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html := app.HTMLString(p.renderReview())
	i := strings.Index(html, `id="commit-btn"`)
	if i < 0 {
		t.Fatalf("no commit button:\n%s", html)
	}
	btn := html[strings.LastIndex(html[:i], "<"):]
	btn = btn[:strings.Index(btn, "</button>")]
	if !strings.Contains(btn, "disabled") || !strings.Contains(btn, "Fix 1 row with errors first (on error: halt)") {
		t.Errorf("commit button: %s", btn)
	}
	for _, want := range []string{`id="summary"`, `id="grid"`, `data-col="parent_external_id"`, `class="bad"`, `data-filter="code:parent_ambiguous"`} {
		if !strings.Contains(html, want) {
			t.Errorf("review lacks %s", want)
		}
	}
	p.onError, p.plan.OnError = "skip", "skip"
	p.plan.Summary = summary{Rows: 2, Create: 1, Error: 1}
	html = app.HTMLString(p.renderReview())
	if !strings.Contains(html, "Commit 1 case; 1 row will be skipped") {
		t.Errorf("skip label missing")
	}
	p.waiting = 1
	if html := app.HTMLString(p.renderReview()); !strings.Contains(html, `id="waiting"`) || !strings.Contains(html, `id="cancel-commit"`) {
		t.Errorf("waiting for the network is not shown")
	}
}

// TestGridRendersOnlyVisibleRows: 100,000 rows render a window of a few
// dozen, with spacers for the rest.
func TestGridRendersOnlyVisibleRows(t *testing.T) {
	const n = 100000
	tb := table{File: "big.csv", Sheet: "big", Header: []string{"name"}}
	pl := &plan{OnError: "skip", Summary: summary{Rows: n, Create: n}}
	var rows []rowResult
	for i := 0; i < n; i++ {
		tb.Rows = append(tb.Rows, row{Num: i + 2, Cells: []string{"x"}})
		rows = append(rows, rowResult{File: "big.csv", Sheet: "big", Row: i + 2, Action: "create"})
	}
	pl.Rows = verdictsOf(rows)
	p := &importPage{tables: []table{tb}, plan: pl, scroll: 50000 * rowHeight}
	html := app.HTMLString(p.renderReview())
	if got := strings.Count(html, `class="action create"`); got > 60 || got < 10 {
		t.Errorf("%d rows rendered of %d", got, n)
	}
	if !strings.Contains(html, `data-row="50002"`) || strings.Contains(html, `data-row="2"`) {
		t.Errorf("the window is not around row 50,002")
	}
}

func TestIndexNote(t *testing.T) {
	if s := indexNote("12345|2026-11-25T06:00:00Z"); s != "Parents are matched against 12,345 existing cases (as of 2026-11-25T06:00:00Z)." {
		t.Errorf("%q", s)
	}
	if s := indexNote(""); !strings.Contains(s, "No existing cases are known") {
		t.Errorf("%q", s)
	}
}

// TestSavedWork: what is kept for a reload gives back the same settings,
// column choices, defaults and parent choices.
func TestSavedWork(t *testing.T) {
	a := &importPage{me: me{Domain: "demo"}, caseType: "member", searchField: "case_id", onError: "halt", createNew: false,
		sheetName: "Sheet2", headerRow: 3, encoding: "windows-1252", delimiter: ";", files: "m.csv", specID: "s1",
		columns:  map[string]specColumn{"dob": {Column: "dob", Kind: "field", Field: "dob", DateOrder: "dmy"}},
		defaults: map[string]string{"sex": "female"},
		choices:  []choice{{Key: "HH-7", ParentType: "household", CaseID: "c2"}}}
	b, err := json.Marshal(a.work())
	if err != nil {
		t.Fatal(err)
	}
	var w savedWork
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	z := &importPage{me: me{Domain: "demo"}}
	z.useWork(w)
	za, _ := json.Marshal(z.work())
	if string(za) != string(b) {
		t.Errorf("restored work differs:\n%s\n%s", za, b)
	}
	if z.workKey() != "casegate.work.demo" {
		t.Errorf("key %q", z.workKey())
	}
}

// TestGridHTML: the grid drawn as one piece of HTML escapes what the file
// holds, marks bad cells with their reason, and carries what the grid's
// handlers need (cell ids, the fix's row, column and value); editing a cell
// draws it as components again, with its input.
func TestGridHTML(t *testing.T) {
	tb := table{File: "h.csv", Sheet: "h", Header: []string{"name", "address"}, Rows: []row{
		{Num: 2, Cells: []string{`<script>alert("x")</script>`, "1 Main St, Denver, CO, 90210, US"}},
	}}
	pl := &plan{OnError: "skip", Summary: summary{Rows: 1, Error: 1}, Rows: verdictsOf([]rowResult{{File: "h.csv", Sheet: "h", Row: 2, Action: "error",
		Issues: []model.Issue{{Severity: model.SeverityError, Code: model.CodeBadAddress, Column: "address", Message: `ZIP 90210 is in "CA"`, Suggestion: "1 Main St, Denver, CA, 90210, US"}}}})}
	p := &importPage{tables: []table{tb}, plan: pl}
	h := p.gridHTML([]int{0})
	for _, want := range []string{
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`,
		`id="cell-0-1" class="bad" data-col="address" tabindex="0" title="ZIP 90210 is in &#34;CA&#34;"`,
		`<button id="fix-0-0" class="fix" data-plan="0" data-column="address" data-value="1 Main St, Denver, CA, 90210, US"`,
		`<tr style="height:28px" data-row="2">`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("grid HTML lacks %s:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<script>") {
		t.Error("a cell's text became markup")
	}
	p.editing = &cellRef{plan: 0, col: 0}
	if s := app.HTMLString(p.renderGrid([]int{0})); !strings.Contains(s, `id="edit-cell-0-0"`) {
		t.Errorf("editing: no input in %s", s)
	}
}

func TestJoinInts(t *testing.T) {
	for _, c := range []struct {
		ns   []int
		want string
	}{{[]int{3}, "3"}, {[]int{3, 7, 9}, "3, 7, 9"}, {[]int{1, 2, 3, 4}, "1, 2 and 2 more"}} {
		if got := joinInts(c.ns, 2+len(c.ns)%2*8); got != c.want {
			t.Errorf("joinInts(%v) = %q, want %q", c.ns, got, c.want)
		}
	}
}

// TestStripsOf: each table's columns get ten ticks for where their errors
// are, top to bottom; warnings and row-level issues make none.
func TestStripsOf(t *testing.T) {
	bad := func(col string) []model.Issue {
		return []model.Issue{{Severity: model.SeverityError, Code: "invalid_date", Column: col}}
	}
	var rows []rowResult
	for i := 0; i < 20; i++ {
		r := rowResult{File: "a.csv", Sheet: "a", Row: i + 2}
		switch i {
		case 0:
			r.Issues = bad("dob")
		case 19:
			r.Issues = append(bad("dob"), model.Issue{Severity: model.SeverityWarning, Code: "w", Column: "name"}, model.Issue{Severity: model.SeverityError, Code: "x"})
		case 10:
			r.Issues = bad("village")
		}
		rows = append(rows, r)
	}
	rows = append(rows, rowResult{File: "b.csv", Sheet: "b", Row: 2, Issues: bad("dob")})
	s := stripsOf(&plan{Rows: verdictsOf(rows)})
	want := map[string]map[string][10]bool{
		"a.csv\x00a": {"dob": {0: true, 9: true}, "village": {5: true}},
		"b.csv\x00b": {"dob": {0: true}},
	}
	if fmt.Sprint(s) != fmt.Sprint(want) {
		t.Errorf("strips\n%v\nwant\n%v", s, want)
	}
}

func TestHTMLEscape(t *testing.T) {
	for in, want := range map[string]string{"plain": "plain", `<a href="x">Tom & Jerry's</a>`: "&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;", "": ""} {
		if got := htmlEscape(in); got != want {
			t.Errorf("htmlEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParentPickerMany: with many parent keys the picker starts closed,
// with how many in its summary, and builds its entries once opened.
func TestParentPickerMany(t *testing.T) {
	p := ambiguousPage()
	base := p.plan.Rows.At(0)
	var rows []rowResult
	for i := 0; i < 7; i++ {
		r := base
		r.Row = i + 2
		is := r.Issues[0]
		is.Value = fmt.Sprintf("HH-%d", i)
		r.Issues = []model.Issue{is}
		rows = append(rows, r)
	}
	p.plan = &plan{OnError: "halt", Rows: verdictsOf(rows)}
	html := app.HTMLString(p.renderPicker())
	if !strings.Contains(html, "<details") || !strings.Contains(html, "7 parent keys") || strings.Contains(html, `class="pick-all"`) {
		t.Errorf("closed picker:\n%s", html)
	}
	p.pickerOpen = true
	if n := strings.Count(app.HTMLString(p.renderPicker()), `class="pick-all"`); n != 14 {
		t.Errorf("open picker: %d apply-to-all buttons, want 14 (7 keys × 2 candidates)", n)
	}
}

// verdictsOf holds rows as the page holds the worker's answer.
func verdictsOf(rows []rowResult) *verdicts {
	r, err := tablewire.NewVerdictReader(tablewire.EncodeVerdicts(rows))
	if err == nil {
		_, err = r.Read(r.Len())
	}
	if err != nil {
		panic(err)
	}
	return r.Verdicts()
}
