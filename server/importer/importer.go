// Package importer runs imports against the store: it re-checks a batch
// with the shared engine inside the commit transaction, writes it parents
// first, records what it did so it can be undone, and runs bulk API jobs.
package importer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"casegate/server/store"
	"casegate/shared/api"
	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

// Importer commits and undoes imports.
type Importer struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Failpoint, when set, is called at named points of a commit
	// ("before_tx", "in_tx", "after_commit"); tests use it to crash or fail
	// there.
	Failpoint func(name string) error

	progress sync.Map // domain+"\x00"+idempotency key → *Progress
}

// Progress is a running import's progress, readable while it runs.
type Progress struct {
	mu       sync.Mutex
	ImportID string
	Done     int
	Total    int
	State    string
}

func (p *Progress) set(done, total int, state string) {
	p.mu.Lock()
	p.Done, p.Total = done, total
	if state != "" {
		p.State = state
	}
	p.mu.Unlock()
}

// Snapshot returns a copy.
func (p *Progress) Snapshot() (id string, done, total int, state string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ImportID, p.Done, p.Total, p.State
}

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now().UTC()
	}
	return time.Now().UTC()
}

func (im *Importer) fail(name string) error {
	if im.Failpoint != nil {
		return im.Failpoint(name)
	}
	return nil
}

// NewID returns a random 128-bit hex id.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Registry returns the domain's case types (its own definitions over the
// built-ins).
func (im *Importer) Registry(ctx context.Context, domain string) (casetype.Registry, error) {
	defs, err := im.Store.ListCaseTypes(ctx, domain)
	if err != nil {
		return nil, err
	}
	var own []casetype.CaseType
	for _, d := range defs {
		var ct casetype.CaseType
		if err := json.Unmarshal(d.Definition, &ct); err != nil {
			return nil, fmt.Errorf("case type %s: %w", d.Name, err)
		}
		own = append(own, ct)
	}
	return casetype.NewRegistry(own...), nil
}

// lookup is engine.Lookup over the store, inside or outside a transaction.
type lookup struct {
	ctx    context.Context
	s      *store.Store
	q      store.Querier
	domain string
	byID   map[string]model.Case // every case returned, for Apply
}

func (l *lookup) CasesByID(ids []string) (map[string]model.Case, error) {
	m, err := l.s.FindCasesByID(l.ctx, l.q, l.domain, ids)
	for k, v := range m {
		l.byID[k] = v
	}
	return m, err
}

func (l *lookup) CasesByExternalID(ids []string) (map[string][]model.Case, error) {
	m, err := l.s.FindCasesByExternalID(l.ctx, l.q, l.domain, "", ids)
	for _, cs := range m {
		for _, c := range cs {
			l.byID[c.CaseID] = c
		}
	}
	return m, err
}

// Check checks a batch against the database without committing.
func (im *Importer) Check(ctx context.Context, domain string, tables []engine.Table, sp spec.Spec, choices []engine.Choice) (*engine.Plan, error) {
	return im.check(ctx, im.Store.DB(), domain, tables, sp, choices, nil)
}

func (im *Importer) check(ctx context.Context, q store.Querier, domain string, tables []engine.Table, sp spec.Spec, choices []engine.Choice, l *lookup) (*engine.Plan, error) {
	reg, err := im.Registry(ctx, domain)
	if err != nil {
		return nil, err
	}
	owners, err := im.Store.FindOwners(ctx, domain)
	if err != nil {
		return nil, err
	}
	if owners == nil {
		owners = []model.Owner{}
	}
	if l == nil {
		l = &lookup{ctx: ctx, s: im.Store, q: q, domain: domain, byID: map[string]model.Case{}}
	}
	return engine.Check(engine.Input{Tables: tables, Spec: sp, Registry: reg, Existing: l, Owners: owners, Choices: choices})
}

// Batch is one commit's input.
type Batch struct {
	Domain   string
	User     store.User
	Tables   []engine.Table
	Spec     spec.Spec
	Choices  []engine.Choice
	PlanHash string // "" skips the comparison (bulk API jobs)
	FileName string
	Comment  string
	Key      string // idempotency key; "" for bulk jobs (the job's import record guards them)
	Progress string // key under which progress is published (default Key)
	Kind     string // commit | bulk_api
	ImportID string // set by bulk jobs, which create their record up front
}

