package engine

import (
	"fmt"
	"sort"
	"unsafe"

	"casegate/shared/casetype"
	"casegate/shared/model"
)

// parentCand is a case a parent key could mean: an import row, an existing
// case, or both (an import row that updates that existing case).
type parentCand struct {
	row      int // import row index, -1 if none
	existing *model.Case
}

func (c *checker) candCaseType(p parentCand) string {
	if p.row >= 0 {
		return c.rows[p.row].res.CaseType
	}
	return p.existing.CaseType
}

func (c *checker) candidate(p parentCand) model.Candidate {
	if p.row >= 0 {
		r := c.rows[p.row]
		cd := model.Candidate{CaseID: r.res.CaseID, CaseType: r.res.CaseType, ExternalID: r.res.ExternalID,
			File: r.res.File, Sheet: r.res.Sheet, Row: r.res.Row, OwnerID: r.change.OwnerID, DateOpened: r.change.DateOpened}
		if r.change.Name != nil {
			cd.Name = *r.change.Name
		}
		cd.Properties = r.change.Properties.Map()
		return cd
	}
	return candidatesOf([]model.Case{*p.existing})[0]
}

// resolveParents links every row that names a parent to exactly one case,
// or says why it cannot.
func (c *checker) resolveParents() error {
	// The rows each external id is on, built only when a row names its
	// parent by external id: first rows in a map, repeats in another (a
	// slice per id cost an allocation per row).
	byExtParent := false
	for _, r := range c.rows {
		if r.hasParent && !r.parentByID {
			byExtParent = true
			break
		}
	}
	extFirst, extMore := map[string]int{}, map[string][]int{}
	if byExtParent {
		extFirst = make(map[string]int, len(c.rows))
	}
	for i, r := range c.rows {
		if !byExtParent {
			break
		}
		// A row that repeats a new external id is refused, so it is no
		// parent: its children go to the first row.
		if r.res.ExternalID != "" && r.res.Action != ActionSkip && !r.dupKey {
			if _, dup := extFirst[r.res.ExternalID]; dup {
				extMore[r.res.ExternalID] = append(extMore[r.res.ExternalID], i)
			} else {
				extFirst[r.res.ExternalID] = i
			}
		}
	}
	offers := map[[2]string][]model.Candidate{} // a new parent offered, by type and key
	var offerRoom []model.Candidate             // the offers' lists, from a shared array
	var lastOffer [2]string
	var lastList []model.Candidate
	var lastMissKey [4]string // the last parent_not_found message, and what it said
	var lastMiss string
	var msgs textRoom // the messages' bytes, a block at a time
	var (
		ct     casetype.CaseType // the last row's case type, looked up again only when it changes
		ctName string
		ctOK   bool
	)
	for i, r := range c.rows {
		if !r.hasParent || r.res.Action == ActionSkip {
			continue
		}
		if !ctOK || r.res.CaseType != ctName {
			ct, _ = c.in.Registry.Lookup(r.res.CaseType)
			ctName, ctOK = r.res.CaseType, true
		}
		ptype := r.parentType
		if ptype == "" {
			ptype = ct.ParentType
		}
		if ptype == "" {
			ptype = r.res.CaseType // CommCare's default
		}
		// Normalized here, not in the row: a plan made to keep the rows
		// shares their parent requests.
		relation, identifier := r.relationID()
		switch relation {
		case "", "child":
			relation = "child"
		case "extension":
		default:
			r.errorf(model.CodeInvalidRelation, "parent_relationship_type", relation, "parent_relationship_type must be child or extension, not %q.", relation)
			continue
		}
		if identifier == "" {
			identifier = "parent"
			if relation == "extension" {
				identifier = "host"
			}
		}
		var cands []parentCand
		if r.parentByID {
			if cs, ok := c.byID[r.parentKey]; ok {
				cands = append(cands, parentCand{row: -1, existing: &cs})
			}
		} else {
			add := func(j int) {
				cands = append(cands, parentCand{row: j, existing: c.rows[j].existing})
			}
			if j, ok := extFirst[r.parentKey]; ok {
				add(j)
				for _, j := range extMore[r.parentKey] {
					add(j)
				}
			}
			rowCands := len(cands)
			for _, cs := range c.byExt[r.parentKey] {
				merged := false // already a candidate as the row that updates it
				for _, p := range cands[:rowCands] {
					if p.existing != nil && p.existing.CaseID == cs.CaseID {
						merged = true
					}
				}
				if !merged {
					cs := cs
					cands = append(cands, parentCand{row: -1, existing: &cs})
				}
			}
		}
		var right, wrong []parentCand
		for _, p := range cands {
			if c.candCaseType(p) == ptype {
				right = append(right, p)
			} else {
				wrong = append(wrong, p)
			}
		}
		keyName := "external_id"
		if r.parentByID {
			keyName = "case_id"
		}
		var pick *parentCand
		chosen, makeNew := false, false
		var newOffer model.Candidate
		var whyNot string
		if len(right) != 1 && len(wrong) == 0 || len(right) > 1 {
			newOffer, whyNot = c.newParentOffer(r, ptype)
		}
		switch {
		case len(right) == 1:
			pick = &right[0]
		case len(right) > 1:
			p, ok, isNew, msg := c.applyChoice(r, ptype, right)
			switch {
			case ok:
				pick, chosen = p, true
			case isNew && whyNot == "":
				makeNew = true
			default:
				if isNew {
					msg = " (A new parent was chosen, but " + whyNot + ")"
				}
				is := r.errorf(model.CodeParentAmbiguous, r.parentCol, r.parentKey, "Parent %s %s matches %d %s cases; choose one.%s", keyName, r.parentKey, len(right), ptype, msg)
				for _, p := range right {
					is.Candidates = append(is.Candidates, c.candidate(p))
				}
				if whyNot == "" {
					is.Candidates = append(is.Candidates, newOffer)
				}
			}
		case len(wrong) > 0:
			is := r.errorf(model.CodeParentWrongType, r.parentCol, r.parentKey, "Parent %s %s is a %s case, not %s. Set parent_type if the parent is another type.", keyName, r.parentKey, c.candCaseType(wrong[0]), ptype)
			for _, p := range wrong {
				is.Candidates = append(is.Candidates, c.candidate(p))
			}
		default:
			_, _, isNew, _ := c.applyChoice(r, ptype, nil)
			if isNew && whyNot == "" {
				makeNew = true
				break
			}
			where := "in this import or among existing cases"
			if c.in.Existing == nil {
				where = "in this import (no existing cases were given to match against)"
			}
			msg := ""
			if isNew {
				msg = " A new parent was chosen, but " + whyNot
			}
			// Concatenated, not formatted, and shared by the rows of a key
			// that follow each other (a household's members): a file of
			// children without their parents has this on every row (fmt was
			// a tenth of its check in wasm).
			if k := [4]string{ptype, keyName, r.parentKey, msg}; k != lastMissKey || lastMiss == "" {
				lastMiss, lastMissKey = msgs.join("No ", ptype, " case with ", keyName, " ", r.parentKey, " was found ", where, ".", msg), k
			}
			is := r.add(model.SeverityError, model.CodeParentNotFound, r.parentCol, r.parentKey, lastMiss)
			if whyNot == "" {
				// One list per key, shared by its rows (read-only; cap = len);
				// a household's members usually follow each other.
				if k := [2]string{ptype, r.parentKey}; k != lastOffer || lastList == nil {
					if lastList = offers[k]; lastList == nil {
						if len(offerRoom) == 0 {
							offerRoom = make([]model.Candidate, 1024)
						}
						offerRoom[0] = newOffer
						lastList, offerRoom = offerRoom[:1:1], offerRoom[1:]
						offers[k] = lastList
					}
					lastOffer = k
				}
				is.Candidates = lastList
			}
		}
		if makeNew {
			r.res.Parent = &Parent{CaseType: ptype, ExternalID: r.parentKey, Name: r.parentKey, Relationship: relation,
				Identifier: identifier, Source: SourceNew, Chosen: true}
			continue
		}
		if pick == nil {
			continue
		}
		par := &Parent{CaseType: ptype, Relationship: relation, Identifier: identifier, Chosen: chosen}
		if pick.existing != nil {
			par.CaseID, par.ExternalID, par.Name, par.Source = pick.existing.CaseID, pick.existing.ExternalID, pick.existing.Name, SourceExisting
		}
		if pick.row >= 0 {
			pr := c.rows[pick.row]
			ref := pr.res.Ref()
			par.Row, par.Source, par.ExternalID = &ref, SourceImport, pr.res.ExternalID
			if pr.change.Name != nil {
				par.Name = *pr.change.Name
			}
			r.parentIndex = pick.row
		}
		if pick.row == i || (par.CaseID != "" && par.CaseID == r.res.CaseID) {
			r.errorf(model.CodeParentCycle, r.parentCol, r.parentKey, "This row names its own case as its parent.")
			r.parentIndex = -1
			continue
		}
		r.res.Parent = par
	}
	c.findCycles()
	return nil
}

