package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/spec"
)

// mappingChoice is the value of a column's select: "field:dob",
// "property", "ignore" or "parent_ref:household".
func mappingChoice(c specColumn) string {
	switch c.Kind {
	case spec.MapField:
		return "field:" + c.Field
	case spec.MapParentRef:
		return "parent_ref:" + c.ParentType
	}
	return c.Kind
}

// columnFromChoice turns a select's value back into a spec column.
func columnFromChoice(header, v string) specColumn {
	switch {
	case strings.HasPrefix(v, "field:"):
		return specColumn{Column: header, Kind: spec.MapField, Field: strings.TrimPrefix(v, "field:")}
	case strings.HasPrefix(v, "parent_ref:"):
		return specColumn{Column: header, Kind: spec.MapParentRef, ParentType: strings.TrimPrefix(v, "parent_ref:")}
	case v == "ignore":
		return specColumn{Column: header, Kind: spec.MapIgnore}
	}
	return specColumn{Column: header, Kind: spec.MapProperty}
}

// fieldOptions lists the fields a column can map to: the case type's, then
// CommCare's special fields.
func fieldOptions(ct casetype.CaseType) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range ct.Fields {
		out = append(out, f.Name)
		seen[f.Name] = true
	}
	for _, s := range casetype.Special {
		if !seen[s] {
			out = append(out, s)
		}
	}
	return out
}

