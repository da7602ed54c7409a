package ui

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"casegate/shared/model"
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
	p := &plan{Rows: []rowResult{
		{Action: "create"},
		{Action: "error", Issues: []model.Issue{{Code: "invalid_date"}, {Code: "bad_address"}}},
		{Action: "error", Issues: []model.Issue{{Code: "bad_address"}}},
	}}
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
		plan: &plan{OnError: "skip", Summary: summary{Rows: 2, Create: 1, Error: 1}, Rows: []rowResult{
			{File: "m.csv", Sheet: "m", Row: 2, Action: "error", Issues: []model.Issue{{Severity: model.SeverityError, Code: model.CodeInvalidDate, Column: "dob", Message: `Column dob: "2001-13-01" is not a real date.`}}},
			{File: "m.csv", Sheet: "m", Row: 3, Action: "create"},
		}}}
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
