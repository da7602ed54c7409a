package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/spec"
)

// importPage is the whole import: files and settings, the check in the
// worker, the review grid with edits and parent choices, and the commit.
type importPage struct {
	app.Compo
	me        me
	caseTypes []casetype.CaseType
	index     json.RawMessage // the case index for offline matching
	indexNote string          // what the page matches parents against

	caseType, searchField, searchColumn, onError string
	createNew                                    bool
	sheetName, encoding, delimiter               string
	headerRow                                    int

	mappings    []tableMapping
	fileInfos   []fileInfo
	columns     map[string]specColumn // the person's column choices
	defaults    map[string]string
	mappingOpen bool
	specs       []savedSpec
	specID      string
	specName    string

	files    string
	progress string
	checking bool

	tables  []table
	plan    *plan
	filter  string
	scroll  int
	editing *cellRef

	choices []choice

	// page is the page's own context: worker answers are dispatched to it,
	// since the element that started a re-check (a cell editor, a picker
	// button) is gone by the time the answer comes.
	page app.Context

	commitKey string
	commit    *commitResponse
	busy      bool
	status    string
	err       string
}

type cellRef struct{ plan, col int }

const gridViewport = 480

func (p *importPage) OnNav(ctx app.Context) {
	p.page = ctx
	p.searchField, p.onError, p.createNew = "external_id", "skip", true
	whoAmI(ctx, func(ctx app.Context, m me) {
		p.me = m
		callAPI(ctx, "GET", "/a/"+m.Domain+"/api/case-types/", nil, nil, func(ctx app.Context, status int, body []byte) {
			var out struct {
				CaseTypes []casetype.CaseType `json:"case_types"`
			}
			if status == 200 && json.Unmarshal(body, &out) == nil {
				p.caseTypes = out.CaseTypes
				ctx.LocalStorage().Set("casegate.caseTypes", out.CaseTypes)
			} else {
				_ = ctx.LocalStorage().Get("casegate.caseTypes", &p.caseTypes)
				if len(p.caseTypes) == 0 {
					p.caseTypes = casetype.Builtins()
				}
			}
			if p.caseType == "" && len(p.caseTypes) > 0 {
				p.caseType = p.caseTypes[0].Name
			}
			p.loadSpecs(ctx)
		})
		// The case index, kept for matching parents offline.
		p.indexNote = "Loading the existing cases…"
		callAPI(ctx, "GET", "/a/"+m.Domain+"/api/cases/index", nil, nil, func(ctx app.Context, status int, body []byte) {
			if status == 200 {
				p.index = body
				ctx.LocalStorage().Set("casegate.index."+m.Domain, json.RawMessage(body))
			} else {
				var raw json.RawMessage
				if ctx.LocalStorage().Get("casegate.index."+m.Domain, &raw) == nil {
					p.index = raw
				}
			}
			var ix struct {
				Generated string     `json:"generated"`
				Cases     [][]string `json:"cases"`
			}
			if p.index != nil && json.Unmarshal(p.index, &ix) == nil {
				p.indexNote = fmt.Sprintf("Parents are matched against %s existing cases (as of %s).", thousands(len(ix.Cases)), ix.Generated)
			} else {
				p.indexNote = "No existing cases are known (offline, never loaded): parents are matched within the files only."
			}
		})
	})
}

func (p *importPage) spec() spec.Spec {
	sp := spec.Spec{CaseType: p.caseType, SearchField: p.searchField, SearchColumn: p.searchColumn,
		CreateNewCases: p.createNew, OnError: p.onError, Columns: p.specColumns(), Sheet: p.sheetName,
		HeaderRow: p.headerRow, Encoding: p.encoding, Delimiter: p.delimiter}
	for k, v := range p.defaults {
		if strings.TrimSpace(v) != "" {
			if sp.Defaults == nil {
				sp.Defaults = map[string]string{}
			}
			sp.Defaults[k] = v
		}
	}
	return sp
}

