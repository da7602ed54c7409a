package engine

import (
	"strings"

	"casegate/shared/mapping"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/value"
)

// exportSystem are a case export's columns that are not properties: ours
// and CommCare's.
var exportSystem = map[string]bool{
	"case_id": true, "caseid": true, "case_type": true, "external_id": true, "name": true,
	"owner_id": true, "closed": true, "date_opened": true, "opened_date": true, "modified_on": true,
	"number": true, "closed_by_user_id": true, "closed_by_username": true, "closed_date": true,
	"last_modified_by_user_id": true, "last_modified_by_user_username": true, "last_modified_date": true,
	"opened_by_user_id": true, "opened_by_username": true, "owner_name": true,
	"server_last_modified_date": true, "state": true, "case_link": true,
}

// CasesFromSheet reads a case export (ours, or CommCare's) into cases, so the
// check command and the offline page can match against existing cases
// without a server. The header is case_id (or caseid), case_type,
// external_id, name, owner_id, closed, date_opened, indices.<type> (or
// parent.<type>) and then properties; "---" means never set.
func CasesFromSheet(sh sheet.Sheet) ([]model.Case, error) {
	idx := map[string]int{}
	parents := map[int]string{}
	for i, h := range sh.Header {
		k := strings.ToLower(strings.TrimSpace(h))
		if pt, ok := mapping.ParentRef(h); ok {
			parents[i] = pt
			continue
		}
		if _, dup := idx[k]; !dup {
			idx[k] = i
		}
	}
	idCol, ok := idx["case_id"]
	if !ok {
		if idCol, ok = idx["caseid"]; !ok {
			return nil, model.Errorf(model.EInvalid, "The case export %s has no case_id column.", sh.Name)
		}
	}
	get := func(r sheet.Row, name string) string {
		i, ok := idx[name]
		if !ok || i >= r.Len() {
			return ""
		}
		v := value.Clean(r.Text(i))
		if v == "---" {
			return ""
		}
		return v
	}
	var out []model.Case
	for _, r := range sh.Rows {
		id := ""
		if idCol < r.Len() {
			id = value.Clean(r.Text(idCol))
		}
		if id == "" {
			continue
		}
		c := model.Case{CaseID: id, CaseType: get(r, "case_type"), ExternalID: get(r, "external_id"), Name: get(r, "name"),
			OwnerID: get(r, "owner_id"), DateOpened: get(r, "date_opened"), Properties: map[string]string{}}
		if c.DateOpened == "" {
			c.DateOpened = get(r, "opened_date")
		}
		// Stored the way an import would store it, so a re-import is unchanged.
		if d, err := value.ParseDate(c.DateOpened, value.OrderMDY); err == nil {
			c.DateOpened = d.String()
		}
		switch strings.ToLower(get(r, "closed")) {
		case "true", "yes", "1":
			c.Closed = true
		}
		for i, pt := range parents {
			if i < r.Len() {
				if v := value.Clean(r.Text(i)); v != "" && v != "---" {
					c.Parent = &model.Index{CaseID: strings.Fields(v)[0], CaseType: pt, Relationship: "child", Identifier: "parent"}
				}
			}
		}
		for i, h := range sh.Header {
			k := strings.TrimSpace(h)
			if _, isParent := parents[i]; isParent || exportSystem[strings.ToLower(k)] || k == "" || i >= r.Len() {
				continue
			}
			v := value.Clean(r.Text(i))
			if v == "---" {
				v = ""
			}
			c.Properties[k] = v
		}
		out = append(out, c)
	}
	return out, nil
}