// ambiguousDateColumns lists columns with ambiguous_date_order warnings.
func ambiguousDateColumns(p *plan) []string {
	set := map[string]bool{}
	vs := p.Rows
	for i := range vs.Len() {
		for k := range vs.NumIssues(i) {
			if is := vs.Issue(i, k); is.Code == model.CodeAmbiguousDate {
				set[is.Column] = true
			}
		}
	}
	var out []string
	for c := range set {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func (p *importPage) caseTypeDef(name string) casetype.CaseType {
	for _, ct := range p.caseTypes {
		if ct.Name == name {
			return ct
		}
	}
	return casetype.CaseType{Name: name}
}

// setColumn overrides one column's mapping and re-checks.
func (p *importPage) setColumn(c specColumn) {
	if p.columns == nil {
		p.columns = map[string]specColumn{}
	}
	if old, ok := p.columns[c.Column]; ok && c.DateOrder == "" {
		c.DateOrder = old.DateOrder
	}
	p.columns[c.Column] = c
}

func (p *importPage) specColumns() []spec.Column {
	var keys []string
	for k := range p.columns {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []spec.Column
	for _, k := range keys {
		c := p.columns[k]
		out = append(out, spec.Column{Column: c.Column, Kind: c.Kind, Field: c.Field, Property: c.Property, ParentType: c.ParentType, DateOrder: c.DateOrder})
	}
	return out
}

// renderMapping shows each column's destination, the suggestion when it
// differs, date orders for ambiguous date columns, case defaults, and
// saving the spec.
func (p *importPage) renderMapping() app.UI {
	summary := app.Summary().Text("Columns, date orders, defaults and the saved spec")
	toggle := func(ctx app.Context, e app.Event) { p.mappingOpen = ctx.JSSrc().Get("open").Bool() }
	if !p.mappingOpen {
		// Closed, its hundreds of controls are not built: mounting them cost
		// the page a third of a second after every check.
		return app.Details().ID("mapping").Class("panel").OnToggle(toggle).Body(summary)
	}
	var sections []app.UI
	for ti, m := range p.mappings {
		ct := p.caseTypeDef(m.CaseType)
		opts := fieldOptions(ct)
		m := m
		rows := make([]app.UI, 0, len(m.Columns))
		for ci, c := range m.Columns {
			c := c
			cur := mappingChoice(c)
			if o, ok := p.columns[c.Column]; ok {
				cur = mappingChoice(o)
			}
			var sug suggestion
			for _, s := range m.Suggestions {
				if strings.TrimSpace(s.Header) == c.Column {
					sug = s
				}
			}
			id := fmt.Sprintf("map-%d-%d", ti, ci)
			pairs := make([]string, 0, 2*len(opts)+6)
			for _, f := range opts {
				pairs = append(pairs, "field:"+f, "field: "+f)
			}
			if c.Kind == spec.MapParentRef {
				pairs = append(pairs, cur, "parent (case id) of type "+c.ParentType)
			}
			pairs = append(pairs, "property", "new property "+c.Property, "ignore", "ignore")
			hint := app.Text("")
			switch {
			case sug.Kind == "field" && "field:"+sug.Field != cur:
				hint = app.Button().Class("suggest").Text(fmt.Sprintf("Use suggestion: %s (%d%%)", sug.Field, int(sug.Confidence*100))).
					OnClick(func(ctx app.Context, e app.Event) {
						p.setColumn(specColumn{Column: c.Column, Kind: spec.MapField, Field: sug.Field})
						p.recheck(p.page)
					})
			case sug.Kind == "field":
				hint = app.Span().Class("confidence").Title(sug.Reason).Text(fmt.Sprintf("suggested, %d%% sure", int(sug.Confidence*100)))
			}
			rows = append(rows, app.Tr().Body(
				app.Th().Attr("scope", "row").Body(app.Label().For(id).Text(c.Column)),
				app.Td().Body(selectBox(id, cur, func(ctx app.Context, e app.Event) {
					p.setColumn(columnFromChoice(c.Column, ctx.JSSrc().Get("value").String()))
					p.recheck(p.page)
				}, pairs...).DataSet("column", c.Column)),
				app.Td().Body(hint),
			))
		}
		sections = append(sections, app.Div().Body(
			app.H3().Text(fmt.Sprintf("%s, sheet %s → %s", m.File, m.Sheet, m.CaseType)),
			app.Table().Class("list mapping").Body(app.TBody().Body(rows...)),
		))
	}
	var dateUIs []app.UI
	for _, col := range ambiguousDateColumns(p.plan) {
		col := col
		cur := ""
		if c, ok := p.columns[col]; ok {
			cur = c.DateOrder
		}
		dateUIs = append(dateUIs, field("order-"+col, "Dates in "+col+" are written", selectBox("order-"+col, cur, func(ctx app.Context, e app.Event) {
			c, ok := p.columns[col]
			if !ok {
				c = p.effectiveColumn(col)
			}
			c.DateOrder = ctx.JSSrc().Get("value").String()
			if p.columns == nil {
				p.columns = map[string]specColumn{}
			}
			p.columns[col] = c
			p.recheck(p.page)
		}, "", "unknown (read month first, flagged)", "mdy", "month/day/year", "dmy", "day/month/year")))
	}
	ct := p.caseTypeDef(p.caseType)
	var defaults []app.UI
	for _, f := range ct.Fields {
		f := f
		defaults = append(defaults, field("default-"+f.Name, f.Name, app.Input().ID("default-"+f.Name).Value(p.defaults[f.Name]).OnChange(func(ctx app.Context, e app.Event) {
			if p.defaults == nil {
				p.defaults = map[string]string{}
			}
			p.defaults[f.Name] = ctx.JSSrc().Get("value").String()
			p.recheck(p.page)
		})))
	}
	return app.Details().ID("mapping").Class("panel").Open(true).OnToggle(toggle).Body(
		summary,
		app.Range(sections).Slice(func(i int) app.UI { return sections[i] }),
		app.If(len(dateUIs) > 0, func() app.UI { return app.Div().Class("settings").Body(dateUIs...) }),
		app.H3().Text("Case defaults (fill blank cells of "+p.caseType+")"),
		app.Div().Class("settings").Body(defaults...),
		app.Div().Class("field").Body(
			app.Label().For("spec-name").Text("Save these settings as"),
			app.Input().ID("spec-name").Value(p.specName).OnChange(p.ValueTo(&p.specName)),
			app.Button().ID("save-spec").Text("Save spec").OnClick(p.saveSpec),
		),
	)
}

// effectiveColumn is how the engine maps a header now.
func (p *importPage) effectiveColumn(header string) specColumn {
	for _, m := range p.mappings {
		for _, c := range m.Columns {
			if c.Column == header {
				return c
			}
		}
	}
	return specColumn{Column: header, Kind: spec.MapProperty}
}

func (p *importPage) saveSpec(ctx app.Context, e app.Event) {
	name := strings.TrimSpace(p.specName)
	if name == "" {
		p.status = "Name the spec first."
		return
	}
	callAPI(ctx, "POST", "/a/"+p.me.Domain+"/api/specs/", map[string]any{"name": name, "spec": p.spec()}, nil, func(ctx app.Context, status int, body []byte) {
		var s savedSpec
		if status != 201 || json.Unmarshal(body, &s) != nil {
			p.status = errorText(status, body)
			return
		}
		p.specID = s.ID
		p.specs = append(p.specs, s)
		p.status = "Saved the spec " + s.Name + "."
	})
}

// loadSpecs lists the saved specs of the case type and preselects the one
// last used.
func (p *importPage) loadSpecs(ctx app.Context) {
	callAPI(ctx, "GET", "/a/"+p.me.Domain+"/api/specs/?case_type="+p.caseType, nil, nil, func(ctx app.Context, status int, body []byte) {
		var out struct {
			Specs []savedSpec `json:"specs"`
			Last  string      `json:"last"`
		}
		if status != 200 || json.Unmarshal(body, &out) != nil {
			return
		}
		p.specs = out.Specs
		if out.Last != "" && p.specID == "" {
			p.applySpec(out.Last)
		}
	})
}

// applySpec loads a saved spec into the settings.
func (p *importPage) applySpec(id string) {
	for _, s := range p.specs {
		if s.ID != id {
			continue
		}
		var sp spec.Spec
		if json.Unmarshal(s.Spec, &sp) != nil {
			return
		}
		p.specID = id
		p.useSpec(sp)
		p.status = "Using the saved spec " + s.Name + "."
	}
}

// useSpec puts a spec's choices into the settings.
func (p *importPage) useSpec(sp spec.Spec) {
	p.searchField, p.searchColumn, p.createNew, p.onError = sp.SearchField, sp.SearchColumn, sp.CreateNewCases, sp.OnError
	if sp.SearchColumn == sp.SearchField {
		p.searchColumn = ""
	}
	if p.searchField == "" {
		p.searchField = "external_id"
	}
	if p.onError == "" {
		p.onError = "skip"
	}
	p.defaults = sp.Defaults
	p.columns = map[string]specColumn{}
	for _, c := range sp.Columns {
		p.columns[c.Column] = specColumn{Column: c.Column, Kind: c.Kind, Field: c.Field, Property: c.Property, ParentType: c.ParentType, DateOrder: c.DateOrder}
	}
}
