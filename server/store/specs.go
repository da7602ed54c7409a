package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// SavedSpec is a named import spec.
type SavedSpec struct {
	ID, Domain, Name, CaseType       string
	Spec                             []byte
	CreatedAt, UpdatedAt, LastUsedAt time.Time
}

const specCols = `id, domain, name, case_type, spec, created_at, updated_at, last_used_at`

func scanSpec(sc interface{ Scan(...any) error }) (SavedSpec, error) {
	var x SavedSpec
	var spec, c, u, l string
	err := sc.Scan(&x.ID, &x.Domain, &x.Name, &x.CaseType, &spec, &c, &u, &l)
	x.Spec, x.CreatedAt, x.UpdatedAt, x.LastUsedAt = []byte(spec), parseTS(c), parseTS(u), parseTS(l)
	return x, err
}

// CreateSpec saves a spec under a name.
func (s *Store) CreateSpec(ctx context.Context, domain, name, caseType string, spec []byte) (SavedSpec, error) {
	id, t := randomHex(16), now()
	if _, err := s.exec(ctx, `INSERT INTO specs (id, domain, name, case_type, spec, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
		id, domain, name, caseType, string(spec), t); err != nil {
		return SavedSpec{}, mapErr(err)
	}
	return s.FindSpec(ctx, domain, id)
}

// FindSpec returns a saved spec.
func (s *Store) FindSpec(ctx context.Context, domain, id string) (SavedSpec, error) {
	x, err := scanSpec(s.db.QueryRowContext(ctx, `SELECT `+specCols+` FROM specs WHERE domain = $1 AND id = $2`, domain, id))
	if errors.Is(err, sql.ErrNoRows) {
		return SavedSpec{}, notFound("saved spec")
	}
	return x, err
}

// ListSpecs lists a domain's saved specs (of a case type, or all).
func (s *Store) ListSpecs(ctx context.Context, domain, caseType string) ([]SavedSpec, error) {
	q, args := `SELECT `+specCols+` FROM specs WHERE domain = $1`, []any{domain}
	if caseType != "" {
		q, args = q+` AND case_type = $2`, append(args, caseType)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SavedSpec
	for rows.Next() {
		x, err := scanSpec(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// RenameSpec renames a saved spec.
func (s *Store) RenameSpec(ctx context.Context, domain, id, name string) (SavedSpec, error) {
	res, err := s.exec(ctx, `UPDATE specs SET name = $1, updated_at = $2 WHERE domain = $3 AND id = $4`, name, now(), domain, id)
	if err != nil {
		return SavedSpec{}, mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return SavedSpec{}, notFound("saved spec")
	}
	return s.FindSpec(ctx, domain, id)
}

// DuplicateSpec copies a saved spec as "<name> (copy)".
func (s *Store) DuplicateSpec(ctx context.Context, domain, id string) (SavedSpec, error) {
	x, err := s.FindSpec(ctx, domain, id)
	if err != nil {
		return SavedSpec{}, err
	}
	return s.CreateSpec(ctx, domain, x.Name+" (copy)", x.CaseType, x.Spec)
}

// DeleteSpec deletes a saved spec.
func (s *Store) DeleteSpec(ctx context.Context, domain, id string) error {
	res, err := s.exec(ctx, `DELETE FROM specs WHERE domain = $1 AND id = $2`, domain, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("saved spec")
	}
	return nil
}

// TouchSpec marks a spec as just used.
func (s *Store) TouchSpec(ctx context.Context, domain, id string) error {
	_, err := s.exec(ctx, `UPDATE specs SET last_used_at = $1 WHERE domain = $2 AND id = $3`, now(), domain, id)
	return err
}

// LastSpecForCaseType returns the spec last used for a case type, if any.
func (s *Store) LastSpecForCaseType(ctx context.Context, domain, caseType string) (*SavedSpec, error) {
	x, err := scanSpec(s.db.QueryRowContext(ctx, `SELECT `+specCols+` FROM specs WHERE domain = $1 AND case_type = $2
		ORDER BY last_used_at DESC, updated_at DESC LIMIT 1`, domain, caseType))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &x, err
}
