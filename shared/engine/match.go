package engine

import (
	"sort"
	"strings"

	"casegate/shared/model"
)

// matchExisting decides, for every row, which existing case it updates (by
// the search field) and whether it creates, updates or skips.
func (c *checker) matchExisting() error {
	byID := map[string]model.Case{}
	byExt := map[string][]model.Case{}
	if m, ok := c.in.Existing.(*MemoryCases); ok && m != nil {
		// Every case is in memory already: its maps are looked up as they
		// are (listing and sorting the rows' keys first, for a database's
		// batched queries, was a fifth of a 100k-row check in the browser).
		byID, byExt = m.byID, m.byExt
	} else if c.in.Existing != nil {
		ids, exts := c.lookupKeys()
		var err error
		if len(ids) > 0 {
			if byID, err = c.in.Existing.CasesByID(ids); err != nil {
				return err
			}
		}
		if len(exts) > 0 {
			if byExt, err = c.in.Existing.CasesByExternalID(exts); err != nil {
				return err
			}
		}
	}
	c.byID, c.byExt = byID, byExt
	// By case type, then key: the type's maps are looked up once per run of
	// rows of that type, so a row hashes its key alone (a key of both
	// strings was an eighth of checking a file of children in wasm).
	firstCreate := map[string]map[string]int{} // case type → key → row number creating it
	firstUpdate := map[string]map[string]int{}
	perType := map[string]int{}    // rows of each type: the creates map is sized once (growing it was 5% of a check)
	for i := 0; i < len(c.rows); { // by runs of a type: a lookup per run, not per row
		j, t := i, c.rows[i].res.CaseType
		for j < len(c.rows) && c.rows[j].res.CaseType == t {
			j++
		}
		perType[t] += j - i
		i = j
	}
	var (
		curType          string
		creates, updates map[string]int
	)
	for _, r := range c.rows {
		if r.res.Action == ActionSkip {
			continue
		}
		key := r.searchKey
		col := c.sp.SearchColumn
		switch c.sp.SearchField {
		case "case_id":
			if key == "" {
				c.createOrSkip(r, func() string { return "This row has no case_id" })
				break
			}
			cs, ok := byID[key]
			switch {
			case !ok:
				if !c.sp.CreateNewCases {
					r.res.Action = ActionSkip
					r.warnf(model.CodeNoMatch, col, key, "case_id %s matches no case; the row is skipped because creating new cases is off.", key)
				} else {
					r.errorf(model.CodeNoMatch, col, key, "case_id %s matches no case in this project. To create a new case, leave case_id blank (a new id is assigned).", key)
				}
			case cs.CaseType != r.res.CaseType:
				r.errorf(model.CodeWrongCaseType, col, key, "case_id %s is a %s case, not %s.", key, cs.CaseType, r.res.CaseType)
			default:
				r.update(cs)
			}
		case "external_id":
			if key == "" {
				r.errorf(model.CodeBlankExternalID, col, "", "The search column %s is blank; every row needs an external id to be matched or created.", col)
				break
			}
			if r.change.ExternalID == "" {
				r.change.ExternalID = key
			}
			var same []model.Case
			for _, cs := range byExt[key] {
				if cs.CaseType == r.res.CaseType {
					same = append(same, cs)
				}
			}
			switch len(same) {
			case 0:
				c.createOrSkip(r, func() string { return "external_id " + key + " matches no " + r.res.CaseType + " case" })
			case 1:
				r.update(same[0])
			default:
				is := r.errorf(model.CodeTooManyMatches, col, key, "external_id %s matches %d %s cases; only one may have it. Search by case_id instead, or fix the duplicates.", key, len(same), r.res.CaseType)
				is.Candidates = candidatesOf(same)
			}
		}
		r.res.ExternalID = r.change.ExternalID
		if r.existing != nil && r.res.ExternalID == "" {
			r.res.ExternalID = r.existing.ExternalID
		}
		// The same case twice in the file: updates apply in file order (last
		// wins); creating it twice would make two cases, so later rows fail.
		if key != "" {
			if creates == nil || r.res.CaseType != curType {
				curType = r.res.CaseType
				if creates = firstCreate[curType]; creates == nil {
					creates, updates = make(map[string]int, perType[curType]), map[string]int{}
					firstCreate[curType], firstUpdate[curType] = creates, updates
				}
				updates = firstUpdate[curType]
			}
			k := key
			switch {
			case r.res.Action == ActionCreate:
				if first, dup := creates[k]; dup {
					r.dupKey = true
					if hasCode(r, model.CodeDuplicateInFile) {
						break
					}
					r.errorf(model.CodeDuplicateInFile, col, key, "%s is also in row %d, which creates it; the same case cannot be created twice. Merge the rows.", key, first)
				} else {
					creates[k] = r.res.Row
				}
			case r.existing != nil:
				if first, dup := updates[k]; dup {
					r.warnf(model.CodeCaseUpdatedTwice, col, key, "Row %d updates the same case; both apply in file order, so this row's values win.", first)
				} else {
					updates[k] = r.res.Row
				}
			}
		}
	}
	return nil
}

