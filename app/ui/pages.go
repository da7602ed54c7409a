package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"casegate/shared/casetype"
)

// loginPage signs in with email and password (a session cookie).
type loginPage struct {
	app.Compo
	email, password, err string
	busy                 bool
}

func (p *loginPage) Render() app.UI {
	return app.Div().Class("shell").Body(
		app.Main().ID("main").Class("login").Body(
			app.H1().Text("Sign in to casegate"),
			app.Form().OnSubmit(p.submit).Body(
				app.Label().For("login-email").Text("Email"),
				app.Input().ID("login-email").Type("email").AutoComplete(true).Required(true).Value(p.email).
					OnChange(p.ValueTo(&p.email)),
				app.Label().For("login-password").Text("Password"),
				app.Input().ID("login-password").Type("password").Required(true).Value(p.password).
					OnChange(p.ValueTo(&p.password)),
				app.Button().ID("login-btn").Type("submit").Disabled(p.busy).Text("Sign in"),
			),
			app.If(p.err != "", func() app.UI { return app.P().Class("error").Attr("role", "alert").Text(p.err) }),
		),
	)
}

func (p *loginPage) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	// Read the inputs directly: a password manager fills them without events.
	p.email = app.Window().GetElementByID("login-email").Get("value").String()
	p.password = app.Window().GetElementByID("login-password").Get("value").String()
	p.busy, p.err = true, ""
	callAPI(ctx, "POST", "/api/login", map[string]string{"email": p.email, "password": p.password}, nil, func(ctx app.Context, status int, body []byte) {
		p.busy = false
		if status != 200 {
			p.err = errorText(status, body)
			return
		}
		var m me
		_ = json.Unmarshal(body, &m)
		ctx.LocalStorage().Set("casegate.me", m)
		ctx.Navigate("/")
	})
}

// homePage starts an import and lists the recent ones.
type homePage struct {
	app.Compo
	me      me
	imports []importRecord
	status  string
}

func (p *homePage) OnNav(ctx app.Context) {
	whoAmI(ctx, func(ctx app.Context, m me) {
		p.me = m
		loadImports(ctx, m.Domain, &p.imports, &p.status)
	})
}

func (p *homePage) Render() app.UI {
	n := len(p.imports)
	if n > 5 {
		n = 5
	}
	return shell("/", p.me, p.status,
		app.H1().Text("Import cases"),
		app.P().Text("Drop a spreadsheet of cases: casegate checks every row in your browser before anything is stored."),
		app.A().Href("/import").Class("button primary").ID("start-import").Text("Start an import"),
		app.H2().Text("Recent imports"),
		importTable(p.imports[:n], nil),
	)
}

// importTable lists imports; undo, when set, adds an undo button per row.
func importTable(list []importRecord, undo func(importRecord) app.EventHandler) app.UI {
	return importTableWithDetail(list, undo, nil)
}

// importTableWithDetail is importTable with a details button per row.
func importTableWithDetail(list []importRecord, undo, detail func(importRecord) app.EventHandler) app.UI {
	if len(list) == 0 {
		return app.P().Text("No imports yet.")
	}
	return app.Table().ID("history").Class("list").Body(
		app.THead().Body(app.Tr().Body(
			app.Th().Text("When"), app.Th().Text("What"), app.Th().Text("File"), app.Th().Text("Who"),
			app.Th().Text("Result"), app.If(undo != nil, func() app.UI { return app.Th().Text("") }),
		)),
		app.TBody().Body(app.Range(list).Slice(func(i int) app.UI {
			r := list[i]
			result := fmt.Sprintf("%d created, %d updated, %d failed", r.Created, r.Updated, r.Failed)
			if r.State != "done" {
				result = r.State
				if r.Error != "" {
					result += ": " + r.Error
				}
			}
			what := r.Kind + " " + r.CaseType
			if r.UndoneBy != "" {
				what += " (undone)"
			}
			when := app.Td().Text(strings.Replace(r.CreatedAt, "T", " ", 1))
			if detail != nil {
				when = app.Td().Body(app.Button().Class("link detail-btn").Text(strings.Replace(r.CreatedAt, "T", " ", 1)).OnClick(detail(r)))
			}
			return app.Tr().DataSet("import", r.ID).Body(
				when, app.Td().Text(what), app.Td().Text(r.FileName),
				app.Td().Text(r.User), app.Td().Text(result),
				app.If(undo != nil, func() app.UI {
					if r.Kind == "undo" || r.UndoneBy != "" || r.State != "done" {
						return app.Td()
					}
					return app.Td().Body(app.Button().Class("undo-btn").ID("undo-" + r.ID).Text("Undo…").OnClick(undo(r)))
				}),
			)
		})),
	)
}