// Fingerprint is the SHA-256 of a canonical request body.
func Fingerprint(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ErrPlanMismatch carries the server's plan when it differs from the page's.
type ErrPlanMismatch struct{ Plan *engine.Plan }

func (e *ErrPlanMismatch) Error() string { return "the server's check differs from the page's" }

// ErrHalted means on_error halt found errors: nothing was committed.
type ErrHalted struct{ Plan *engine.Plan }

func (e *ErrHalted) Error() string {
	return fmt.Sprintf("%d rows have errors and on_error is halt: nothing was committed.", e.Plan.Summary.Error)
}

// Result is a finished commit.
type Result struct {
	ImportID string
	Plan     *engine.Plan
	Created  int
	Updated  int
	Failed   int
	Skipped  int
}

// ProgressFor returns the progress of the commit running under key.
func (im *Importer) ProgressFor(domain, key string) (*Progress, bool) {
	v, ok := im.progress.Load(domain + "\x00" + key)
	if !ok {
		return nil, false
	}
	return v.(*Progress), true
}

// Commit re-checks the batch inside one transaction and commits it: all or
// nothing with on_error halt; the good rows with skip. The import record,
// the undo log and (when Key is set) the idempotency answer are written in
// the same transaction, so a crash leaves either everything or nothing.
func (im *Importer) Commit(ctx context.Context, b Batch) (*Result, error) {
	start := im.now()
	prog := &Progress{State: "running"}
	if b.Progress == "" {
		b.Progress = b.Key
	}
	if b.Progress != "" {
		pk := b.Domain + "\x00" + b.Progress
		im.progress.Store(pk, prog)
		defer time.AfterFunc(time.Minute, func() { im.progress.Delete(pk) })
	}
	if b.ImportID == "" {
		rec := store.Import{ID: NewID(), Domain: b.Domain, UserID: b.User.ID, UserEmail: b.User.Email, Kind: b.Kind,
			FileName: b.FileName, CaseType: firstCaseType(b.Tables, b.Spec), Spec: mustJSON(b.Spec), State: "running",
			Comment: b.Comment, CreatedAt: start}
		if err := im.Store.CreateImport(ctx, rec); err != nil {
			return nil, err
		}
		b.ImportID = rec.ID
	}
	prog.mu.Lock()
	prog.ImportID = b.ImportID
	prog.mu.Unlock()
	if err := im.fail("before_tx"); err != nil {
		return nil, err
	}
	var res *Result
	err := im.Store.Tx(ctx, func(tx *sql.Tx) error {
		l := &lookup{ctx: ctx, s: im.Store, q: tx, domain: b.Domain, byID: map[string]model.Case{}}
		plan, err := im.check(ctx, tx, b.Domain, b.Tables, b.Spec, b.Choices, l)
		if err != nil {
			return err
		}
		if b.PlanHash != "" && plan.Hash != b.PlanHash {
			return &ErrPlanMismatch{Plan: plan}
		}
		if !plan.Committable() {
			return &ErrHalted{Plan: plan}
		}
		now := im.now().Format(time.RFC3339Nano)
		writes := engine.Apply(plan, l.byID, NewID, now, b.User.ID)
		prog.set(0, len(writes), "")
		// One write and one change per case: the first Before, the last After.
		var creates, updates []model.Case
		var changes []store.Change
		last := map[string]int{}
		for i, w := range writes {
			last[w.After.CaseID] = i
		}
		seen := map[string]bool{}
		for i, w := range writes {
			id := w.After.CaseID
			if !seen[id] {
				seen[id] = true
				op := "update"
				if w.Create {
					op = "create"
				}
				changes = append(changes, store.Change{CaseID: id, Op: op, Before: w.Before, AfterModifiedOn: now})
			}
			if last[id] != i {
				continue
			}
			if w.Create { // a case created here is never updated by a later row: only existing cases are
				creates = append(creates, w.After)
			} else {
				updates = append(updates, w.After)
			}
		}
		// Parents are written before children: creates are in plan order.
		if err := writeChunked(ctx, tx, im.Store, b.Domain, creates, updates, prog); err != nil {
			return err
		}
		if err := im.fail("in_tx"); err != nil {
			return err
		}
		if err := im.Store.InsertChanges(ctx, tx, b.Domain, b.ImportID, changes); err != nil {
			return err
		}
		res = &Result{ImportID: b.ImportID, Plan: plan, Created: len(creates), Updated: len(updates),
			Failed: plan.Summary.Error, Skipped: plan.Summary.Skip}
		caseIDs := map[int]string{}
		for _, w := range writes {
			if w.Index >= 0 { // not a new parent, which has no row
				caseIDs[w.Index] = w.After.CaseID
			}
		}
		fin := store.ImportFinish{State: "done", Counts: mustJSON(countsOf(res)), Results: mustJSON(outcomes(plan, caseIDs, b.Tables)),
			FinishedAt: im.now(), DurationMS: im.now().Sub(start).Milliseconds()}
		if err := im.Store.FinishImport(ctx, tx, b.Domain, b.ImportID, fin); err != nil {
			return err
		}
		if b.Key != "" {
			body, _ := json.Marshal(im.Response(b.Domain, res))
			if err := im.Store.FinishIdempotent(ctx, tx, b.Domain, b.Key, http.StatusOK, body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		state := "failed"
		prog.set(0, 0, state)
		msg := model.MessageOf(err)
		var mm *ErrPlanMismatch
		var h *ErrHalted
		if errors.As(err, &mm) {
			msg = mm.Error()
		} else if errors.As(err, &h) {
			msg = h.Error()
			res := &Result{ImportID: b.ImportID, Plan: h.Plan, Failed: h.Plan.Summary.Error}
			_ = im.Store.FinishImport(context.WithoutCancel(ctx), im.Store.DB(), b.Domain, b.ImportID, store.ImportFinish{State: "failed",
				Counts: mustJSON(countsOf(res)), Results: mustJSON(outcomes(h.Plan, nil, b.Tables)), Error: msg, FinishedAt: im.now(),
				DurationMS: im.now().Sub(start).Milliseconds()})
			return nil, err
		}
		_ = im.Store.FinishImport(context.WithoutCancel(ctx), im.Store.DB(), b.Domain, b.ImportID, store.ImportFinish{State: "failed",
			Error: msg, FinishedAt: im.now(), DurationMS: im.now().Sub(start).Milliseconds()})
		return nil, err
	}
	prog.set(res.Created+res.Updated, res.Created+res.Updated, "done")
	if err := im.fail("after_commit"); err != nil {
		return nil, err
	}
	return res, nil
}

// writeChunked writes creates then updates in chunks, reporting progress.
func writeChunked(ctx context.Context, tx *sql.Tx, s *store.Store, domain string, creates, updates []model.Case, prog *Progress) error {
	const chunk = 2000
	total := len(creates) + len(updates)
	done := 0
	for i := 0; i < len(creates); i += chunk {
		part := creates[i:min(i+chunk, len(creates))]
		if err := s.InsertCases(ctx, tx, domain, part); err != nil {
			return err
		}
		done += len(part)
		prog.set(done, total, "")
	}
	for i := 0; i < len(updates); i += chunk {
		part := updates[i:min(i+chunk, len(updates))]
		if err := s.UpdateCases(ctx, tx, domain, part); err != nil {
			return err
		}
		done += len(part)
		prog.set(done, total, "")
	}
	return nil
}

// Response is the commit's answer, stored for idempotent replays.
func (im *Importer) Response(domain string, r *Result) api.CommitResponse {
	return api.CommitResponse{ImportID: r.ImportID, State: "done", Summary: r.Plan.Summary, Created: r.Created,
		Updated: r.Updated, Skipped: r.Skipped, Failed: r.Failed, URL: "/a/" + domain + "/api/imports/" + r.ImportID}
}

type counts struct {
	engine.Summary
	Created int `json:"created"`
	Updated int `json:"updated"`
	Failed  int `json:"failed"`
}

func countsOf(r *Result) counts {
	return counts{Summary: r.Plan.Summary, Created: r.Created, Updated: r.Updated, Failed: r.Failed}
}

// outcomes lists what happened to every row, keeping the rows that were not
// imported as they were, for the error file.
func outcomes(p *engine.Plan, caseIDs map[int]string, tables []engine.Table) []api.RowOutcome {
	type key struct {
		file, sheet string
		row         int
	}
	orig := map[key]*sheet.Row{}
	headers := map[key][]string{}
	for _, t := range tables {
		for ri := range t.Rows {
			orig[key{t.File, t.Sheet, t.Rows[ri].Num}] = &t.Rows[ri]
		}
		headers[key{t.File, t.Sheet, 0}] = t.Header
	}
	out := make([]api.RowOutcome, len(p.Rows))
	for i, r := range p.Rows {
		id := r.CaseID
		if caseIDs != nil && caseIDs[i] != "" {
			id = caseIDs[i]
		}
		o := api.RowOutcome{File: r.File, Sheet: r.Sheet, Row: r.Row, Action: r.Action, CaseID: id, Issues: r.Issues}
		if r.Action == engine.ActionError || r.Action == engine.ActionSkip {
			o.Header = headers[key{r.File, r.Sheet, 0}]
			if row := orig[key{r.File, r.Sheet, r.Row}]; row != nil {
				o.Cells = row.Texts()
			}
		}
		out[i] = o
	}
	return out
}

func firstCaseType(ts []engine.Table, sp spec.Spec) string {
	if len(ts) > 0 {
		return ts[0].CaseType
	}
	return sp.CaseType
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