// applyChoice honours a person's pick among ambiguous candidates: the one
// picked (ok), or a new parent (isNew); else msg says why an earlier pick no
// longer applies.
func (c *checker) applyChoice(r *rowState, ptype string, cands []parentCand) (pick *parentCand, ok, isNew bool, msg string) {
	for _, ch := range c.in.Choices {
		forRow := ch.Row != nil && *ch.Row == r.res.Ref()
		forKey := ch.Row == nil && ch.Key == r.parentKey && (ch.ParentType == "" || ch.ParentType == ptype)
		if !forRow && !forKey {
			continue
		}
		if ch.New {
			return nil, false, true, ""
		}
		for k := range cands {
			p := &cands[k]
			if ch.CaseID != "" && p.existing != nil && p.existing.CaseID == ch.CaseID {
				return p, true, false, ""
			}
			if ch.ParentRow != nil && p.row >= 0 && c.rows[p.row].res.Ref() == *ch.ParentRow {
				return p, true, false, ""
			}
		}
		return nil, false, false, " (The parent chosen earlier is not one of the candidates any more.)"
	}
	return nil, false, false, ""
}

// newParentOffer is the candidate that stands for a new parent case, or why
// the import may not create one: only with create_new_cases on, for a parent
// named by external id (case ids are made by the commit), of a case type
// whose required fields a new case with just an external id and a name
// (the key) satisfies.
func (c *checker) newParentOffer(r *rowState, ptype string) (model.Candidate, string) {
	offer := model.Candidate{CaseType: ptype, ExternalID: r.parentKey, Name: r.parentKey, New: true}
	switch {
	case !c.sp.CreateNewCases:
		return offer, "this import does not create new cases (create_new_cases is off)."
	case r.parentByID:
		return offer, "the parent is named by case_id, which only an existing case has."
	case r.parentKey == "":
		return offer, "the parent's external id is blank."
	}
	ct, _ := c.in.Registry.Lookup(ptype)
	for _, f := range ct.Fields {
		if f.Required && f.Name != "name" && f.Name != "external_id" {
			return offer, fmt.Sprintf("a new %s case needs %s, which a parent made from its key would not have; add a row for it.", ptype, labelOf(f))
		}
	}
	return offer, ""
}