// createOrSkip creates the row's case, or skips the row saying why (a
// format and its arguments: built only when said).
// createOrSkip makes r a create, or skips it (saying why()) when the import
// creates nothing.
func (c *checker) createOrSkip(r *rowState, why func() string) {
	if c.sp.CreateNewCases {
		r.res.Action = ActionCreate
		if r.closeSet {
			r.warnf(model.CodeCloseOnCreate, "close", "yes", "A new case cannot be closed in the row that creates it; import it, then close it with a second import.")
			r.closeSet = false
		}
		return
	}
	r.res.Action = ActionSkip
	r.add(model.SeverityWarning, model.CodeNoMatch, c.sp.SearchColumn, r.searchKey, why()+"; the row is skipped because creating new cases is off.")
}

func (r *rowState) update(cs model.Case) {
	r.existing = &cs
	r.res.Action = ActionUpdate
	r.res.CaseID = cs.CaseID
}

// lookupKeys lists the ids and external ids rows search for or name as parents.
func (c *checker) lookupKeys() (ids, exts []string) {
	idSet, extSet := map[string]bool{}, map[string]bool{}
	for _, r := range c.rows {
		if r.searchKey != "" {
			if c.sp.SearchField == "case_id" {
				idSet[r.searchKey] = true
			} else {
				extSet[r.searchKey] = true
			}
		}
		if r.hasParent {
			if r.parentByID {
				idSet[r.parentKey] = true
			} else {
				extSet[r.parentKey] = true
			}
		}
	}
	return sortedKeys(idSet), sortedKeys(extSet)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func candidatesOf(cs []model.Case) []model.Candidate {
	out := make([]model.Candidate, len(cs))
	for i, x := range cs {
		out[i] = model.Candidate{CaseID: x.CaseID, CaseType: x.CaseType, ExternalID: x.ExternalID, Name: x.Name,
			OwnerID: x.OwnerID, DateOpened: x.DateOpened, Properties: x.Properties}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CaseID < out[j].CaseID })
	return out
}

// resolveOwner checks owner_id and resolves owner_name against the domain's
// owners, when the caller gave them.
func (c *checker) resolveOwner(r *rowState) {
	if c.owners == nil {
		if r.ownerName != "" && !r.ownerIDSet {
			r.change.OwnerName = r.ownerName
		}
		return
	}
	if r.ownerName != "" { // owner_name wins over owner_id, as in CommCare
		os := c.owners[strings.ToLower(r.ownerName)]
		switch len(os) {
		case 0:
			r.errorf(model.CodeInvalidOwner, "owner_name", r.ownerName, "Owner %q is not a user or group of this project.", r.ownerName)
		case 1:
			r.change.OwnerID = os[0].ID
		default:
			r.errorf(model.CodeInvalidOwner, "owner_name", r.ownerName, "Owner %q names %d users or groups; use owner_id instead.", r.ownerName, len(os))
		}
		return
	}
	if r.ownerIDSet && !c.ownerID[r.change.OwnerID] {
		r.errorf(model.CodeInvalidOwner, "owner_id", r.change.OwnerID, "Owner id %s is not a user or group of this project.", r.change.OwnerID)
	}
}

func hasCode(r *rowState, code model.Code) bool {
	for _, is := range r.res.Issues {
		if is.Code == code {
			return true
		}
	}
	return false
}
