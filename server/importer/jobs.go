package importer

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"casegate/server/store"
	"casegate/shared/api"
	"casegate/shared/engine"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

// BulkParams are the CommCare bulk upload API's form fields.
type BulkParams struct {
	CaseType string    `json:"case_type"`
	Spec     spec.Spec `json:"spec"`
	Comment  string    `json:"comment,omitempty"`
	UserID   string    `json:"user_id"`
	Email    string    `json:"email"`
}

// ReadTables reads an uploaded file into tables, as the bulk API does: a
// workbook whose tabs are all case types imports tab by tab.
func ReadTables(ctx context.Context, im *Importer, domain, fileName string, data []byte, caseType string, sp spec.Spec) ([]engine.Table, error) {
	reg, err := im.Registry(ctx, domain)
	if err != nil {
		return nil, err
	}
	opts := sheet.Options{Sheet: sp.Sheet, HeaderRow: sp.HeaderRow, Encoding: sp.Encoding}
	book, err := sheet.Read(fileName, data, opts)
	if err != nil {
		return nil, err
	}
	return engine.TablesFromBook(fileName, book, caseType, false, reg)
}

// Enqueue stores a bulk upload as a pending job and returns its id.
func (im *Importer) Enqueue(ctx context.Context, user store.User, fileName string, data []byte, p BulkParams) (string, error) {
	rec := store.Import{ID: NewID(), Domain: user.Domain, UserID: user.ID, UserEmail: user.Email, Kind: "bulk_api",
		FileName: fileName, CaseType: p.CaseType, Spec: mustJSON(p.Spec), State: "queued", Comment: p.Comment, CreatedAt: im.now()}
	if err := im.Store.CreateImport(ctx, rec); err != nil {
		return "", err
	}
	p.UserID, p.Email = user.ID, user.Email
	job := store.Job{ID: NewID(), Domain: user.Domain, ImportID: rec.ID, Params: mustJSON(p), File: data, FileName: fileName}
	if err := im.Store.EnqueueJob(ctx, job); err != nil {
		return "", err
	}
	return job.ID, nil
}

// RunJobs claims and runs bulk jobs until ctx ends. Several workers (and
// several replicas on PostgreSQL) may run at once: each job is claimed once.
func (im *Importer) RunJobs(ctx context.Context, worker string, poll time.Duration) {
	log := im.Log
	if log == nil {
		log = slog.Default()
	}
	if n, err := im.Store.ReclaimStaleJobs(ctx, 2*time.Minute); err != nil {
		log.Error("reclaim jobs", slog.Any("err", err))
	} else if n > 0 {
		log.Info("reclaimed interrupted jobs", slog.Int("jobs", n))
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for {
			job, err := im.Store.ClaimJob(ctx, worker)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("claim job", slog.Any("err", err))
				}
				break
			}
			if job == nil {
				break
			}
			im.runJob(ctx, job)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (im *Importer) runJob(ctx context.Context, job *store.Job) {
	// A heartbeat while the job runs, so a starting replica does not take
	// it for abandoned.
	hctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		t := time.NewTicker(20 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
				_ = im.Store.HeartbeatJob(hctx, job.ID)
			}
		}
	}()
	status, err := im.processJob(ctx, job)
	if err != nil {
		msg := model.MessageOf(err)
		var h *ErrHalted
		if errors.As(err, &h) {
			msg = h.Error()
		}
		fail := api.BulkStatus{State: 3, Result: api.BulkResult{Errors: []api.BulkError{{Title: "Import Error", Description: msg, Rows: []int{}}}}}
		if e := im.Store.FailJob(context.WithoutCancel(ctx), job.ID, msg, mustJSON(fail)); e != nil {
			im.Log.Error("fail job", slog.String("job", job.ID), slog.Any("err", e))
		}
		return
	}
	if e := im.Store.FinishJob(context.WithoutCancel(ctx), job.ID, mustJSON(status)); e != nil {
		im.Log.Error("finish job", slog.String("job", job.ID), slog.Any("err", e))
	}
}

func (im *Importer) processJob(ctx context.Context, job *store.Job) (status api.BulkStatus, err error) {
	defer func() { // a bug in a reader must fail the job, not the server
		if r := recover(); r != nil {
			if im.Log != nil {
				im.Log.Error("job panicked", slog.String("job", job.ID), slog.Any("panic", r))
			}
			err = model.Errorf(model.EInternal, "The import stopped on an internal error; nothing of it was stored. Upload the file again, and report it if it happens again.")
		}
	}()
	var p BulkParams
	if err := json.Unmarshal(job.Params, &p); err != nil {
		return status, err
	}
	// A job interrupted after its commit but before it was marked finished
	// is claimed again: its import record, written in the commit's
	// transaction, says it is done, so nothing is committed twice.
	if rec, err := im.Store.FindImport(ctx, job.Domain, job.ImportID); err == nil && rec.State == "done" {
		return statusFromRecord(rec), nil
	}
	tables, err := ReadTables(ctx, im, job.Domain, job.FileName, job.File, p.CaseType, p.Spec)
	if err != nil {
		return status, err
	}
	user := store.User{ID: p.UserID, Domain: job.Domain, Email: p.Email}
	res, err := im.Commit(ctx, Batch{Domain: job.Domain, User: user, Tables: tables, Spec: p.Spec, FileName: job.FileName,
		Comment: p.Comment, Kind: "bulk_api", ImportID: job.ImportID, Progress: "job:" + job.ID})
	if err != nil {
		return status, err
	}
	s := res.Plan.Summary
	return api.BulkStatus{State: 2, Progress: api.BulkProgress{Percent: 100}, Result: api.BulkResult{
		MatchCount: s.Update + s.Unchanged, CreatedCount: res.Created, NumChunks: 1, Errors: api.BulkErrors(res.Plan)}}, nil
}

// JobStatus returns the CommCare status JSON of a job.
func (im *Importer) JobStatus(ctx context.Context, domain, id string) (api.BulkStatus, error) {
	job, err := im.Store.FindJob(ctx, domain, id)
	if err != nil {
		return api.BulkStatus{}, err
	}
	switch job.State {
	case 2, 3:
		var st api.BulkStatus
		if err := json.Unmarshal(job.Result, &st); err != nil {
			return api.BulkStatus{State: job.State, Result: api.BulkResult{Errors: []api.BulkError{{Description: job.Error, Rows: []int{}}}}}, nil
		}
		return st, nil
	}
	st := api.BulkStatus{State: job.State, Result: api.BulkResult{Errors: []api.BulkError{}}}
	if p, ok := im.ProgressFor(domain, "job:"+id); ok {
		_, done, total, _ := p.Snapshot()
		if total > 0 {
			st.Progress.Percent = done * 100 / total
		}
	}
	return st, nil
}

// statusFromRecord rebuilds a job's status from its finished import record.
func statusFromRecord(rec store.Import) api.BulkStatus {
	var c counts
	_ = json.Unmarshal(rec.Counts, &c)
	var rows []api.RowOutcome
	_ = json.Unmarshal(rec.Results, &rows)
	p := &engine.Plan{}
	for _, r := range rows {
		p.Rows = append(p.Rows, engine.RowResult{File: r.File, Sheet: r.Sheet, Row: r.Row, Action: r.Action, CaseID: r.CaseID, Issues: r.Issues})
	}
	return api.BulkStatus{State: 2, Progress: api.BulkProgress{Percent: 100}, Result: api.BulkResult{
		MatchCount: c.Update + c.Unchanged, CreatedCount: c.Created, NumChunks: 1, Errors: api.BulkErrors(p)}}
}
