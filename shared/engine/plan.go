package engine

import (
	"casegate/shared/model"
	"casegate/shared/tablewire"
)

// Action is what committing a row will do.
type Action string

const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
	ActionUnchanged Action = "unchanged"
	ActionSkip      Action = "skip"
	ActionError     Action = "error"
)

// RowRef names one row of one sheet of one file of an import.
type RowRef = tablewire.RowRef

// Parent is how a row's parent was resolved.
type Parent struct {
	CaseID       string  `json:"case_id,omitempty"` // an existing case (empty when the parent is created by this import)
	CaseType     string  `json:"case_type"`
	ExternalID   string  `json:"external_id,omitempty"`
	Name         string  `json:"name,omitempty"`
	Relationship string  `json:"relationship"`
	Identifier   string  `json:"identifier"`
	Source       string  `json:"source"`        // "existing", "import" or "new" (created by the commit for this key)
	Row          *RowRef `json:"row,omitempty"` // the import row that creates or updates the parent
	Chosen       bool    `json:"chosen,omitempty"`
}

// Change is what a create or update writes.
type Change struct {
	Name       *string `json:"name,omitempty"`
	ExternalID string  `json:"external_id,omitempty"`
	OwnerID    string  `json:"owner_id,omitempty"`
	OwnerName  string  `json:"owner_name,omitempty"` // unresolved (no owner list given)
	DateOpened string  `json:"date_opened,omitempty"`
	Close      bool    `json:"close,omitempty"`
	Properties Props   `json:"properties,omitzero"`
}

// RowResult is the verdict on one row.
type RowResult struct {
	File       string        `json:"file"`
	Sheet      string        `json:"sheet"`
	Row        int           `json:"row"`
	Action     Action        `json:"action"`
	CaseID     string        `json:"case_id,omitempty"`
	CaseType   string        `json:"case_type"`
	ExternalID string        `json:"external_id,omitempty"`
	Parent     *Parent       `json:"parent,omitempty"`
	Issues     []model.Issue `json:"issues,omitempty"`
	Change     *Change       `json:"change,omitempty"`
}

// Ref returns the row's reference.
func (r *RowResult) Ref() RowRef { return RowRef{File: r.File, Sheet: r.Sheet, Row: r.Row} }

// HasError reports whether any issue is an error.
func (r *RowResult) HasError() bool {
	for _, is := range r.Issues {
		if is.Severity == model.SeverityError {
			return true
		}
	}
	return false
}

// Notice is a finding about a whole column or sheet rather than a row.
type Notice struct {
	File  string `json:"file"`
	Sheet string `json:"sheet"`
	model.Issue
}

// Summary counts rows by action.
type Summary = tablewire.Summary

// Plan is the deterministic outcome of checking an import: the same input
// gives a byte-identical plan (and Hash) on every platform, which is how the
// server knows it agrees with the page.
type Plan struct {
	Summary Summary     `json:"summary"`
	OnError string      `json:"on_error"`
	Notices []Notice    `json:"notices,omitempty"`
	Rows    []RowResult `json:"rows"`
	Order   []int       `json:"order"` // commit order (indexes into Rows): parents before children
	Hash    string      `json:"hash"`
}

// Committable reports whether a commit may proceed: with on_error halt no row
// may have an error.
func (p *Plan) Committable() bool {
	return p.OnError != "halt" || p.Summary.Error == 0
}

func (p *Plan) summarize() {
	s := Summary{Rows: len(p.Rows)}
	var news map[[2]string]bool
	for i := range p.Rows {
		r := &p.Rows[i]
		if par := r.Parent; par != nil && par.Source == SourceNew && (r.Action == ActionCreate || r.Action == ActionUpdate) {
			if news == nil {
				news = map[[2]string]bool{}
			}
			news[[2]string{par.CaseType, par.ExternalID}] = true
		}
		switch r.Action {
		case ActionCreate:
			s.Create++
		case ActionUpdate:
			s.Update++
		case ActionUnchanged:
			s.Unchanged++
		case ActionSkip:
			s.Skip++
		case ActionError:
			s.Error++
		}
		for _, is := range r.Issues {
			if is.Severity == model.SeverityWarning {
				s.Warning++
				break
			}
		}
	}
	s.NewParents = len(news)
	p.Summary = s
}

// Parent sources.
const (
	SourceExisting = "existing"
	SourceImport   = "import"
	SourceNew      = "new"
)

// Report is the check command's JSON report: the plan without the commit
// details.
type Report struct {
	Summary Summary     `json:"summary"`
	Notices []Notice    `json:"notices,omitempty"`
	Rows    []ReportRow `json:"rows"`
	Hash    string      `json:"hash"`
}

// ReportRow is one row of a Report.
type ReportRow struct {
	File       string        `json:"file"`
	Sheet      string        `json:"sheet"`
	Row        int           `json:"row"`
	Action     Action        `json:"action"`
	CaseID     string        `json:"case_id"`
	CaseType   string        `json:"case_type"`
	ExternalID string        `json:"external_id"`
	Parent     *Parent       `json:"parent"`
	Issues     []model.Issue `json:"issues"`
}

// Report returns the plan as a report.
func (p *Plan) Report() Report {
	r := Report{Summary: p.Summary, Notices: p.Notices, Hash: p.Hash, Rows: make([]ReportRow, len(p.Rows))}
	for i, x := range p.Rows {
		issues := x.Issues
		if issues == nil {
			issues = []model.Issue{}
		}
		r.Rows[i] = ReportRow{File: x.File, Sheet: x.Sheet, Row: x.Row, Action: x.Action, CaseID: x.CaseID,
			CaseType: x.CaseType, ExternalID: x.ExternalID, Parent: x.Parent, Issues: issues}
	}
	return r
}
