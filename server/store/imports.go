package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"casegate/shared/model"
)

// Import is one import record: a commit, a bulk API job, or an undo.
type Import struct {
	ID, Domain, UserID, UserEmail string
	Kind                          string // commit | bulk_api | undo
	FileName, CaseType            string
	Spec                          []byte
	State                         string // queued | running | done | failed
	Counts, Results               []byte
	Error, Comment                string
	CreatedAt, FinishedAt         time.Time
	DurationMS                    int64
	UndoneBy, UndoOf              string
	ProgressDone, ProgressTotal   int // rows written so far, of rows to write
}

// ImportFinish is what finishing an import records.
type ImportFinish struct {
	State           string
	Counts, Results []byte
	Error           string
	FinishedAt      time.Time
	DurationMS      int64
}

func orJSON(b []byte, def string) string {
	if len(b) == 0 {
		return def
	}
	return string(b)
}

// CreateImport records an import as it starts.
func (s *Store) CreateImport(ctx context.Context, im Import) error {
	_, err := s.exec(ctx, `INSERT INTO imports (id, domain, user_id, user_email, kind, file_name, case_type, spec, state, comment, created_at, undo_of)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		im.ID, im.Domain, im.UserID, im.UserEmail, im.Kind, im.FileName, im.CaseType, orJSON(im.Spec, "{}"), im.State, im.Comment, ts(im.CreatedAt), im.UndoOf)
	return mapErr(err)
}

// FinishImport records an import's outcome; inside the commit's
// transaction for success, so record and data land together. The last
// progress reported becomes the stored progress.
func (s *Store) FinishImport(ctx context.Context, q Querier, domain, id string, f ImportFinish) error {
	if db, ok := q.(*sql.DB); ok && db == s.db {
		defer s.serialize()()
	}
	done, total, _ := s.memProgress(domain, id)
	res, err := q.ExecContext(ctx, `UPDATE imports SET state = $1, counts = $2, results = $3, error = $4, finished_at = $5, duration_ms = $6,
		progress_done = CASE WHEN $7 > 0 THEN $8 ELSE progress_done END, progress_total = CASE WHEN $7 > 0 THEN $7 ELSE progress_total END
		WHERE domain = $9 AND id = $10`, f.State, orJSON(f.Counts, "{}"), orJSON(f.Results, "[]"), f.Error, ts(f.FinishedAt), f.DurationMS,
		total, done, domain, id)
	if err != nil {
		return mapErr(fmt.Errorf("finish import: %w", err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("import")
	}
	s.progress.Delete(domain + "\x00" + id)
	return nil
}

// UpdateImportProgress records how many of an import's rows are written,
// for pollers, outside the commit's transaction. On PostgreSQL it is a row
// update on its own connection, so every replica sees it. On SQLite the
// commit holds the one write lock until it ends, so a write here would wait
// for exactly the commit it reports on: progress is kept in this process
// (SQLite means one server process) and FindImport shows it.
func (s *Store) UpdateImportProgress(ctx context.Context, domain, id string, done, total int) error {
	if s.dialect == "sqlite" {
		key := domain + "\x00" + id
		if _, ok := s.progress.Load(key); !ok {
			// Reads do not wait for the writer under WAL: check the import
			// is this domain's before remembering anything for it.
			var n int
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM imports WHERE domain = $1 AND id = $2`, domain, id).Scan(&n); err != nil {
				return fmt.Errorf("import progress: %w", err)
			}
			if n == 0 {
				return notFound("import")
			}
		}
		s.progress.Store(key, [2]int{done, total})
		return nil
	}
	res, err := s.db.ExecContext(ctx, `UPDATE imports SET progress_done = $1, progress_total = $2 WHERE domain = $3 AND id = $4`, done, total, domain, id)
	if err != nil {
		return mapErr(fmt.Errorf("import progress: %w", err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("import")
	}
	return nil
}

// memProgress is the progress this process holds for an import (SQLite).
func (s *Store) memProgress(domain, id string) (done, total int, ok bool) {
	v, ok := s.progress.Load(domain + "\x00" + id)
	if !ok {
		return 0, 0, false
	}
	p := v.([2]int)
	return p[0], p[1], true
}

// withProgress overlays the progress held in memory on a running import.
func (s *Store) withProgress(im Import) Import {
	if done, total, ok := s.memProgress(im.Domain, im.ID); ok {
		im.ProgressDone, im.ProgressTotal = done, total
	}
	return im
}

// MarkUndone links an import to the undo that reversed it.
func (s *Store) MarkUndone(ctx context.Context, tx *sql.Tx, domain, id, undoID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE imports SET undone_by = $1 WHERE domain = $2 AND id = $3`, undoID, domain, id)
	return mapErr(err)
}

// FailInterruptedImports marks commits left running by a stopped server as
// failed: their transaction never committed, so nothing of theirs is stored.
// Bulk API imports are left to their jobs.
func (s *Store) FailInterruptedImports(ctx context.Context) (int, error) {
	res, err := s.exec(ctx, `UPDATE imports SET state = 'failed', error = 'The server stopped before this import committed; nothing of it was stored. Commit it again.', finished_at = $1
		WHERE state = 'running' AND kind <> 'bulk_api' AND created_at < $2`, now(), ts(time.Now().Add(-2*time.Second)))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const importCols = `id, domain, user_id, user_email, kind, file_name, case_type, spec, state, counts, results, error, comment,
	created_at, finished_at, duration_ms, undone_by, undo_of, progress_done, progress_total`

func scanImport(sc interface{ Scan(...any) error }, full bool) (Import, error) {
	var im Import
	var spec, counts, results, created, finished string
	err := sc.Scan(&im.ID, &im.Domain, &im.UserID, &im.UserEmail, &im.Kind, &im.FileName, &im.CaseType, &spec, &im.State, &counts, &results,
		&im.Error, &im.Comment, &created, &finished, &im.DurationMS, &im.UndoneBy, &im.UndoOf, &im.ProgressDone, &im.ProgressTotal)
	im.Spec, im.Counts = []byte(spec), []byte(counts)
	if full {
		im.Results = []byte(results)
	}
	im.CreatedAt, im.FinishedAt = parseTS(created), parseTS(finished)
	return im, err
}

// FindImport returns one import with its per-row results.
func (s *Store) FindImport(ctx context.Context, domain, id string) (Import, error) {
	return s.FindImportTx(ctx, s.db, domain, id)
}

// FindImportTx is FindImport inside a transaction.
func (s *Store) FindImportTx(ctx context.Context, q Querier, domain, id string) (Import, error) {
	im, err := scanImport(q.QueryRowContext(ctx, `SELECT `+importCols+` FROM imports WHERE domain = $1 AND id = $2`, domain, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return Import{}, notFound("import")
	}
	if err != nil {
		return Import{}, fmt.Errorf("find import: %w", err)
	}
	return s.withProgress(im), nil
}

// ListImports lists a domain's imports, newest first, without their results.
func (s *Store) ListImports(ctx context.Context, domain string, limit int, before string) ([]Import, error) {
	if before == "" {
		before = "9999"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+importCols+` FROM imports WHERE domain = $1 AND created_at < $2 ORDER BY created_at DESC LIMIT $3`, domain, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Import
	for rows.Next() {
		im, err := scanImport(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, s.withProgress(im))
	}
	return out, rows.Err()
}

// Change is one case an import wrote, kept for undo.
type Change struct {
	CaseID          string
	Op              string      // create | update
	Before          *model.Case // the case before (updates)
	AfterModifiedOn string      // the stamp the import wrote: a later one means someone changed it since
}

// InsertChanges records an import's changes.
func (s *Store) InsertChanges(ctx context.Context, tx *sql.Tx, domain, importID string, cs []Change) error {
	const per = 800
	for i := 0; i < len(cs); i += per {
		part := cs[i:min(i+per, len(cs))]
		var b strings.Builder
		b.WriteString(`INSERT INTO changes (domain, import_id, seq, case_id, op, before, after_modified_on) VALUES `)
		args := make([]any, 0, len(part)*7)
		for j, c := range part {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + s.ph(len(args)+1, 7) + ")")
			before := ""
			if c.Before != nil {
				bb, _ := json.Marshal(c.Before)
				before = string(bb)
			}
			args = append(args, domain, importID, i+j, c.CaseID, c.Op, before, c.AfterModifiedOn)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// FindChanges returns an import's changes in order.
func (s *Store) FindChanges(ctx context.Context, q Querier, domain, importID string) ([]Change, error) {
	rows, err := q.QueryContext(ctx, `SELECT case_id, op, before, after_modified_on FROM changes WHERE domain = $1 AND import_id = $2 ORDER BY seq`, domain, importID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var before string
		if err := rows.Scan(&c.CaseID, &c.Op, &before, &c.AfterModifiedOn); err != nil {
			return nil, err
		}
		if before != "" {
			var b model.Case
			if err := json.Unmarshal([]byte(before), &b); err == nil {
				c.Before = &b
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
