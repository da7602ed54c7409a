package httpserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"casegate/server/importer"
	"casegate/server/store"
	"casegate/shared/api"
	"casegate/shared/engine"
	"casegate/shared/errfile"
	"casegate/shared/errfile/errxlsx"
	"casegate/shared/model"
)

// idemKey reads and checks the Idempotency-Key header.
func idemKey(r *http.Request, required bool) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if k == "" {
		if required {
			return "", model.Errorf(model.EInvalid, "An Idempotency-Key header is required, so a retried request never commits twice.")
		}
		return "", nil
	}
	if len(k) > 255 {
		return "", model.Errorf(model.EInvalid, "The Idempotency-Key is longer than 255 characters.")
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return "", model.Errorf(model.EInvalid, "The Idempotency-Key must be printable ASCII without spaces.")
		}
	}
	return k, nil
}

// beginIdempotent claims key for this request. It returns true when it has
// already answered (a replay, a conflict or a mismatch).
func (s *Server) beginIdempotent(w http.ResponseWriter, r *http.Request, route, key, fp string) (bool, error) {
	u := userOf(r)
	prev, err := s.Store.BeginIdempotent(r.Context(), u.Domain, u.ID, route, key, fp)
	if err != nil {
		return true, err
	}
	if prev == nil {
		return false, nil
	}
	switch {
	case prev.Fingerprint != fp || prev.Route != route:
		return true, model.Errorf(model.EUnprocessable, "This Idempotency-Key was used for a different request; use a new key for a new request.")
	case prev.State == "done":
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(prev.Status)
		_, _ = w.Write(prev.Body)
		return true, nil
	default:
		return true, model.Errorf(model.EConflict, "A request with this Idempotency-Key is still running; poll its progress and retry later.")
	}
}

func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) error {
	_, plan, err := s.check(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, plan)
	return nil
}

// check reads a check request and checks its batch against the domain's
// cases, nothing stored.
func (s *Server) check(r *http.Request) ([]engine.Table, *engine.Plan, error) {
	body, err := readAll(r)
	if err != nil {
		return nil, nil, err
	}
	var req api.CheckRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, model.Errorf(model.EInvalid, "The request body is not valid JSON: %v.", err)
	}
	tables, err := resolve(body, &req)
	if err != nil {
		return nil, nil, err
	}
	plan, err := s.Importer.Check(r.Context(), userOf(r).Domain, tables, req.Spec, req.Choices)
	return tables, plan, err
}

// handleCheckErrors checks a batch as handleCheck does and answers its
// error file: the rows that would not be imported, with their reasons (csv),
// or the workbook with the bad cells marked (xlsx), for the page's review.
func (s *Server) handleCheckErrors(w http.ResponseWriter, r *http.Request) error {
	if ext := fileExt(r, "errors"); ext != "csv" && ext != "xlsx" { // before the work of a check
		return model.Errorf(model.ENotFound, "Error files are .csv or .xlsx.")
	}
	tables, plan, err := s.check(r)
	if err != nil {
		return err
	}
	return writeErrorFile(w, r, "casegate",
		func(out io.Writer) error { return errfile.WriteCSV(out, tables, plan) },
		func(out io.Writer) error { return errxlsx.Write(out, tables, plan) })
}

func (s *Server) handleCommit(w http.ResponseWriter, r *http.Request) error {
	key, err := idemKey(r, true)
	if err != nil {
		return err
	}
	body, err := readAll(r)
	if err != nil {
		return err
	}
	var req api.CommitRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return model.Errorf(model.EInvalid, "The request body is not valid JSON: %v.", err)
	}
	tables, err := resolve(body, &req.CheckRequest)
	if err != nil {
		return err
	}
	if len(tables) == 0 {
		return model.Errorf(model.EInvalid, "The commit has no rows.")
	}
	fp := importer.Fingerprint(json.RawMessage(body))
	if done, err := s.beginIdempotent(w, r, "commit", key, fp); done || err != nil {
		return err
	}
	u := userOf(r)
	res, err := s.Importer.Commit(r.Context(), importer.Batch{Domain: u.Domain, User: u, Tables: tables,
		Spec: req.Spec, Choices: req.Choices, PlanHash: req.PlanHash, FileName: req.FileName, Comment: req.Comment,
		Key: key, Kind: "commit"})
	if err != nil {
		// Nothing was committed: free the key so the client can retry it.
		s.freeKey(r.Context(), u.Domain, key)
		var mm *importer.ErrPlanMismatch
		if errors.As(err, &mm) {
			writeJSON(w, http.StatusConflict, api.PlanMismatch{
				Error:      api.ErrorBody{Code: model.EConflict, Message: "The data changed since the page checked it; review the rows below and commit again."},
				ServerHash: mm.Plan.Hash, Rows: mm.Plan.Rows})
			return nil
		}
		var h *importer.ErrHalted
		if errors.As(err, &h) {
			return model.Errorf(model.EUnprocessable, "%s", h.Error())
		}
		return err
	}
	if req.SpecID != "" {
		_ = s.Store.TouchSpec(r.Context(), u.Domain, req.SpecID)
	}
	writeJSON(w, http.StatusOK, s.Importer.Response(u.Domain, res))
	return nil
}