func (p *importPage) request(withTables bool) string {
	req := map[string]any{"spec": p.spec(), "case_type": p.caseType, "case_types": p.caseTypes, "choices": p.choices,
		"sheet": p.sheetName, "header_row": p.headerRow, "encoding": p.encoding, "delimiter": p.delimiter}
	if p.index != nil {
		req["index"] = p.index
	}
	if withTables {
		req["tables"] = p.tables
	}
	b, _ := json.Marshal(req)
	return string(b)
}

// onWorker handles the worker's messages.
func (p *importPage) onWorker(ctx app.Context) app.Func {
	return app.FuncOf(func(this app.Value, args []app.Value) any {
		raw := args[0].String()
		ctx.Dispatch(func(ctx app.Context) {
			var m struct {
				Type     string  `json:"type"`
				Message  string  `json:"message"`
				File     string  `json:"file"`
				Done     float64 `json:"done"`
				Total    float64 `json:"total"`
				Tables   string  `json:"tables"`
				Plan     string  `json:"plan"`
				Mappings string  `json:"mappings"`
				Files    string  `json:"files"`
			}
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				p.err = "The reader sent something unreadable."
				return
			}
			switch m.Type {
			case "progress":
				if m.Total > 0 {
					p.progress = fmt.Sprintf("Reading %s: %d%%", m.File, int(100*m.Done/m.Total))
				}
			case "error", "crash":
				p.checking, p.err, p.progress = false, m.Message, ""
				p.status = m.Message
			case "result":
				p.checking, p.progress, p.err = false, "", ""
				var ts []table
				var pl plan
				if json.Unmarshal([]byte(m.Tables), &ts) != nil || json.Unmarshal([]byte(m.Plan), &pl) != nil {
					p.err = "The reader's result could not be read."
					return
				}
				if ts != nil { // a re-check sends no tables: the page has them
					p.tables = ts
				}
				p.plan = &pl
				_ = json.Unmarshal([]byte(m.Mappings), &p.mappings)
				_ = json.Unmarshal([]byte(m.Files), &p.fileInfos)
				s := pl.Summary
				p.status = fmt.Sprintf("Checked %s: %d to create, %d to update, %d unchanged, %d skipped, %d with errors.",
					plural(s.Rows, "row", "rows"), s.Create, s.Update, s.Unchanged, s.Skip, s.Error)
			}
		})
		return nil
	})
}

func (p *importPage) check(ctx app.Context, e app.Event) {
	p.files = app.Window().Get("casegate").Call("fileNames", "file-input").String()
	p.checking, p.err, p.commit, p.commitKey, p.choices = true, "", nil, "", nil
	p.progress = "Reading…"
	app.Window().Get("casegate").Call("check", "file-input", p.request(false), p.onWorker(p.page))
}

func (p *importPage) recheck(ctx app.Context) {
	p.checking = true
	p.commitKey = "" // the batch changed: a new commit is a new request
	app.Window().Get("casegate").Call("recheck", p.request(true), p.onWorker(p.page))
}

// doCommit asks the server for its verdict on the batch, then commits with
// that verdict's hash. A dropped connection retries with the same key, so
// the batch is never committed twice.
func (p *importPage) doCommit(ctx app.Context, e app.Event) {
	if p.plan == nil || p.busy {
		return
	}
	p.busy, p.err = true, ""
	p.status = "Checking the batch against the server…"
	body := map[string]any{"tables": p.tables, "spec": p.spec(), "choices": p.choices}
	callAPI(ctx, "POST", "/a/"+p.me.Domain+"/api/check", body, nil, func(ctx app.Context, status int, resp []byte) {
		if status == 0 {
			p.busy, p.err = false, "You are offline: the batch is checked, and can be committed when the network is back."
			p.status = p.err
			return
		}
		var server plan
		if status != 200 || json.Unmarshal(resp, &server) != nil {
			p.busy, p.err = false, errorText(status, resp)
			return
		}
		if server.Hash != p.plan.Hash {
			// The server knows more (owners, every property): show its verdict.
			p.plan = &server
			if _, disabled := commitLabel(server.Summary, server.OnError); disabled {
				p.busy = false
				p.status = "The server's check found more to fix; see the rows below."
				return
			}
		}
		if p.commitKey == "" {
			p.commitKey = app.Window().Get("casegate").Call("newKey").String()
		}
		req := map[string]any{"tables": p.tables, "spec": p.spec(), "choices": p.choices, "plan_hash": server.Hash, "file_name": p.files, "spec_id": p.specID}
		p.status = "Committing…"
		p.send(ctx, req, 0)
		p.pollProgress(ctx)
	})
}

