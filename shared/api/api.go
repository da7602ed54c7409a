// Package api holds the wire types of casegate's HTTP APIs, shared by the
// browser and the server so the two cannot disagree: the native JSON API
// under /a/{domain}/api/ and the CommCare-compatible bulk upload API.
package api

import (
	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
	"casegate/shared/tablewire"
)

// Error is every native API error body: {"error": {"code", "message"}}.
type Error struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody names the problem.
type ErrorBody struct {
	Code    model.ErrorKind `json:"code"`
	Message string          `json:"message"`
}

// Table and Row are an import's sheets as the page read them (after edits).
type (
	Table = tablewire.Table
	Row   = tablewire.Row
)

// FromEngine converts tables for the wire.
func FromEngine(ts []engine.Table) []Table {
	out := make([]Table, len(ts))
	for i, t := range ts {
		wt := Table{File: t.File, Sheet: t.Sheet, CaseType: t.CaseType, Date1904: t.Date1904, Header: t.Header, Rows: make([]Row, len(t.Rows))}
		for j, r := range t.Rows {
			wt.Rows[j] = Row{Num: r.Num, Cells: r.Texts(), Kinds: kindsOf(&t.Rows[j], nil)}
		}
		out[i] = wt
	}
	return out
}

// ToEngine converts wire tables back.
func ToEngine(ts []Table) []engine.Table {
	out := make([]engine.Table, len(ts))
	for i, t := range ts {
		et := engine.Table{File: t.File, Sheet: t.Sheet, CaseType: t.CaseType, Date1904: t.Date1904, Header: t.Header, Rows: make([]sheet.Row, len(t.Rows))}
		for j, r := range t.Rows {
			var kinds []sheet.Kind
			if len(r.Kinds) > 0 {
				kinds = make([]sheet.Kind, len(r.Cells))
				for k, v := range r.Cells {
					switch {
					case k < len(r.Kinds):
						kinds[k] = sheet.Kind(r.Kinds[k])
					case v != "":
						kinds[k] = sheet.KindText
					}
				}
			}
			et.Rows[j] = sheet.NewRow(r.Num, r.Cells, kinds)
		}
		out[i] = et
	}
	return out
}

// CheckRequest asks the server to check an import against its database
// without committing (the page calls it before the commit button is enabled).
type CheckRequest struct {
	Tables []Table `json:"tables"`
	// TablesWire is the tables in tablewire's compact form instead (the page
	// sends the reader's bytes as they are: turning 100,000 rows into JSON
	// in the browser took seconds); Edits are cells changed since, applied
	// to either form (Resolve).
	TablesWire string           `json:"tables_wire,omitempty"`
	Edits      []tablewire.Edit `json:"edits,omitempty"`
	Spec       spec.Spec        `json:"spec"`
	Choices    []engine.Choice  `json:"choices,omitempty"`
}

// Resolve returns the request's tables for the engine: Tables, or
// TablesWire decoded, with Edits applied.
func (r *CheckRequest) Resolve() ([]engine.Table, error) {
	if r.TablesWire != "" {
		if len(r.Tables) > 0 {
			return nil, model.Errorf(model.EInvalid, "The request has both tables and tables_wire; send one.")
		}
		ts, err := tablewire.Decode(r.TablesWire)
		if err != nil {
			return nil, model.Errorf(model.EInvalid, "tables_wire cannot be read: %v.", err)
		}
		r.Tables, r.TablesWire = ts, ""
	}
	ts := ToEngine(r.Tables)
	engine.ApplyEdits(ts, r.Edits)
	return ts, nil
}

// CommitRequest is the page's batch. PlanHash is the hash of the plan the
// page showed; the server commits only if its own plan has the same hash.
type CommitRequest struct {
	CheckRequest
	FileName string `json:"file_name"`
	PlanHash string `json:"plan_hash"`
	Comment  string `json:"comment,omitempty"`
	SpecID   string `json:"spec_id,omitempty"` // the saved spec used, offered first next time
}

// CommitResponse answers a commit (and replays it for the same key).
type CommitResponse struct {
	ImportID string         `json:"import_id"`
	State    string         `json:"state"`
	Summary  engine.Summary `json:"summary"`
	Created  int            `json:"created"`
	Updated  int            `json:"updated"`
	Skipped  int            `json:"skipped"`
	Failed   int            `json:"failed"`
	URL      string         `json:"url"`
}

