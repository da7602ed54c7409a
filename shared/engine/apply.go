package engine

import (
	"maps"

	"casegate/shared/model"
)

// Write is one case write of a commit, in commit order.
type Write struct {
	Index  int         // into Plan.Rows; -1 for a new parent (made for the rows that chose one)
	Create bool        // a new case; else an update of Before
	Before *model.Case // the case as it was (updates only)
	After  model.Case  // the case as the commit leaves it
}

// Apply turns a plan into the writes a commit makes, parents first. Rows
// with errors, skips and unchanged rows write nothing. newID names new cases;
// now stamps modified_on (and date_opened of new cases without one); owner
// is the importing user, the owner of new cases that name none. Existing
// cases are those the plan was checked against, by case id. A child whose
// parent is created by the same commit gets the parent's new id; a parent
// chosen to be new is created once per type and key, just before the first
// row that needs it, with that row's owner.
func Apply(p *Plan, existing map[string]model.Case, newID func() string, now, owner string) []Write {
	created := map[RowRef]string{}       // import row → the case id it wrote
	newParents := map[[2]string]string{} // (type, external id) → the new parent's case id
	current := map[string]model.Case{}   // cases as earlier writes of this commit left them
	var out []Write
	for _, i := range p.Order {
		r := &p.Rows[i]
		if r.Change == nil || (r.Action != ActionCreate && r.Action != ActionUpdate) {
			continue
		}
		ch := r.Change
		var c model.Case
		w := Write{Index: i}
		if r.Action == ActionCreate {
			w.Create = true
			c = model.Case{CaseID: newID(), CaseType: r.CaseType, OwnerID: owner, DateOpened: now[:min(10, len(now))], Properties: map[string]string{}}
		} else {
			before, ok := current[r.CaseID]
			if !ok {
				if before, ok = existing[r.CaseID]; !ok {
					continue // the plan was checked against these cases: cannot happen
				}
			}
			b := before
			b.Properties = maps.Clone(before.Properties)
			if before.Parent != nil {
				bp := *before.Parent
				b.Parent = &bp
			}
			w.Before = &b
			c = before
			c.Properties = maps.Clone(before.Properties)
			if c.Properties == nil {
				c.Properties = map[string]string{}
			}
			if before.Parent != nil {
				cp := *before.Parent
				c.Parent = &cp
			}
		}
		if ch.Name != nil {
			c.Name = *ch.Name
		}
		if ch.ExternalID != "" {
			c.ExternalID = ch.ExternalID
		}
		if ch.OwnerID != "" {
			c.OwnerID = ch.OwnerID
		}
		if ch.DateOpened != "" {
			c.DateOpened = ch.DateOpened
		}
		if ch.Close {
			c.Closed = true
		}
		for name, v := range ch.Properties.All() {
			c.Properties[name] = v
		}
		if par := r.Parent; par != nil {
			id := par.CaseID
			if id == "" && par.Row != nil {
				id = created[*par.Row]
			}
			if par.Source == SourceNew {
				k := [2]string{par.CaseType, par.ExternalID}
				if id = newParents[k]; id == "" {
					pc := model.Case{CaseID: newID(), CaseType: par.CaseType, ExternalID: par.ExternalID, Name: par.Name, OwnerID: c.OwnerID,
						DateOpened: now[:min(10, len(now))], ModifiedOn: now, Properties: map[string]string{}}
					newParents[k], id = pc.CaseID, pc.CaseID
					current[pc.CaseID] = pc
					out = append(out, Write{Index: -1, Create: true, After: pc})
				}
			}
			if id != "" {
				c.Parent = &model.Index{CaseID: id, CaseType: par.CaseType, Relationship: par.Relationship, Identifier: par.Identifier}
			}
		}
		c.ModifiedOn = now
		created[r.Ref()] = c.CaseID
		w.After = c
		current[c.CaseID] = c
		out = append(out, w)
	}
	return out
}