func (p *importPage) send(ctx app.Context, req map[string]any, attempt int) {
	callAPI(ctx, "POST", "/a/"+p.me.Domain+"/api/imports/", req, map[string]string{"Idempotency-Key": p.commitKey}, func(ctx app.Context, status int, body []byte) {
		if (status == 0 || status >= 500 || status == 409 && strings.Contains(string(body), "still running")) && attempt < 5 {
			p.status = fmt.Sprintf("The connection dropped; retrying (%d)…", attempt+1)
			ctx.After(time.Duration(attempt+1)*time.Second, func(ctx app.Context) { p.send(ctx, req, attempt+1) })
			return
		}
		p.busy = false
		if status != 200 {
			p.err = errorText(status, body)
			p.status = p.err
			return
		}
		var r commitResponse
		_ = json.Unmarshal(body, &r)
		p.commit = &r
		p.status = fmt.Sprintf("Committed: %d created, %d updated, %d rows skipped.", r.Created, r.Updated, r.Failed+r.Skipped)
	})
}

// pollProgress shows the commit's progress while it runs.
func (p *importPage) pollProgress(ctx app.Context) {
	ctx.After(400*time.Millisecond, func(ctx app.Context) {
		if !p.busy || p.commitKey == "" {
			return
		}
		callAPI(ctx, "GET", "/a/"+p.me.Domain+"/api/imports/progress?key="+p.commitKey, nil, nil, func(ctx app.Context, status int, body []byte) {
			var r importRecord
			if p.busy && status == 200 && json.Unmarshal(body, &r) == nil && r.RowsTotal > 0 {
				p.progress = fmt.Sprintf("Committing: %d of %d cases (%d%%)", r.RowsDone, r.RowsTotal, r.ProgressPc)
			}
			p.pollProgress(ctx)
		})
	})
}

// downloadErrors saves the rows that will not be imported, with reasons, as
// csv, made in the page (it works offline).
func (p *importPage) downloadErrors(ctx app.Context, e app.Event) {
	var b strings.Builder
	q := func(s string) string {
		if s != "" && strings.ContainsAny(s[:1], "=+-@") {
			s = "'" + s
		}
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	for _, t := range p.tables {
		var head []string
		for _, h := range t.Header {
			head = append(head, q(h))
		}
		b.WriteString(q("file") + "," + q("row") + "," + strings.Join(head, ",") + "," + q("casegate_errors") + "\n")
		for _, r := range p.plan.Rows {
			if r.File != t.File || r.Sheet != t.Sheet || (r.Action != "error" && r.Action != "skip") {
				continue
			}
			ti, ri := tableIndex(p.tables, r)
			if ti < 0 {
				continue
			}
			var cells, reasons []string
			for ci := range t.Header {
				v := ""
				if ci < len(p.tables[ti].Rows[ri].Cells) {
					v = p.tables[ti].Rows[ri].Cells[ci]
				}
				cells = append(cells, q(v))
			}
			for _, is := range r.Issues {
				reasons = append(reasons, is.Message)
			}
			b.WriteString(q(t.File) + "," + fmt.Sprint(r.Row) + "," + strings.Join(cells, ",") + "," + q(strings.Join(reasons, " ")) + "\n")
		}
	}
	app.Window().Get("casegate").Call("download", "casegate-errors.csv", b.String())
	p.status = "The error file was downloaded."
}

// edit changes one cell and re-checks.
func (p *importPage) edit(pi, col int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := ctx.JSSrc().Get("value").String()
		ti, ri := tableIndex(p.tables, p.plan.Rows[pi])
		if ti < 0 {
			return
		}
		r := &p.tables[ti].Rows[ri]
		for len(r.Cells) <= col {
			r.Cells = append(r.Cells, "")
		}
		r.Cells[col] = v
		if col < len(r.Kinds) {
			r.Kinds[col] = 1 // text, as typed
		}
		p.editing = nil
		p.status = fmt.Sprintf("Row %d changed; checking it again.", p.plan.Rows[pi].Row)
		p.recheck(ctx)
	}
}