func readAll(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	if _, err := b.ReadFrom(r.Body); err != nil {
		return nil, tooLarge(err)
	}
	return b.Bytes(), nil
}

func (s *Server) handleProgress(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	key := r.URL.Query().Get("key")
	p, ok := s.Importer.ProgressFor(u.Domain, key)
	if !ok {
		return model.Errorf(model.ENotFound, "No import is running under this key.")
	}
	id, done, total, state := p.Snapshot()
	rec := api.ImportRecord{ID: id, State: state, RowsDone: done, RowsTotal: total}
	if total > 0 {
		rec.ProgressPct = done * 100 / total
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (s *Server) handleListImports(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	recs, err := s.Store.ListImports(r.Context(), u.Domain, 100, "")
	if err != nil {
		return err
	}
	out := api.Imports{Imports: []api.ImportRecord{}}
	for _, rec := range recs {
		out.Imports = append(out.Imports, toRecord(rec, false))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleGetImport(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.Store.FindImport(r.Context(), userOf(r).Domain, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRecord(rec, true))
	return nil
}

// toRecord converts a stored import for the wire.
func toRecord(rec store.Import, detail bool) api.ImportRecord {
	out := api.ImportRecord{ID: rec.ID, Kind: rec.Kind, State: rec.State, User: rec.UserEmail, FileName: rec.FileName,
		CaseType: rec.CaseType, Comment: rec.Comment, CreatedAt: rec.CreatedAt.UTC().Format(time.RFC3339),
		DurationMS: rec.DurationMS, UndoneBy: rec.UndoneBy, UndoOf: rec.UndoOf, Error: rec.Error}
	if !rec.FinishedAt.IsZero() {
		out.FinishedAt = rec.FinishedAt.UTC().Format(time.RFC3339)
	}
	var c struct {
		engine.Summary
		Created int `json:"created"`
		Updated int `json:"updated"`
		Failed  int `json:"failed"`
	}
	if len(rec.Counts) > 0 {
		_ = json.Unmarshal(rec.Counts, &c)
	}
	out.Summary, out.Created, out.Updated, out.Failed = c.Summary, c.Created, c.Updated, c.Failed
	if rec.State == "done" {
		out.ProgressPct = 100
	}
	if detail {
		if rec.Kind == "undo" {
			_ = json.Unmarshal(rec.Results, &out.Conflicts)
		} else if len(rec.Results) > 0 {
			_ = json.Unmarshal(rec.Results, &out.Results)
		}
		if len(rec.Spec) > 0 {
			_ = json.Unmarshal(rec.Spec, &out.Spec)
		}
	}
	return out
}

func (s *Server) handleUndoPreview(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Importer.UndoPreview(r.Context(), userOf(r).Domain, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) handleUndo(w http.ResponseWriter, r *http.Request) error {
	key, err := idemKey(r, false)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if key != "" {
		if done, err := s.beginIdempotent(w, r, "undo", key, importer.Fingerprint(id)); done || err != nil {
			return err
		}
	}
	rec, err := s.Importer.Undo(r.Context(), userOf(r), id, key)
	if err != nil {
		if key != "" {
			s.freeKey(r.Context(), userOf(r).Domain, key)
		}
		return err
	}
	writeJSON(w, http.StatusOK, toRecord(rec, true))
	return nil
}

// handleImportErrors writes an import's error file from its stored results.
func (s *Server) handleImportErrors(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.Store.FindImport(r.Context(), userOf(r).Domain, r.PathValue("id"))
	if err != nil {
		return err
	}
	var rows []api.RowOutcome
	_ = json.Unmarshal(rec.Results, &rows)
	return writeErrorFile(w, r, "import-"+rec.ID,
		func(out io.Writer) error { return errfile.WriteOutcomesCSV(out, rows) },
		func(out io.Writer) error { return errxlsx.WriteOutcomes(out, rows) })
}

// writeErrorFile answers an error file named name-errors.csv or .xlsx, as
// the request's path asks, written by csv or xlsx.
func writeErrorFile(w http.ResponseWriter, r *http.Request, name string, csv, xlsx func(io.Writer) error) error {
	var buf bytes.Buffer
	ext := fileExt(r, "errors")
	var err error
	switch ext {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = csv(&buf)
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = xlsx(&buf)
	default:
		return model.Errorf(model.ENotFound, "Error files are .csv or .xlsx.")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`-errors.`+ext+`"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}