// findCycles flags rows whose import parents lead back to themselves.
func (c *checker) findCycles() {
	const (
		white = iota
		grey
		black
	)
	color := make([]int8, len(c.rows))
	var path []int // reused: one allocation, not one a row
	for start := range c.rows {
		if color[start] != white {
			continue
		}
		path = path[:0]
		i := start
		for i >= 0 && color[i] == white {
			color[i] = grey
			path = append(path, i)
			i = c.rows[i].parentIndex
		}
		if i >= 0 && color[i] == grey { // back to the current path: a cycle
			inCycle := false
			members := c.cycleRows(i)
			for _, j := range path {
				if j == i {
					inCycle = true
				}
				if inCycle {
					r := c.rows[j]
					r.errorf(model.CodeParentCycle, r.parentCol, r.parentKey, "Rows %s name each other as parents; a case cannot be its own ancestor.", members)
					r.parentIndex = -1
					r.res.Parent = nil
				}
			}
		}
		for _, j := range path {
			color[j] = black
		}
	}
}

func (c *checker) cycleRows(start int) string {
	s := ""
	seen := map[int]bool{}
	for i := start; i >= 0 && !seen[i]; i = c.rows[i].parentIndex {
		seen[i] = true
		if s != "" {
			s += ", "
		}
		s += fmt.Sprint(c.rows[i].res.Row)
	}
	return s
}

