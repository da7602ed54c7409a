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