// applySuggestion writes an issue's suggested value into its cell.
func (p *importPage) applySuggestion(pi int, column, value string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		ti, ri := tableIndex(p.tables, p.plan.Rows[pi])
		if ti < 0 {
			return
		}
		for ci, h := range p.tables[ti].Header {
			if h == column && ci < len(p.tables[ti].Rows[ri].Cells) {
				p.tables[ti].Rows[ri].Cells[ci] = value
			}
		}
		p.status = fmt.Sprintf("Row %d: the suggested %s was applied; checking again.", p.plan.Rows[pi].Row, column)
		p.recheck(p.page)
	}
}

// choose records a parent pick for one row, or for every row with the key.
func (p *importPage) choose(r rowResult, key, parentType string, c model.Candidate, all bool) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		ch := choice{CaseID: c.CaseID}
		if c.CaseID == "" && c.Row > 0 {
			ch.ParentRow = &rowRef{File: c.File, Sheet: c.Sheet, Row: c.Row}
		}
		if all {
			ch.Key, ch.ParentType = key, parentType
		} else {
			ch.Row = &rowRef{File: r.File, Sheet: r.Sheet, Row: r.Row}
		}
		p.choices = append(p.choices, ch)
		p.status = "Parent chosen; checking again."
		p.recheck(ctx)
	}
}

func (p *importPage) Render() app.UI {
	return shell("/import", p.me, p.status,
		app.H1().Text("Import cases"),
		p.renderSettings(),
		app.If(p.progress != "", func() app.UI {
			return app.Div().ID("progress").Class("progress").Attr("role", "progressbar").Text(p.progress)
		}),
		app.If(p.err != "", func() app.UI { return app.P().ID("error").Class("error").Attr("role", "alert").Text(p.err) }),
		app.If(p.plan != nil, func() app.UI { return p.renderReview() }),
	)
}

// detected says what the reader found, next to a setting.
func (p *importPage) detected(what string) string {
	var found []string
	for _, f := range p.fileInfos {
		v := f.Encoding
		if what == "delimiter" {
			v = f.Delimiter
		}
		if v != "" {
			found = append(found, f.Name+": "+v)
		}
	}
	if len(found) == 0 {
		return ""
	}
	return " (read as " + strings.Join(found, " · ") + ")"
}

