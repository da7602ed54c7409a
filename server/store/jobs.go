package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Job is a bulk API upload waiting for or under import. State follows
// CommCare: 0 pending, 1 started, 2 done, 3 failed.
type Job struct {
	ID, Domain, ImportID string
	State                int
	Params, File         []byte
	FileName             string
	Attempts             int
	Result               []byte
	Error                string
}

// EnqueueJob stores a pending job.
func (s *Store) EnqueueJob(ctx context.Context, j Job) error {
	_, err := s.exec(ctx, `INSERT INTO jobs (id, domain, import_id, state, params, file, file_name, created_at) VALUES ($1, $2, $3, 0, $4, $5, $6, $7)`,
		j.ID, j.Domain, j.ImportID, string(j.Params), j.File, j.FileName, now())
	return mapErr(err)
}

// ClaimJob takes the oldest pending job for worker, or returns nil. On
// PostgreSQL replicas skip each other's locked rows (FOR UPDATE SKIP
// LOCKED), so each job is claimed once. On SQLite the one UPDATE takes the
// write lock before it reads (and writes are queued in Go besides), so the
// subquery and the update see the same database.
func (s *Store) ClaimJob(ctx context.Context, worker string) (*Job, error) {
	lock := ""
	if s.dialect == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	t := now()
	var j Job
	var params, result string
	defer s.serialize()()
	err := s.db.QueryRowContext(ctx, `UPDATE jobs SET state = 1, claimed_by = $1, claimed_at = $2, heartbeat_at = $2, attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs WHERE state = 0 ORDER BY created_at, id LIMIT 1`+lock+`)
		RETURNING id, domain, import_id, state, params, file, file_name, attempts, result, error`, worker, t).
		Scan(&j.ID, &j.Domain, &j.ImportID, &j.State, &params, &j.File, &j.FileName, &j.Attempts, &result, &j.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(fmt.Errorf("claim job: %w", err))
	}
	j.Params, j.Result = []byte(params), []byte(result)
	return &j, nil
}

// HeartbeatJob says a worker still holds a job.
func (s *Store) HeartbeatJob(ctx context.Context, id string) error {
	_, err := s.exec(ctx, `UPDATE jobs SET heartbeat_at = $1 WHERE id = $2`, now(), id)
	return err
}

// FinishJob stores a job's status JSON; the file is dropped.
func (s *Store) FinishJob(ctx context.Context, id string, result []byte) error {
	_, err := s.exec(ctx, `UPDATE jobs SET state = 2, result = $1, file = $2 WHERE id = $3`, string(result), []byte{}, id)
	return err
}

// FailJob stores a failed job's status JSON and reason, and fails its
// import record with it, together.
func (s *Store) FailJob(ctx context.Context, id, reason string, result []byte) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 3, error = $1, result = $2 WHERE id = $3`, reason, string(result), id); err != nil {
			return fmt.Errorf("fail job: %w", err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE imports SET state = 'failed', error = $1, finished_at = $2
			WHERE id = (SELECT import_id FROM jobs WHERE id = $3) AND state <> 'done'`, reason, now(), id)
		if err != nil {
			return fmt.Errorf("fail job's import: %w", err)
		}
		return nil
	})
}

// FindJob returns a domain's job.
func (s *Store) FindJob(ctx context.Context, domain, id string) (Job, error) {
	var j Job
	var params, result string
	err := s.db.QueryRowContext(ctx, `SELECT id, domain, import_id, state, params, file_name, attempts, result, error FROM jobs WHERE domain = $1 AND id = $2`, domain, id).
		Scan(&j.ID, &j.Domain, &j.ImportID, &j.State, &params, &j.FileName, &j.Attempts, &result, &j.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, notFound("upload")
	}
	if err != nil {
		return Job{}, fmt.Errorf("find job: %w", err)
	}
	j.Params, j.Result = []byte(params), []byte(result)
	return j, nil
}

// MaxJobAttempts is how many times a job is started before an interrupted
// one is failed rather than retried.
const MaxJobAttempts = 3

const reclaimReason = "The import was interrupted three times and was stopped; upload the file again."

// ReclaimStaleJobs handles jobs whose worker stopped (started, no heartbeat
// for olderThan), so a restarted server resumes or fails them visibly:
// back to pending while attempts < MaxJobAttempts, else failed with a
// reason, their import records too. It returns how many it touched.
func (s *Store) ReclaimStaleJobs(ctx context.Context, olderThan time.Duration) (int, error) {
	cut := ts(time.Now().Add(-olderThan))
	var n int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		// The import records first, while the jobs still say which fail.
		if _, err := tx.ExecContext(ctx, `UPDATE imports SET state = 'failed', error = $1, finished_at = $2
			WHERE id IN (SELECT import_id FROM jobs WHERE state = 1 AND heartbeat_at < $3 AND attempts >= $4) AND state <> 'done'`,
			reclaimReason, now(), cut, MaxJobAttempts); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 3, error = $1,
			result = '{"state":3,"progress":{"percent":0},"result":{"match_count":0,"created_count":0,"num_chunks":0,"errors":[{"title":"Import Error","description":"`+reclaimReason+`","column":"","rows":[]}]}}'
			WHERE state = 1 AND heartbeat_at < $2 AND attempts >= $3`, reclaimReason, cut, MaxJobAttempts)
		if err != nil {
			return err
		}
		failed, _ := res.RowsAffected()
		res, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 0, claimed_by = '' WHERE state = 1 AND heartbeat_at < $1`, cut)
		if err != nil {
			return err
		}
		back, _ := res.RowsAffected()
		n = failed + back
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("reclaim stale jobs: %w", err)
	}
	return int(n), nil
}