// historyPage lists imports and undoes one after a confirmation that names
// what will change.
type historyPage struct {
	app.Compo
	me      me
	imports []importRecord
	detail  *importDetail
	confirm *importRecord
	preview *undoPreview
	status  string
	busy    bool
}

func (p *historyPage) OnNav(ctx app.Context) {
	whoAmI(ctx, func(ctx app.Context, m me) {
		p.me = m
		p.load(ctx)
		// /history?id=… opens one import's record (the commit links to it).
		if id := ctx.Page().URL().Query().Get("id"); id != "" {
			p.openDetail(ctx, id)
		}
	})
}

func (p *historyPage) load(ctx app.Context) { loadImports(ctx, p.me.Domain, &p.imports, &p.status) }

// loadImports fetches the domain's imports into list, or a reason into status.
func loadImports(ctx app.Context, domain string, list *[]importRecord, status *string) {
	callAPI(ctx, "GET", "/a/"+domain+"/api/imports/", nil, nil, func(ctx app.Context, code int, body []byte) {
		var out struct {
			Imports []importRecord `json:"imports"`
		}
		if code == 200 && json.Unmarshal(body, &out) == nil {
			*list = out.Imports
		} else {
			*status = errorText(code, body)
		}
	})
}

func (p *historyPage) showDetail(r importRecord) app.EventHandler {
	return func(ctx app.Context, e app.Event) { p.openDetail(ctx, r.ID) }
}

func (p *historyPage) openDetail(ctx app.Context, id string) {
	callAPI(ctx, "GET", "/a/"+p.me.Domain+"/api/imports/"+id, nil, nil, func(ctx app.Context, status int, body []byte) {
		var d importDetail
		if status != 200 || json.Unmarshal(body, &d) != nil {
			p.status = errorText(status, body)
			return
		}
		p.detail = &d
		p.status = fmt.Sprintf("Import %s: %d rows.", d.ID, len(d.Results))
		ctx.Defer(func(app.Context) { focusByID("import-detail") })
	})
}

func (p *historyPage) renderDetail() app.UI {
	d := p.detail
	base := "/a/" + p.me.Domain + "/api/imports/" + d.ID
	rows := d.Results
	if len(rows) > 500 {
		rows = rows[:500]
	}
	return app.Section().ID("import-detail").Class("panel").TabIndex(-1).Body(
		app.H2().Text(fmt.Sprintf("%s %s — %s", d.Kind, d.FileName, d.State)),
		app.P().Body(
			app.Text(fmt.Sprintf("%d created, %d updated, %d not imported. ", d.Created, d.Updated, d.Failed)),
			app.A().Href(base+"/errors.csv").Text("Rows not imported (csv)"), app.Text(" · "),
			app.A().Href(base+"/errors.xlsx").Text("Workbook with the bad cells marked"),
		),
		app.If(len(d.Conflicts) > 0, func() app.UI {
			return app.Ul().Body(app.Range(d.Conflicts).Slice(func(i int) app.UI {
				return app.Li().Text(d.Conflicts[i].CaseID + ": " + d.Conflicts[i].Reason)
			}))
		}),
		app.Table().Class("list").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("File"), app.Th().Text("Row"), app.Th().Text("Result"), app.Th().Text("Case"), app.Th().Text("Problems"))),
			app.TBody().Body(app.Range(rows).Slice(func(i int) app.UI {
				r := rows[i]
				var msgs []string
				for _, is := range r.Issues {
					msgs = append(msgs, is.Message)
				}
				return app.Tr().Body(app.Td().Text(r.File), app.Td().Text(fmt.Sprint(r.Row)), app.Td().Class("action "+r.Action).Text(r.Action),
					app.Td().Text(r.CaseID), app.Td().Text(strings.Join(msgs, " ")))
			})),
		),
		app.If(len(d.Results) > len(rows), func() app.UI {
			return app.P().Text(fmt.Sprintf("The first 500 of %d rows are shown; the error files hold every row not imported.", len(d.Results)))
		}),
		app.Button().Text("Close").OnClick(func(ctx app.Context, e app.Event) { p.detail = nil }),
	)
}