// PlanMismatch is the 409 body when the server's plan differs from the page's.
type PlanMismatch struct {
	Error      ErrorBody          `json:"error"`
	ServerHash string             `json:"server_hash"`
	Rows       []engine.RowResult `json:"rows"` // the server's verdict on the rows that differ
}

// LookupRequest asks for existing cases by id and by external id.
type LookupRequest struct {
	CaseIDs     []string `json:"case_ids,omitempty"`
	ExternalIDs []string `json:"external_ids,omitempty"`
}

// LookupResponse answers a LookupRequest.
type LookupResponse struct {
	ByID         map[string]model.Case   `json:"by_id"`
	ByExternalID map[string][]model.Case `json:"by_external_id"`
}

// CaseIndex is the compact index of a domain's cases the page keeps for
// offline matching: one row per case of [case_id, case_type, external_id,
// name, owner_id, parent_case_id, parent_case_type, date_opened].
type CaseIndex struct {
	Domain    string     `json:"domain"`
	Generated string     `json:"generated"`
	Cases     [][]string `json:"cases"`
}

// Cases expands an index into cases for engine.NewMemoryCases.
func (ix CaseIndex) CasesList() []model.Case {
	out := make([]model.Case, 0, len(ix.Cases))
	for _, r := range ix.Cases {
		if len(r) < 8 {
			continue
		}
		c := model.Case{CaseID: r[0], CaseType: r[1], ExternalID: r[2], Name: r[3], OwnerID: r[4], DateOpened: r[7]}
		if r[5] != "" {
			c.Parent = &model.Index{CaseID: r[5], CaseType: r[6], Relationship: "child", Identifier: "parent"}
		}
		out = append(out, c)
	}
	return out
}

// ImportRecord is one import (a commit, an undo or a bulk API job).
type ImportRecord struct {
	ID          string         `json:"id"`
	Kind        string         `json:"kind"`
	State       string         `json:"state"`
	User        string         `json:"user"`
	FileName    string         `json:"file_name"`
	CaseType    string         `json:"case_type"`
	Comment     string         `json:"comment,omitempty"`
	Summary     engine.Summary `json:"summary"`
	Created     int            `json:"created"`
	Updated     int            `json:"updated"`
	Failed      int            `json:"failed"`
	ProgressPct int            `json:"progress_percent"`
	RowsDone    int            `json:"rows_done"`
	RowsTotal   int            `json:"rows_total"`
	CreatedAt   string         `json:"created_at"`
	FinishedAt  string         `json:"finished_at,omitempty"`
	DurationMS  int64          `json:"duration_ms"`
	UndoneBy    string         `json:"undone_by,omitempty"`
	UndoOf      string         `json:"undo_of,omitempty"`
	Spec        *spec.Spec     `json:"spec,omitempty"`
	Results     []RowOutcome   `json:"results,omitempty"`
	Conflicts   []Conflict     `json:"conflicts,omitempty"`
	Error       string         `json:"error,omitempty"`
}

// RowOutcome is what an import did with one row.
type RowOutcome struct {
	File   string        `json:"file"`
	Sheet  string        `json:"sheet"`
	Row    int           `json:"row"`
	Action engine.Action `json:"action"`
	CaseID string        `json:"case_id,omitempty"`
	Issues []model.Issue `json:"issues,omitempty"`
	// The row as it was, for rows not imported (the error file).
	Header []string `json:"header,omitempty"`
	Cells  []string `json:"cells,omitempty"`
}

// Conflict is a case an undo left alone because it changed since the import.
type Conflict struct {
	CaseID     string `json:"case_id"`
	Name       string `json:"name"`
	ModifiedOn string `json:"modified_on"`
	Reason     string `json:"reason"`
}

// UndoPreview says what undoing an import would change.
type UndoPreview struct {
	ImportID  string     `json:"import_id"`
	Remove    int        `json:"remove"`
	Restore   int        `json:"restore"`
	Conflicts []Conflict `json:"conflicts"`
}

// Imports lists import records, newest first.
type Imports struct {
	Imports []ImportRecord `json:"imports"`
}

