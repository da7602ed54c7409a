package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"casegate/shared/model"
)

const caseCols = `case_id, case_type, external_id, name, owner_id, closed, date_opened, modified_on, properties,
	parent_case_id, parent_case_type, parent_relationship, parent_identifier`

func scanCase(sc interface{ Scan(...any) error }) (model.Case, error) {
	var c model.Case
	var closed int
	var props, pid, pt, pr, pi string
	if err := sc.Scan(&c.CaseID, &c.CaseType, &c.ExternalID, &c.Name, &c.OwnerID, &closed, &c.DateOpened, &c.ModifiedOn,
		&props, &pid, &pt, &pr, &pi); err != nil {
		return c, err
	}
	c.Closed = closed != 0
	c.Properties = map[string]string{}
	_ = json.Unmarshal([]byte(props), &c.Properties)
	if pid != "" {
		c.Parent = &model.Index{CaseID: pid, CaseType: pt, Relationship: pr, Identifier: pi}
	}
	return c, nil
}

func caseArgs(domain string, c model.Case) []any {
	props, _ := json.Marshal(c.Properties)
	if c.Properties == nil {
		props = []byte("{}")
	}
	var pid, pt, pr, pi string
	if c.Parent != nil {
		pid, pt, pr, pi = c.Parent.CaseID, c.Parent.CaseType, c.Parent.Relationship, c.Parent.Identifier
	}
	closed := 0
	if c.Closed {
		closed = 1
	}
	return []any{domain, c.CaseID, c.CaseType, c.ExternalID, c.Name, c.OwnerID, closed, c.DateOpened, c.ModifiedOn, string(props), pid, pt, pr, pi}
}

const idChunk = 500