func (p *historyPage) askUndo(r importRecord) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.confirm, p.preview = &r, nil
		callAPI(ctx, "GET", "/a/"+p.me.Domain+"/api/imports/"+r.ID+"/undo", nil, nil, func(ctx app.Context, status int, body []byte) {
			var pv undoPreview
			if status != 200 || json.Unmarshal(body, &pv) != nil {
				p.status, p.confirm = errorText(status, body), nil
				return
			}
			p.preview = &pv
			ctx.Defer(func(app.Context) { focusByID("undo-btn") })
		})
	}
}

func (p *historyPage) doUndo(ctx app.Context, e app.Event) {
	if p.confirm == nil {
		return
	}
	id := p.confirm.ID
	p.busy = true
	key := app.Window().Get("casegate").Call("newKey").String()
	callAPI(ctx, "POST", "/a/"+p.me.Domain+"/api/imports/"+id+"/undo", nil, map[string]string{"Idempotency-Key": key}, func(ctx app.Context, status int, body []byte) {
		p.busy, p.confirm, p.preview = false, nil, nil
		if status != 200 {
			p.status = errorText(status, body)
			return
		}
		p.status = "The import was undone."
		p.load(ctx)
	})
}

func (p *historyPage) Render() app.UI {
	return shell("/history", p.me, p.status,
		app.H1().Text("Import history"),
		app.If(p.confirm != nil && p.preview != nil, func() app.UI {
			pv := p.preview
			return app.Div().ID("undo-confirm").Class("panel").Attr("role", "dialog").Aria("label", "Undo import").Body(
				app.H2().Text("Undo "+p.confirm.FileName+"?"),
				app.P().Text(fmt.Sprintf("This removes %s the import created and restores %s it changed.",
					plural(pv.Remove, "case", "cases"), plural(pv.Restore, "case", "cases"))),
				app.If(len(pv.Conflicts) > 0, func() app.UI {
					return app.Div().Body(
						app.P().Text(plural(len(pv.Conflicts), "case was", "cases were")+" changed since and will be left as they are:"),
						app.Ul().Body(app.Range(pv.Conflicts).Slice(func(i int) app.UI {
							c := pv.Conflicts[i]
							return app.Li().Text(c.Name + " (" + c.CaseID + "): " + c.Reason)
						})),
					)
				}),
				app.Button().ID("undo-btn").Class("danger").Disabled(p.busy).Text("Undo the import").OnClick(p.doUndo),
				app.Button().Text("Cancel").OnClick(func(ctx app.Context, e app.Event) { p.confirm, p.preview = nil, nil }),
			)
		}),
		app.If(p.detail != nil, func() app.UI { return p.renderDetail() }),
		importTableWithDetail(p.imports, p.askUndo, p.showDetail),
	)
}

// caseTypesPage shows case types with their rules, templates, and the API
// key and curl line for integrators.
type caseTypesPage struct {
	app.Compo
	me      me
	types   []casetype.CaseType
	editing string // the case type whose JSON is being edited
	draft   string
	key     string
	curl    string
	status  string
}

// getCaseTypes asks the server for the domain's case types; types is nil
// and err says why when it cannot answer (offline, refused).
func getCaseTypes(ctx app.Context, domain string, done func(ctx app.Context, types []casetype.CaseType, err error)) {
	callAPI(ctx, "GET", "/a/"+domain+"/api/case-types/", nil, nil, func(ctx app.Context, status int, body []byte) {
		var out struct {
			CaseTypes []casetype.CaseType `json:"case_types"`
		}
		if status != 200 || json.Unmarshal(body, &out) != nil {
			done(ctx, nil, errors.New(errorText(status, body)))
			return
		}
		if out.CaseTypes == nil {
			out.CaseTypes = []casetype.CaseType{}
		}
		done(ctx, out.CaseTypes, nil)
	})
}

func (p *caseTypesPage) OnNav(ctx app.Context) {
	whoAmI(ctx, func(ctx app.Context, m me) {
		p.me = m
		getCaseTypes(ctx, m.Domain, func(ctx app.Context, types []casetype.CaseType, err error) {
			if err != nil {
				p.status = err.Error()
				return
			}
			p.types = types
		})
	})
}