// SavedSpec is a named, reusable spec.
type SavedSpec struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	CaseType   string    `json:"case_type"`
	Spec       spec.Spec `json:"spec"`
	CreatedAt  string    `json:"created_at"`
	UpdatedAt  string    `json:"updated_at"`
	LastUsedAt string    `json:"last_used_at,omitempty"`
}

// Specs lists saved specs.
type Specs struct {
	Specs []SavedSpec `json:"specs"`
	Last  string      `json:"last,omitempty"` // id of the last one used for the case type asked for
}

// CaseTypes lists a domain's case types.
type CaseTypes struct {
	CaseTypes []casetype.CaseType `json:"case_types"`
}

// Me describes the signed-in user.
type Me struct {
	Email  string `json:"email"`
	Domain string `json:"domain"`
	Role   string `json:"role"`
}

// Login is the sign-in form.
type Login struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// CasesPage is GET /a/{domain}/api/cases/.
type CasesPage struct {
	Cases []CaseJSON `json:"cases"`
	Next  string     `json:"next,omitempty"`
}

// CaseJSON is one case in the DESIGN.md shape.
type CaseJSON struct {
	CaseID     string            `json:"case_id"`
	CaseType   string            `json:"case_type"`
	ExternalID string            `json:"external_id"`
	Name       string            `json:"name"`
	OwnerID    string            `json:"owner_id"`
	Closed     bool              `json:"closed"`
	DateOpened string            `json:"date_opened"`
	Parent     *model.Index      `json:"parent"`
	Properties map[string]string `json:"properties"`
}

// BulkUploadResponse is the CommCare bulk upload API's answer.
type BulkUploadResponse struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	StatusURL string `json:"status_url,omitempty"`
}

// BulkStatus is the CommCare status JSON.
type BulkStatus struct {
	State    int          `json:"state"` // 0 pending, 1 started, 2 complete, 3 failed
	Progress BulkProgress `json:"progress"`
	Result   BulkResult   `json:"result"`
}

// BulkProgress is the status's progress.
type BulkProgress struct {
	Percent int `json:"percent"`
}

// BulkResult is the status's result.
type BulkResult struct {
	MatchCount   int         `json:"match_count"`
	CreatedCount int         `json:"created_count"`
	NumChunks    int         `json:"num_chunks"`
	Errors       []BulkError `json:"errors"`
}

// BulkError groups rows by error title and column, as CommCare does.
type BulkError struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Column      string `json:"column"`
	Rows        []int  `json:"rows"`
	Code        string `json:"code,omitempty"` // casegate's stable issue code
}

// kindsOf appends the row's kinds to buf, or returns nil when every cell
// is text or empty (the wire leaves them out then).
func kindsOf(r *sheet.Row, buf []uint8) []uint8 {
	for _, k := range r.Kinds {
		if k != sheet.KindText && k != sheet.KindEmpty {
			for _, k := range r.Kinds {
				buf = append(buf, uint8(k))
			}
			return buf
		}
	}
	return nil
}

// StreamTables writes engine tables in tablewire's compact form, handing
// it to flush in chunks of about chunk bytes (tablewire.NewStreamWriter),
// and returns its index: what EncodeIndexed(FromEngine(ts)) writes, without
// building the wire tables first (the worker's answer at 100,000 rows: 2 M
// strings fewer) or holding the whole form.
func StreamTables(ts []engine.Table, chunk int, flush func([]byte)) tablewire.Index {
	rows := 0
	for _, t := range ts {
		rows += len(t.Rows)
	}
	w := tablewire.NewStreamWriter(len(ts), rows, chunk, flush)
	writeTables(w, ts)
	_, ix := w.Done()
	return ix
}

// TablesSize is how many bytes StreamTables writes for ts.
func TablesSize(ts []engine.Table) int {
	w := tablewire.NewSizer(len(ts))
	writeTables(w, ts)
	return w.Size()
}

func writeTables(w *tablewire.Writer, ts []engine.Table) {
	var kinds []uint8
	var cells []string
	for _, t := range ts {
		w.Table(Table{File: t.File, Sheet: t.Sheet, CaseType: t.CaseType, Date1904: t.Date1904, Header: t.Header}, len(t.Rows))
		for ri := range t.Rows {
			r := &t.Rows[ri]
			kinds = kindsOf(r, kinds[:0])
			cells = r.AppendTexts(cells[:0])
			w.Row(r.Num, cells, kinds)
		}
	}
}