// FindCasesByID returns the domain's cases with these ids.
func (s *Store) FindCasesByID(ctx context.Context, q Querier, domain string, ids []string) (map[string]model.Case, error) {
	out := map[string]model.Case{}
	for i := 0; i < len(ids); i += idChunk {
		part := ids[i:min(i+idChunk, len(ids))]
		args := []any{domain}
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := q.QueryContext(ctx, `SELECT `+caseCols+` FROM cases WHERE domain = $1 AND case_id IN (`+placeholders(2, len(part))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("find cases: %w", err)
		}
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[c.CaseID] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindCasesByExternalID returns, per external id, the domain's cases with
// it (of caseType, or any type when caseType is ""), ordered by case id.
func (s *Store) FindCasesByExternalID(ctx context.Context, q Querier, domain, caseType string, ext []string) (map[string][]model.Case, error) {
	out := map[string][]model.Case{}
	for i := 0; i < len(ext); i += idChunk {
		part := ext[i:min(i+idChunk, len(ext))]
		args := []any{domain}
		for _, id := range part {
			args = append(args, id)
		}
		query := `SELECT ` + caseCols + ` FROM cases WHERE domain = $1 AND external_id IN (` + placeholders(2, len(part)) + `)`
		if caseType != "" {
			args = append(args, caseType)
			query += fmt.Sprintf(` AND case_type = $%d`, len(args))
		}
		rows, err := q.QueryContext(ctx, query+` ORDER BY case_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("find cases: %w", err)
		}
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[c.ExternalID] = append(out[c.ExternalID], c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindChildIDs returns, per case id, the ids of its child cases.
func (s *Store) FindChildIDs(ctx context.Context, q Querier, domain string, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	for i := 0; i < len(ids); i += idChunk {
		part := ids[i:min(i+idChunk, len(ids))]
		args := []any{domain}
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := q.QueryContext(ctx, `SELECT parent_case_id, case_id FROM cases WHERE domain = $1 AND parent_case_id IN (`+placeholders(2, len(part))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p, c string
			if err := rows.Scan(&p, &c); err != nil {
				rows.Close()
				return nil, err
			}
			out[p] = append(out[p], c)
		}
		rows.Close()
	}
	return out, nil
}

// CaseFilter selects cases to list.
type CaseFilter struct {
	CaseType string
	After    string // case id cursor
	Limit    int
}

// ListCases lists a domain's cases by case id.
func (s *Store) ListCases(ctx context.Context, domain string, f CaseFilter) ([]model.Case, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args := []any{domain, f.After}
	query := `SELECT ` + caseCols + ` FROM cases WHERE domain = $1 AND case_id > $2`
	if f.CaseType != "" {
		args = append(args, f.CaseType)
		query += ` AND case_type = $3`
	}
	args = append(args, f.Limit)
	query += fmt.Sprintf(` ORDER BY case_id LIMIT $%d`, len(args))
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountCases counts a domain's cases (of a type, or all with "").
func (s *Store) CountCases(ctx context.Context, domain, caseType string) (int, error) {
	var n int
	var err error
	if caseType == "" {
		err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE domain = $1`, domain).Scan(&n)
	} else {
		err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE domain = $1 AND case_type = $2`, domain, caseType).Scan(&n)
	}
	return n, err
}

const caseRowsPerStmt = 200 // 14 columns each: 2,800 parameters, under both databases' limits

// upsertCases writes cases with multi-row statements; with update false a
// case that exists already is a conflict.
func (s *Store) upsertCases(ctx context.Context, tx *sql.Tx, domain string, cs []model.Case, update bool) error {
	stmts := map[int]*sql.Stmt{} // one prepared statement per chunk size
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for i := 0; i < len(cs); i += caseRowsPerStmt {
		part := cs[i:min(i+caseRowsPerStmt, len(cs))]
		st, ok := stmts[len(part)]
		if !ok {
			var b strings.Builder
			b.WriteString(`INSERT INTO cases (domain, ` + caseCols + `) VALUES `)
			for j := range part {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(" + s.ph(j*14+1, 14) + ")")
			}
			if update {
				b.WriteString(` ON CONFLICT (domain, case_id) DO UPDATE SET case_type = excluded.case_type, external_id = excluded.external_id,
				name = excluded.name, owner_id = excluded.owner_id, closed = excluded.closed, date_opened = excluded.date_opened,
				modified_on = excluded.modified_on, properties = excluded.properties, parent_case_id = excluded.parent_case_id,
				parent_case_type = excluded.parent_case_type, parent_relationship = excluded.parent_relationship,
				parent_identifier = excluded.parent_identifier`)
			}
			var err error
			if st, err = tx.PrepareContext(ctx, b.String()); err != nil {
				return mapErr(fmt.Errorf("write cases: %w", err))
			}
			stmts[len(part)] = st
		}
		args := make([]any, 0, len(part)*14)
		for _, c := range part {
			args = append(args, caseArgs(domain, c)...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return mapErr(fmt.Errorf("write cases: %w", err))
		}
	}
	return nil
}

// InsertCases inserts new cases.
func (s *Store) InsertCases(ctx context.Context, tx *sql.Tx, domain string, cs []model.Case) error {
	return s.upsertCases(ctx, tx, domain, cs, false)
}

// UpdateCases replaces existing cases (and inserts any that are gone).
func (s *Store) UpdateCases(ctx context.Context, tx *sql.Tx, domain string, cs []model.Case) error {
	return s.upsertCases(ctx, tx, domain, cs, true)
}

// DeleteCases deletes cases by id.
func (s *Store) DeleteCases(ctx context.Context, tx *sql.Tx, domain string, ids []string) error {
	for i := 0; i < len(ids); i += idChunk {
		part := ids[i:min(i+idChunk, len(ids))]
		args := []any{domain}
		for _, id := range part {
			args = append(args, id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM cases WHERE domain = $1 AND case_id IN (`+placeholders(2, len(part))+`)`, args...); err != nil {
			return mapErr(err)
		}
	}
	return nil
}