func (p *caseTypesPage) newKey(ctx app.Context, e app.Event) {
	callAPI(ctx, "POST", "/a/"+p.me.Domain+"/api/keys", nil, nil, func(ctx app.Context, status int, body []byte) {
		var out struct{ Key, Curl string }
		if status != 200 || json.Unmarshal(body, &out) != nil {
			p.status = errorText(status, body)
			return
		}
		p.key, p.curl, p.status = out.Key, out.Curl, "A new API key was created; it is shown once."
	})
}

func (p *caseTypesPage) save(ctx app.Context, e app.Event) {
	var ct casetype.CaseType
	if err := json.Unmarshal([]byte(p.draft), &ct); err != nil {
		p.status = "The definition is not valid JSON: " + err.Error()
		return
	}
	callAPI(ctx, "PUT", "/a/"+p.me.Domain+"/api/case-types/"+p.editing, ct, nil, func(ctx app.Context, status int, body []byte) {
		if status != 200 {
			p.status = errorText(status, body)
			return
		}
		for i := range p.types {
			if p.types[i].Name == ct.Name {
				p.types[i] = ct
			}
		}
		p.editing, p.status = "", "Saved the case type "+ct.Name+"; the next check uses its rules."
	})
}

func (p *caseTypesPage) Render() app.UI {
	return shell("/case-types", p.me, p.status,
		app.H1().Text("Case types and templates"),
		app.Range(p.types).Slice(func(i int) app.UI {
			ct := p.types[i]
			base := "/a/" + p.me.Domain + "/api/case-types/" + ct.Name
			return app.Section().Class("panel").Body(
				app.H2().Text(ct.Name+" — "+ct.Label),
				app.P().Body(app.A().Href(base+"/template.csv").Text("Sample csv"), app.Text(" · "), app.A().Href(base+"/template.xlsx").Text("Sample xlsx (with the rules)"),
					app.If(p.me.Role == "admin", func() app.UI {
						return app.Button().Class("edit-type").Text("Edit rules").OnClick(func(ctx app.Context, e app.Event) {
							b, _ := json.MarshalIndent(ct, "", "  ")
							p.editing, p.draft = ct.Name, string(b)
						})
					})),
				app.If(p.editing == ct.Name, func() app.UI {
					return app.Div().Body(
						app.Label().For("type-json").Text("Fields and rules (JSON: kind text|date|number|bool01|select|address|email|phone; required, max_length, pattern, values, unique, date_format)"),
						app.Textarea().ID("type-json").Rows(16).Style("width", "100%").Text(p.draft).OnChange(p.ValueTo(&p.draft)),
						app.Button().ID("save-type").Class("primary").Text("Save").OnClick(p.save),
						app.Button().Text("Cancel").OnClick(func(ctx app.Context, e app.Event) { p.editing = "" }),
					)
				}),
				app.Table().Class("list").Body(
					app.THead().Body(app.Tr().Body(app.Th().Text("Field"), app.Th().Text("Kind"), app.Th().Text("Rules"))),
					app.TBody().Body(app.Range(ct.Fields).Slice(func(j int) app.UI {
						f := ct.Fields[j]
						var rules []string
						if f.Required {
							rules = append(rules, "required")
						}
						if f.Unique {
							rules = append(rules, "unique in the file")
						}
						if f.PatternHint != "" {
							rules = append(rules, f.PatternHint)
						}
						if len(f.Values) > 0 {
							rules = append(rules, "one of "+strings.Join(f.Values, ", "))
						}
						if f.DateFormat != "" {
							rules = append(rules, f.DateFormat)
						}
						kind := string(f.Kind)
						if kind == "" {
							kind = "text"
						}
						return app.Tr().Body(app.Td().Text(f.Name), app.Td().Text(kind), app.Td().Text(strings.Join(rules, "; ")))
					})),
				),
			)
		}),
		app.Section().Class("panel").Body(
			app.H2().Text("For integrators: the bulk upload API"),
			app.Button().ID("new-key").Text("Create an API key").OnClick(p.newKey),
			app.If(p.key != "", func() app.UI {
				return app.Div().Body(app.P().Text("API key: "+p.key), app.Pre().ID("curl").Text(p.curl))
			}),
		),
	)
}