func (p *importPage) renderSettings() app.UI {
	opt := func(v, label, cur string) app.UI { return app.Option().Value(v).Selected(v == cur).Text(label) }
	return app.Form().Class("settings panel").OnSubmit(func(ctx app.Context, e app.Event) { e.PreventDefault(); p.check(ctx, e) }).Body(
		app.Div().Class("field").Body(
			app.Label().For("file-input").Text("Spreadsheet (xlsx or csv; two files for parents and children)"),
			app.Input().ID("file-input").Type("file").Multiple(true).Accept(".xlsx,.csv,.txt,.tsv"),
		),
		app.Div().Class("field").Body(
			app.Label().For("case-type").Text("Case type (a file named after one, e.g. members.csv, uses it)"),
			app.Select().ID("case-type").OnChange(p.ValueTo(&p.caseType)).Body(
				app.Range(p.caseTypes).Slice(func(i int) app.UI {
					return opt(p.caseTypes[i].Name, p.caseTypes[i].Name, p.caseType)
				}),
			),
		),
		app.Div().Class("field").Body(
			app.Label().For("saved-spec").Text("Saved spec"),
			app.Select().ID("saved-spec").OnChange(func(ctx app.Context, e app.Event) {
				p.applySpec(ctx.JSSrc().Get("value").String())
			}).Body(append([]app.UI{app.Option().Value("").Text("none")}, func() []app.UI {
				var o []app.UI
				for _, sp := range p.specs {
					o = append(o, app.Option().Value(sp.ID).Selected(sp.ID == p.specID).Text(sp.Name))
				}
				return o
			}()...)...),
		),
		app.Div().Class("field").Body(
			app.Label().For("sheet").Text("Sheet (blank: every visible sheet)"),
			app.Input().ID("sheet").Value(p.sheetName).OnChange(p.ValueTo(&p.sheetName)),
		),
		app.Div().Class("field").Body(
			app.Label().For("header-row").Text("Header row"),
			app.Input().ID("header-row").Type("number").Min(1).Value(max(p.headerRow, 1)).OnChange(p.ValueTo(&p.headerRow)),
		),
		app.Div().Class("field").Body(
			app.Label().For("encoding").Text("csv encoding"+p.detected("encoding")),
			app.Select().ID("encoding").OnChange(p.ValueTo(&p.encoding)).Body(
				opt("", "detect", p.encoding), opt("utf-8", "UTF-8", p.encoding), opt("windows-1252", "Windows-1252 (Excel)", p.encoding),
				opt("utf-16le", "UTF-16 LE", p.encoding), opt("utf-16be", "UTF-16 BE", p.encoding), opt("macintosh", "Mac Roman", p.encoding)),
		),
		app.Div().Class("field").Body(
			app.Label().For("delimiter").Text("csv delimiter"+p.detected("delimiter")),
			app.Select().ID("delimiter").OnChange(p.ValueTo(&p.delimiter)).Body(
				opt("", "detect", p.delimiter), opt(",", "comma", p.delimiter), opt(";", "semicolon", p.delimiter), opt("tab", "tab", p.delimiter)),
		),
		app.Div().Class("field").Body(
			app.Label().For("search-field").Text("Find existing cases by"),
			app.Select().ID("search-field").OnChange(p.ValueTo(&p.searchField)).Body(
				opt("external_id", "external id", p.searchField), opt("case_id", "case id", p.searchField)),
		),
		app.Div().Class("field").Body(
			app.Label().For("search-column").Text("Search column (default: same name)"),
			app.Input().ID("search-column").Value(p.searchColumn).OnChange(p.ValueTo(&p.searchColumn)),
		),
		app.Div().Class("field").Body(
			app.Label().For("on-error").Text("When a row has errors"),
			app.Select().ID("on-error").OnChange(p.ValueTo(&p.onError)).Body(
				opt("skip", "skip the row and import the others", p.onError), opt("halt", "import nothing until fixed", p.onError)),
		),
		app.Div().Class("field check").Body(
			app.Input().ID("create-new").Type("checkbox").Checked(p.createNew).
				OnChange(func(ctx app.Context, e app.Event) { p.createNew = ctx.JSSrc().Get("checked").Bool() }),
			app.Label().For("create-new").Text("Create cases that match nothing"),
		),
		app.Button().ID("check-btn").Type("submit").Class("primary").Disabled(p.checking || strings.HasPrefix(p.indexNote, "Loading")).Text("Check"),
		app.P().ID("index-state").Class("hint").Text(p.indexNote),
	)
}

