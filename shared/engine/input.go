// Package engine checks an import: it maps each table's columns, parses and
// validates every row, finds the cases rows update, resolves parents among
// the import's own rows and existing cases, checks addresses, and returns one
// deterministic Plan. The browser's worker, the server and the check command
// all call Check, so they cannot disagree.
package engine

import (
	"sort"
	"strings"

	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
	"casegate/shared/tablewire"
)

// Table is one sheet to import as one case type.
type Table struct {
	File     string
	Sheet    string
	CaseType string
	Date1904 bool
	Header   []string
	Rows     []sheet.Row
}

// Lookup finds existing cases. The server implements it over its database,
// the check command over a case export, the page over its cached index.
type Lookup interface {
	// CasesByID returns the cases with these ids (any type).
	CasesByID(ids []string) (map[string]model.Case, error)
	// CasesByExternalID returns, per external id, every case that has it (any type).
	CasesByExternalID(ids []string) (map[string][]model.Case, error)
}

// Choice is a person's pick for an ambiguous or missing parent (defined in
// shared/tablewire, which the page shares).
type Choice = tablewire.Choice

// Input is everything Check needs.
type Input struct {
	Tables   []Table
	Spec     spec.Spec
	Registry casetype.Registry
	Existing Lookup        // nil: no existing cases
	Owners   []model.Owner // nil: owners are not checked
	Choices  []Choice
	// MaxCellChars caps a cell's length (Excel's 32,767 by default).
	MaxCellChars int
	// Unhashed leaves the plan's Hash empty until Plan.Seal: the page's
	// worker hashes after it has answered (SHA-256 in wasm took ~0.2 s of
	// a 100k-row check), and the text report never shows it.
	Unhashed bool
}

// TablesFromBook turns a read workbook into tables. caseType, when set (from
// TYPE:FILE or -case-type), applies to the chosen sheet (or the first visible
// one); otherwise, or when every sheet is named after a known case type, each
// sheet is a table of the case type it is named after, as CommCare's
// multi-tab import does.
func TablesFromBook(file string, book *sheet.Book, caseType string, explicit bool, reg casetype.Registry) ([]Table, error) {
	if len(book.Sheets) == 0 {
		return nil, model.Errorf(model.EInvalid, "%s has no sheets to import.", file)
	}
	allNamed := len(book.Sheets) > 1
	for _, sh := range book.Sheets {
		if _, ok := reg.Lookup(sh.Name); !ok {
			allNamed = false
		}
	}
	mk := func(sh sheet.Sheet, ct string) Table {
		return Table{File: file, Sheet: sh.Name, CaseType: ct, Date1904: book.Date1904, Header: sh.Header, Rows: sh.Rows}
	}
	if allNamed && !explicit {
		var out []Table
		for _, sh := range book.Sheets {
			out = append(out, mk(sh, sh.Name))
		}
		return out, nil
	}
	sh := book.Sheets[0]
	if caseType == "" {
		if _, ok := reg.Lookup(sh.Name); ok && book.Format == "xlsx" {
			caseType = sh.Name
		} else {
			return nil, model.Errorf(model.EInvalid, "No case type for %s: give -case-type, write TYPE:%s, or name the sheet after a case type (%s).",
				file, file, strings.Join(reg.Names(), ", "))
		}
	}
	return []Table{mk(sh, caseType)}, nil
}

// MemoryCases is a Lookup over cases held in memory (a case export, the
// page's cached index).
type MemoryCases struct {
	// Read, never written, once made: a check looks its keys up here
	// directly (see matchExisting).
	byID  map[string]model.Case
	byExt map[string][]model.Case
}

// NewMemoryCases indexes cs.
func NewMemoryCases(cs []model.Case) *MemoryCases {
	m := &MemoryCases{byID: map[string]model.Case{}, byExt: map[string][]model.Case{}}
	for _, c := range cs {
		m.byID[c.CaseID] = c
		if c.ExternalID != "" {
			m.byExt[c.ExternalID] = append(m.byExt[c.ExternalID], c)
		}
	}
	for k := range m.byExt {
		sort.Slice(m.byExt[k], func(i, j int) bool { return m.byExt[k][i].CaseID < m.byExt[k][j].CaseID })
	}
	return m
}

// CasesByID implements Lookup.
func (m *MemoryCases) CasesByID(ids []string) (map[string]model.Case, error) {
	out := map[string]model.Case{}
	for _, id := range ids {
		if c, ok := m.byID[id]; ok {
			out[id] = c
		}
	}
	return out, nil
}

// CasesByExternalID implements Lookup.
func (m *MemoryCases) CasesByExternalID(ids []string) (map[string][]model.Case, error) {
	out := map[string][]model.Case{}
	for _, id := range ids {
		if cs, ok := m.byExt[id]; ok {
			out[id] = cs
		}
	}
	return out, nil
}

// Len returns the number of cases held.
func (m *MemoryCases) Len() int { return len(m.byID) }

// ApplyEdits sets cells a person changed (again: setting is idempotent, so
// the page may send every edit since the files were read). The worker and
// the server apply the page's edits with it.
func ApplyEdits(ts []Table, edits []tablewire.Edit) {
	for _, e := range edits {
		for ti := range ts {
			t := &ts[ti]
			if t.File != e.File || t.Sheet != e.Sheet || e.Col < 0 || e.Col >= len(t.Header) {
				continue
			}
			// Rows are in sheet order: find the number by bisection.
			i := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Num >= e.Row })
			if i == len(t.Rows) || t.Rows[i].Num != e.Row {
				continue
			}
			t.Rows[i].Set(e.Col, e.Value) // a person types text
		}
	}
}