// finish resolves owners, propagates failures from parents to children,
// settles each row's action and returns the commit order.
func (c *checker) finish() []int {
	for _, r := range c.rows {
		if r.res.Action != ActionSkip {
			c.resolveOwner(r)
		}
	}
	order := c.topoOrder()
	for _, i := range order {
		r := c.rows[i]
		if r.res.Action == "" {
			r.res.Action = ActionCreate
		}
		if p := r.parentIndex; p >= 0 && r.res.Parent != nil && r.res.Parent.CaseID == "" {
			pr := c.rows[p]
			if pr.res.Action == ActionError || pr.res.Action == ActionSkip {
				r.errorf(model.CodeParentNotCreated, r.parentCol, r.parentKey, "Its parent (row %d) will not be imported, so this row cannot be linked to it. Fix row %d first.", pr.res.Row, pr.res.Row)
			}
		}
		if r.res.HasError() {
			r.res.Action = ActionError
		}
		switch r.res.Action {
		case ActionCreate, ActionUpdate:
			// The plan points at the row's own change (a plan made in
			// place spends the rows; one made to keep them works on copies).
			ch := &r.change
			ch.Close = r.closeSet
			if r.res.Action == ActionUpdate && unchanged(r.existing, ch, r.res.Parent) {
				r.res.Action = ActionUnchanged
				break
			}
			r.res.Change = ch
		}
	}
	return order
}

// topoOrder lists rows parents-first, otherwise in file order.
func (c *checker) topoOrder() []int {
	depth := make([]int, len(c.rows))
	for i := range c.rows {
		d := 0
		for j := c.rows[i].parentIndex; j >= 0 && d <= len(c.rows); j = c.rows[j].parentIndex {
			d++
		}
		depth[i] = d
	}
	order := make([]int, len(c.rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return depth[order[a]] < depth[order[b]] })
	return order
}

// unchanged reports whether applying ch to cs would change nothing.
func unchanged(cs *model.Case, ch *Change, p *Parent) bool {
	if cs == nil {
		return false
	}
	if ch.Name != nil && *ch.Name != cs.Name {
		return false
	}
	if ch.ExternalID != "" && ch.ExternalID != cs.ExternalID {
		return false
	}
	if ch.OwnerID != "" && ch.OwnerID != cs.OwnerID || ch.OwnerName != "" {
		return false
	}
	if ch.DateOpened != "" && ch.DateOpened != cs.DateOpened {
		return false
	}
	if ch.Close && !cs.Closed {
		return false
	}
	for name, v := range ch.Properties.All() {
		if cs.Properties[name] != v {
			return false
		}
	}
	if p != nil {
		if cs.Parent == nil || p.CaseID == "" || cs.Parent.CaseID != p.CaseID ||
			cs.Parent.Relationship != p.Relationship || cs.Parent.Identifier != p.Identifier {
			return false
		}
	}
	return true
}

// textRoom makes strings out of shared blocks: a string per key was an
// allocation per household in a file of members without their households.
type textRoom struct{ b []byte }

// join returns the parts as one string; its bytes are never written again.
func (t *textRoom) join(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return ""
	}
	if cap(t.b)-len(t.b) < n {
		t.b = make([]byte, 0, max(n, 64<<10))
	}
	start := len(t.b)
	for _, p := range parts {
		t.b = append(t.b, p...)
	}
	return unsafe.String(&t.b[start], n)
}