func (p *importPage) renderReview() app.UI {
	pl := p.plan
	s := pl.Summary
	label, disabled := commitLabel(s, pl.OnError)
	filterBtn := func(f, text string) app.UI {
		b := app.Button().Class("filter").DataSet("filter", f).Aria("pressed", p.filter == f).Text(text).
			OnClick(func(ctx app.Context, e app.Event) { p.filter, p.scroll = f, 0 })
		return b
	}
	rows := filterRows(pl, p.filter)
	first, last := window(p.scroll, gridViewport, len(rows))
	return app.Section().ID("review").Body(
		app.Div().ID("summary").Class("summary").Body(
			filterBtn("", fmt.Sprintf("All %s", thousands(s.Rows))),
			filterBtn("create", fmt.Sprintf("Create %s", thousands(s.Create))),
			filterBtn("update", fmt.Sprintf("Update %s", thousands(s.Update))),
			filterBtn("unchanged", fmt.Sprintf("Unchanged %s", thousands(s.Unchanged))),
			filterBtn("skip", fmt.Sprintf("Skip %s", thousands(s.Skip))),
			filterBtn("error", fmt.Sprintf("Errors %s", thousands(s.Error))),
		),
		app.Div().Class("codes").Body(app.Range(codeCounts(pl)).Slice(func(i int) app.UI {
			c := codeCounts(pl)[i]
			return filterBtn("code:"+c.Code, fmt.Sprintf("%s %d", c.Code, c.N))
		})),
		app.Range(pl.Notices).Slice(func(i int) app.UI {
			return app.P().Class("notice").Text(pl.Notices[i].File + ": " + pl.Notices[i].Message)
		}),
		p.renderMapping(),
		p.renderPicker(),
		app.Div().ID("grid").Class("grid").Style("height", fmt.Sprintf("%dpx", gridViewport)).
			OnScroll(func(ctx app.Context, e app.Event) { p.scroll = ctx.JSSrc().Get("scrollTop").Int() }).Body(
			app.Div().Style("height", fmt.Sprintf("%dpx", first*rowHeight)),
			app.Table().Body(p.renderRows(rows[first:last])...),
			app.Div().Style("height", fmt.Sprintf("%dpx", (len(rows)-last)*rowHeight)),
		),
		app.Div().Class("actions").Body(
			app.Button().ID("commit-btn").Class("primary").Disabled(disabled || p.busy).Text(label).OnClick(p.doCommit),
			app.If(s.Error+s.Skip > 0, func() app.UI {
				return app.Button().ID("errors-btn").Text("Download the rows that will not be imported (csv)").OnClick(p.downloadErrors)
			}),
			app.If(p.commit != nil, func() app.UI {
				return app.P().ID("commit-result").Body(
					app.Text(fmt.Sprintf("Import %s: %d created, %d updated. ", p.commit.ImportID, p.commit.Created, p.commit.Updated)),
					app.A().Href("/history").Text("See it in the history"),
				)
			}),
		),
	)
}

// renderRows renders the visible rows, with a header row wherever the
// table (file and sheet) changes.
func (p *importPage) renderRows(idx []int) []app.UI {
	var out []app.UI
	last := ""
	for _, pi := range idx {
		r := p.plan.Rows[pi]
		if k := r.File + "\x00" + r.Sheet; k != last {
			last = k
			if ti, _ := tableIndex(p.tables, r); ti >= 0 {
				ths := []app.UI{app.Th().Text("row"), app.Th().Text(r.File)}
				strip := columnStrip(p.plan, p.tables[ti].Header, r.File, r.Sheet)
				for _, h := range p.tables[ti].Header {
					var marks []app.UI
					for i, on := range strip[h] {
						cls := "tick"
						if on {
							cls = "tick on"
						}
						_ = i
						marks = append(marks, app.Span().Class(cls))
					}
					th := app.Th().Attr("scope", "col").Body(app.Text(h))
					if len(strip[h]) > 0 {
						th = app.Th().Attr("scope", "col").Title("where this column's errors are, top to bottom of the file").Body(app.Text(h), app.Span().Class("strip").Body(marks...))
					}
					ths = append(ths, th)
				}
				ths = append(ths, app.Th().Text("row problems"))
				out = append(out, app.Tr().Class("head").Style("height", fmt.Sprintf("%dpx", rowHeight)).Body(ths...))
			}
		}
		out = append(out, p.renderRow(pi))
	}
	return out
}

