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

// caseArgs are a case's values in the order of "domain, "+caseCols+", modified_by_import".
func caseArgs(domain, importID string, c model.Case) []any {
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
	return []any{domain, c.CaseID, c.CaseType, c.ExternalID, c.Name, c.OwnerID, closed, c.DateOpened, c.ModifiedOn, string(props), pid, pt, pr, pi, importID}
}

const idChunk = 500

// FindCasesByID returns the domain's cases with these ids; ids of another
// domain's cases, or of none, are simply absent.
func (s *Store) FindCasesByID(ctx context.Context, q Querier, domain string, ids []string) (map[string]model.Case, error) {
	out := map[string]model.Case{}
	err := inChunks(ids, func(part []string) error {
		return s.scanCases(ctx, q, `SELECT `+caseCols+` FROM cases WHERE domain = $1 AND case_id IN (`+placeholders(2, len(part))+`)`,
			idArgs(domain, part), func(c model.Case) { out[c.CaseID] = c })
	})
	if err != nil {
		return nil, fmt.Errorf("find cases by id: %w", err)
	}
	return out, nil
}

// FindCasesByExternalID returns, per external id, the domain's cases with
// it (of caseType, or any type when caseType is ""), ordered by case id:
// several cases may share an external id, and the caller must see them all.
func (s *Store) FindCasesByExternalID(ctx context.Context, q Querier, domain, caseType string, ext []string) (map[string][]model.Case, error) {
	out := map[string][]model.Case{}
	err := inChunks(ext, func(part []string) error {
		args := idArgs(domain, part)
		query := `SELECT ` + caseCols + ` FROM cases WHERE domain = $1 AND external_id IN (` + placeholders(2, len(part)) + `)`
		if caseType != "" {
			args = append(args, caseType)
			query += fmt.Sprintf(` AND case_type = $%d`, len(args))
		}
		return s.scanCases(ctx, q, query+` ORDER BY case_id`, args, func(c model.Case) { out[c.ExternalID] = append(out[c.ExternalID], c) })
	})
	if err != nil {
		return nil, fmt.Errorf("find cases by external id: %w", err)
	}
	return out, nil
}

