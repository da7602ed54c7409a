package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// IdemRecord is a stored idempotency key.
type IdemRecord struct {
	Principal, Route, Fingerprint string
	State                         string // running | done
	Status                        int
	Body                          []byte
}

// BeginIdempotent claims a key for a request. It returns nil when the key is
// new (the caller runs the request), or the earlier record (the caller
// replays it, or refuses a different request or one still running).
func (s *Store) BeginIdempotent(ctx context.Context, domain, principal, route, key, fingerprint string) (*IdemRecord, error) {
	res, err := s.exec(ctx, `INSERT INTO idempotency (domain, key, principal, route, fingerprint, state, created_at)
		VALUES ($1, $2, $3, $4, $5, 'running', $6) ON CONFLICT (domain, key) DO NOTHING`, domain, key, principal, route, fingerprint, now())
	if err != nil {
		return nil, mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var r IdemRecord
	var body, created string
	err = s.db.QueryRowContext(ctx, `SELECT principal, route, fingerprint, state, status, body, created_at FROM idempotency WHERE domain = $1 AND key = $2`, domain, key).
		Scan(&r.Principal, &r.Route, &r.Fingerprint, &r.State, &r.Status, &body, &created)
	if errors.Is(err, sql.ErrNoRows) { // abandoned between the two statements: claim again
		return s.BeginIdempotent(ctx, domain, principal, route, key, fingerprint)
	}
	// A request that has been "running" longer than any request may run
	// died with its server: its work was rolled back, so the key is free.
	if err == nil && r.State == "running" && time.Since(parseTS(created)) > StaleRequest {
		if _, err := s.exec(ctx, `DELETE FROM idempotency WHERE domain = $1 AND key = $2 AND state = 'running' AND created_at = $3`, domain, key, created); err != nil {
			return nil, err
		}
		return s.BeginIdempotent(ctx, domain, principal, route, key, fingerprint)
	}
	r.Body = []byte(body)
	return &r, err
}

// StaleRequest is how long a request may hold an idempotency key: the
// server's write timeout and then some.
const StaleRequest = 3 * time.Minute

// AbandonInterrupted frees keys held by requests that were running when a
// server stopped, older than olderThan: their transactions rolled back.
func (s *Store) AbandonInterrupted(ctx context.Context, olderThan time.Duration) (int, error) {
	res, err := s.exec(ctx, `DELETE FROM idempotency WHERE state = 'running' AND created_at < $1`, ts(time.Now().Add(-olderThan)))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// FinishIdempotent stores the answer, in the same transaction as the work.
func (s *Store) FinishIdempotent(ctx context.Context, tx *sql.Tx, domain, key string, status int, body []byte) error {
	_, err := tx.ExecContext(ctx, `UPDATE idempotency SET state = 'done', status = $1, body = $2 WHERE domain = $3 AND key = $4`, status, string(body), domain, key)
	return mapErr(err)
}

// AbandonIdempotent frees a key whose request committed nothing.
func (s *Store) AbandonIdempotent(ctx context.Context, domain, key string) error {
	_, err := s.exec(ctx, `DELETE FROM idempotency WHERE domain = $1 AND key = $2 AND state = 'running'`, domain, key)
	return err
}

// PurgeIdempotent forgets keys older than the retention.
func (s *Store) PurgeIdempotent(ctx context.Context, olderThan time.Duration) error {
	_, err := s.exec(ctx, `DELETE FROM idempotency WHERE created_at < $1`, ts(time.Now().Add(-olderThan)))
	return err
}

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
// PostgreSQL replicas skip each other's locked rows, so each job is claimed
// once; SQLite has one writer.
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
		return nil, mapErr(err)
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

// FailJob stores a failed job's status JSON and reason.
func (s *Store) FailJob(ctx context.Context, id, reason string, result []byte) error {
	_, err := s.exec(ctx, `UPDATE jobs SET state = 3, error = $1, result = $2 WHERE id = $3`, reason, string(result), id)
	if err == nil {
		_, err = s.exec(ctx, `UPDATE imports SET state = 'failed', error = $1, finished_at = $2
			WHERE id = (SELECT import_id FROM jobs WHERE id = $3) AND state <> 'done'`, reason, now(), id)
	}
	return err
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
	j.Params, j.Result = []byte(params), []byte(result)
	return j, err
}

// ReclaimStaleJobs returns jobs whose worker stopped (no heartbeat for
// olderThan) to pending, or fails them visibly after three attempts.
func (s *Store) ReclaimStaleJobs(ctx context.Context, olderThan time.Duration) (int, error) {
	cut := ts(time.Now().Add(-olderThan))
	res, err := s.exec(ctx, `UPDATE jobs SET state = 3, error = 'The import was interrupted three times and was stopped; upload the file again.',
		result = '{"state":3,"progress":{"percent":0},"result":{"match_count":0,"created_count":0,"num_chunks":0,"errors":[{"title":"Import Error","description":"The import was interrupted three times and was stopped; upload the file again.","column":"","rows":[]}]}}'
		WHERE state = 1 AND heartbeat_at < $1 AND attempts >= 3`, cut)
	if err != nil {
		return 0, err
	}
	failed, _ := res.RowsAffected()
	res, err = s.exec(ctx, `UPDATE jobs SET state = 0 WHERE state = 1 AND heartbeat_at < $1`, cut)
	if err != nil {
		return 0, err
	}
	back, _ := res.RowsAffected()
	return int(failed + back), nil
}