func (p *importPage) renderRow(pi int) app.UI {
	r := p.plan.Rows[pi]
	ti, ri := tableIndex(p.tables, r)
	if ti < 0 {
		return app.Tr()
	}
	t := p.tables[ti]
	cells := t.Rows[ri].Cells
	bad := cellIssues(r)
	var tds []app.UI
	tds = append(tds, app.Th().Attr("scope", "row").Class("rownum").Title(r.File+" row "+fmt.Sprint(r.Row)).Text(fmt.Sprint(r.Row)),
		app.Td().Class("action "+r.Action).Text(r.Action))
	for ci, h := range t.Header {
		v := ""
		if ci < len(cells) {
			v = cells[ci]
		}
		issues := bad[h]
		cls := ""
		var reasons []string
		for _, is := range issues {
			if is.Severity == model.SeverityError {
				cls = "bad"
			} else if cls == "" {
				cls = "warn"
			}
			reasons = append(reasons, is.Message)
		}
		id := fmt.Sprintf("cell-%d-%d", pi, ci)
		ci := ci
		if p.editing != nil && p.editing.plan == pi && p.editing.col == ci {
			tds = append(tds, app.Td().Class(cls).Body(
				app.Input().ID("edit-"+id).Value(v).AutoFocus(true).Aria("label", h+" of row "+fmt.Sprint(r.Row)).OnChange(p.edit(pi, ci)),
			))
			continue
		}
		td := app.Td().ID(id).Class(cls).DataSet("row", r.Row).DataSet("col", h).TabIndex(0).Text(v).
			OnDblClick(func(ctx app.Context, e app.Event) { p.editing = &cellRef{pi, ci} }).
			OnKeyDown(func(ctx app.Context, e app.Event) {
				if e.Get("key").String() == "Enter" {
					p.editing = &cellRef{pi, ci}
				}
			})
		if len(reasons) > 0 {
			td = td.Title(strings.Join(reasons, " ")).Aria("label", h+": "+v+". "+strings.Join(reasons, " "))
		}
		tds = append(tds, td)
	}
	var rowLevel []string
	for _, is := range bad[""] {
		rowLevel = append(rowLevel, is.Message)
	}
	var fixes []app.UI
	for _, is := range r.Issues {
		if is.Suggestion != "" && is.Column != "" && is.Code == model.CodeBadAddress {
			fixes = append(fixes, app.Button().Class("fix").Title(is.Message).Text("Use "+is.Suggestion).OnClick(p.applySuggestion(pi, is.Column, is.Suggestion)))
		}
	}
	tds = append(tds, app.Td().Class("reasons").Body(append([]app.UI{app.Text(strings.Join(rowLevel, " "))}, fixes...)...))
	return app.Tr().Style("height", fmt.Sprintf("%dpx", rowHeight)).DataSet("row", r.Row).Body(tds...)
}

// renderPicker lists the ambiguous parents with their candidates.
func (p *importPage) renderPicker() app.UI {
	var items []app.UI
	for _, r := range p.plan.Rows {
		for _, is := range r.Issues {
			if is.Code != model.CodeParentAmbiguous {
				continue
			}
			r, is := r, is
			ptype := ""
			if len(is.Candidates) > 0 {
				ptype = is.Candidates[0].CaseType
			}
			var cands []app.UI
			for _, c := range is.Candidates {
				c := c
				desc := strings.TrimSpace(fmt.Sprintf("%s (%s) owner %s, opened %s %s", c.Name, c.ExternalID, c.OwnerID, c.DateOpened, c.CaseID))
				if c.Row > 0 {
					desc = fmt.Sprintf("%s (%s row %d of this import)", c.Name, c.File, c.Row)
				}
				cands = append(cands, app.Li().Body(
					app.Span().Text(desc+" "),
					app.Button().Class("pick").Text("Use for this row").OnClick(p.choose(r, is.Value, ptype, c, false)),
					app.Button().Class("pick-all").Text("Use for every row with "+is.Value).OnClick(p.choose(r, is.Value, ptype, c, true)),
				))
			}
			items = append(items, app.Li().Body(app.P().Text(fmt.Sprintf("%s row %d: %s", r.File, r.Row, is.Message)), app.Ul().Body(cands...)))
			if len(items) >= 20 {
				break
			}
		}
	}
	if len(items) == 0 {
		return app.Text("")
	}
	return app.Div().ID("parent-picker").Class("panel").Body(app.H2().Text("Choose parents"), app.Ul().Body(items...))
}