// FindChildIDs returns, per case id, the ids of its child cases.
func (s *Store) FindChildIDs(ctx context.Context, q Querier, domain string, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	err := inChunks(ids, func(part []string) error {
		rows, err := q.QueryContext(ctx, `SELECT parent_case_id, case_id FROM cases WHERE domain = $1 AND parent_case_id IN (`+placeholders(2, len(part))+`) ORDER BY case_id`,
			idArgs(domain, part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p, c string
			if err := rows.Scan(&p, &c); err != nil {
				return err
			}
			out[p] = append(out[p], c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find child cases: %w", err)
	}
	return out, nil
}

// scanCases runs a query selecting caseCols and hands each case to fn.
func (s *Store) scanCases(ctx context.Context, q Querier, query string, args []any, fn func(model.Case)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return err
		}
		fn(c)
	}
	return rows.Err()
}

// CaseFilter selects cases to list.
type CaseFilter struct {
	CaseType string
	After    string // case id cursor
	Limit    int
}

// ListCases lists a domain's cases in case id order, from after the cursor
// f.After (the last case id of the previous page), f.Limit at most (100
// by default).
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
	var out []model.Case
	if err := s.scanCases(ctx, s.db, query, args, func(c model.Case) { out = append(out, c) }); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return out, nil
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
	if err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// caseRowsPerStmt rows of caseWriteCols columns: 3,000 parameters a
// statement, under both databases' limits. Measured on SQLite, 100,000
// cases in one transaction: 2.0–2.6 s at 200 rows a statement (the same
// rows into a table without keys or indexes: 1.6–2.4 s).
const (
	caseRowsPerStmt = 200
	caseWriteCols   = 15
)

// upsertCases writes cases with multi-row statements, each size prepared
// once; with update false a case that exists already is a conflict.
func (s *Store) upsertCases(ctx context.Context, tx *sql.Tx, domain, importID string, cs []model.Case, update bool) error {
	what := "insert cases"
	if update {
		what = "update cases"
	}
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	args := make([]any, 0, caseRowsPerStmt*caseWriteCols)
	for i := 0; i < len(cs); i += caseRowsPerStmt {
		part := cs[i:min(i+caseRowsPerStmt, len(cs))]
		st, ok := stmts[len(part)]
		if !ok {
			var b strings.Builder
			b.WriteString(`INSERT INTO cases (domain, ` + caseCols + `, modified_by_import) VALUES `)
			for j := range part {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(" + s.ph(j*caseWriteCols+1, caseWriteCols) + ")")
			}
			if update {
				b.WriteString(` ON CONFLICT (domain, case_id) DO UPDATE SET case_type = excluded.case_type, external_id = excluded.external_id,
				name = excluded.name, owner_id = excluded.owner_id, closed = excluded.closed, date_opened = excluded.date_opened,
				modified_on = excluded.modified_on, properties = excluded.properties, parent_case_id = excluded.parent_case_id,
				parent_case_type = excluded.parent_case_type, parent_relationship = excluded.parent_relationship,
				parent_identifier = excluded.parent_identifier, modified_by_import = excluded.modified_by_import`)
			}
			var err error
			if st, err = tx.PrepareContext(ctx, b.String()); err != nil {
				return mapErr(fmt.Errorf("%s: %w", what, err))
			}
			stmts[len(part)] = st
		}
		args = args[:0]
		for _, c := range part {
			args = append(args, caseArgs(domain, importID, c)...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return mapErr(fmt.Errorf("%s: %w", what, err))
		}
	}
	return nil
}

// InsertCases inserts new cases; a case id the domain has already is a
// conflict (model.EConflict) and, in the caller's transaction, nothing of
// the batch stays.
func (s *Store) InsertCases(ctx context.Context, tx *sql.Tx, domain string, cs []model.Case) error {
	return s.upsertCases(ctx, tx, domain, "", cs, false)
}

// UpdateCases replaces existing cases (and inserts any that are gone).
func (s *Store) UpdateCases(ctx context.Context, tx *sql.Tx, domain string, cs []model.Case) error {
	return s.upsertCases(ctx, tx, domain, "", cs, true)
}

// InsertImportCases is InsertCases that records importID as the import
// that last wrote each case (modified_by_import).
func (s *Store) InsertImportCases(ctx context.Context, tx *sql.Tx, domain, importID string, cs []model.Case) error {
	return s.upsertCases(ctx, tx, domain, importID, cs, false)
}

// UpdateImportCases is UpdateCases that records importID as the import
// that last wrote each case.
func (s *Store) UpdateImportCases(ctx context.Context, tx *sql.Tx, domain, importID string, cs []model.Case) error {
	return s.upsertCases(ctx, tx, domain, importID, cs, true)
}

// FindCaseImports returns, per case id, the import that last wrote it (""
// when none did, or the case was written without one).
func (s *Store) FindCaseImports(ctx context.Context, q Querier, domain string, ids []string) (map[string]string, error) {
	out := map[string]string{}
	err := inChunks(ids, func(part []string) error {
		rows, err := q.QueryContext(ctx, `SELECT case_id, modified_by_import FROM cases WHERE domain = $1 AND case_id IN (`+placeholders(2, len(part))+`)`, idArgs(domain, part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, imp string
			if err := rows.Scan(&id, &imp); err != nil {
				return err
			}
			out[id] = imp
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find case imports: %w", err)
	}
	return out, nil
}

// DeleteCases deletes a domain's cases by id.
func (s *Store) DeleteCases(ctx context.Context, tx *sql.Tx, domain string, ids []string) error {
	err := inChunks(ids, func(part []string) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM cases WHERE domain = $1 AND case_id IN (`+placeholders(2, len(part))+`)`, idArgs(domain, part)...)
		return err
	})
	if err != nil {
		return mapErr(fmt.Errorf("delete cases: %w", err))
	}
	return nil
}

// inChunks calls fn with ids idChunk at a time, so IN lists stay far below
// both databases' parameter limits.
func inChunks(ids []string, fn func(part []string) error) error {
	for i := 0; i < len(ids); i += idChunk {
		if err := fn(ids[i:min(i+idChunk, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// idArgs is domain followed by ids, for "domain = $1 AND x IN ($2, …)".
func idArgs(domain string, ids []string) []any {
	args := make([]any, 0, len(ids)+1)
	args = append(args, domain)
	for _, id := range ids {
		args = append(args, id)
	}
	return args
}
