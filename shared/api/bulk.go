package api

import (
	"sort"

	"casegate/shared/engine"
	"casegate/shared/model"
)

// commcareTitles are CommCare's error titles and descriptions, where one
// exists for our code, so scripts that read them keep working.
var commcareTitles = map[model.Code][2]string{
	model.CodeInvalidOwner:     {"Invalid Owner", "Owners were provided in the mapping but there were errors when uploading because of these values. Make sure the owners in this column are users, case sharing groups, or locations."},
	model.CodeParentNotFound:   {"Invalid Parent ID", "An invalid or unknown parent case was specified for the uploaded case."},
	model.CodeParentAmbiguous:  {"Invalid Parent ID", "An invalid or unknown parent case was specified for the uploaded case."},
	model.CodeParentWrongType:  {"Invalid Parent ID", "An invalid or unknown parent case was specified for the uploaded case."},
	model.CodeParentCycle:      {"Invalid Parent ID", "An invalid or unknown parent case was specified for the uploaded case."},
	model.CodeParentNotCreated: {"Invalid Parent ID", "An invalid or unknown parent case was specified for the uploaded case."},
	model.CodeInvalidRelation:  {"Invalid Parent ID", "An invalid or unknown parent case was specified for the uploaded case."},
	model.CodeTooManyMatches:   {"Too Many Matches", "These rows matched more than one case at the same time - this means that there are cases in your system with the same external ID."},
	model.CodeBlankExternalID:  {"Blank External ID", "Blank external ids were found in these rows causing as error when importing cases."},
	model.CodeInvalidDate:      {"Invalid Date", "These rows have dates that could not be read."},
	model.CodeRequired:         {"Required Value Missing", "These rows leave a required field blank."},
	model.CodeInvalidValue:     {"Invalid Value", "These rows have values that do not follow the case type's rules."},
	model.CodeTooLong:          {"Value Too Long", "These rows have values longer than allowed."},
	model.CodeDuplicateInFile:  {"Duplicate In File", "These rows repeat a value that must be unique in the file."},
	model.CodeNoMatch:          {"No Matching Case", "These rows matched no existing case."},
	model.CodeBadAddress:       {"Invalid Address", "These rows have addresses that could not be verified."},
	model.CodeErrorCell:        {"Spreadsheet Error Cell", "These rows hold spreadsheet errors such as #N/A."},
	model.CodeWrongCaseType:    {"Invalid Case ID", "These rows name a case of another case type."},
}

// BulkErrors groups a plan's errors the way CommCare's status JSON does: one
// entry per title and column, with the rows.
func BulkErrors(p *engine.Plan) []BulkError {
	type key struct {
		title, column string
		code          model.Code
	}
	groups := map[key]*BulkError{}
	var order []key
	for _, r := range p.Rows {
		for _, is := range r.Issues {
			if is.Severity != model.SeverityError && !(is.Code == model.CodeNoMatch && r.Action == engine.ActionSkip) {
				continue
			}
			title, desc := commcareTitle(is)
			k := key{title, is.Column, is.Code}
			g, ok := groups[k]
			if !ok {
				g = &BulkError{Title: title, Description: desc, Column: is.Column, Code: string(is.Code), Rows: []int{}}
				groups[k] = g
				order = append(order, k)
			}
			if n := len(g.Rows); n == 0 || g.Rows[n-1] != r.Row {
				g.Rows = append(g.Rows, r.Row)
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].title != order[j].title {
			return order[i].title < order[j].title
		}
		return order[i].column < order[j].column
	})
	out := make([]BulkError, 0, len(order))
	for _, k := range order {
		out = append(out, *groups[k])
	}
	return out
}

func commcareTitle(is model.Issue) (string, string) {
	switch {
	case is.Code == model.CodeInvalidOwner && is.Column == "owner_name":
		return "Invalid Owner Name", "Owner name was used in the mapping but there were errors when uploading because of these values."
	case is.Code == model.CodeTooLong && is.Column == "name":
		return "Name Too Long", "The case name cannot be longer than 255 characters"
	case is.Code == model.CodeTooLong && is.Column == "external_id":
		return "External ID Too Long", "The external id cannot be longer than 255 characters"
	}
	if t, ok := commcareTitles[is.Code]; ok {
		return t[0], t[1]
	}
	return string(is.Code), is.Message
}
