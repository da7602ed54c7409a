// Package ui is casegate's web app: go-app v10 components and the route
// table, compiled into the browser's app.wasm and into the server, which
// pre-renders the pages. The page carries no reader and no validator: files
// are read and checked by the reader worker (app/worker), and the server is
// called through web/casegate.js, so app.wasm stays small.
package ui

import (
	"encoding/json"

	"casegate/shared/model"
	"casegate/shared/tablewire"
)

// The UI decodes the JSON of shared/engine and shared/api into these light
// mirrors: importing those packages would pull the reader and the validator
// into app.wasm.

// table and row are the import's sheets, as the worker reads them and the
// server's API takes them.
type (
	table = tablewire.Table
	row   = tablewire.Row
)

// rowResult is a row's verdict, made when the row is drawn.
type rowResult = tablewire.Verdict

// verdicts are every row's verdict as the worker sent them.
type verdicts = tablewire.Verdicts

type summary = tablewire.Summary

type plan struct {
	Summary summary   `json:"summary"`
	OnError string    `json:"on_error"`
	Rows    *verdicts `json:"-"` // the worker's compact form, read as is

	Hash    string `json:"hash"`
	Notices []struct {
		File  string `json:"file"`
		Sheet string `json:"sheet"`
		model.Issue
	} `json:"notices,omitempty"`
}

type choice = tablewire.Choice

type rowRef = tablewire.RowRef

type commitResponse struct {
	ImportID string  `json:"import_id"`
	State    string  `json:"state"`
	Summary  summary `json:"summary"`
	Created  int     `json:"created"`
	Updated  int     `json:"updated"`
	Skipped  int     `json:"skipped"`
	Failed   int     `json:"failed"`
}

type importRecord struct {
	ID         string  `json:"id"`
	Kind       string  `json:"kind"`
	State      string  `json:"state"`
	User       string  `json:"user"`
	FileName   string  `json:"file_name"`
	CaseType   string  `json:"case_type"`
	Summary    summary `json:"summary"`
	Created    int     `json:"created"`
	Updated    int     `json:"updated"`
	Failed     int     `json:"failed"`
	CreatedAt  string  `json:"created_at"`
	UndoneBy   string  `json:"undone_by,omitempty"`
	UndoOf     string  `json:"undo_of,omitempty"`
	Error      string  `json:"error,omitempty"`
	RowsDone   int     `json:"rows_done"`
	RowsTotal  int     `json:"rows_total"`
	ProgressPc int     `json:"progress_percent"`
}

type undoPreview struct {
	Remove    int `json:"remove"`
	Restore   int `json:"restore"`
	Conflicts []struct {
		CaseID string `json:"case_id"`
		Name   string `json:"name"`
		Reason string `json:"reason"`
	} `json:"conflicts"`
}

type me struct {
	Email  string `json:"email"`
	Domain string `json:"domain"`
	Role   string `json:"role"`
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type specColumn struct {
	Column     string `json:"column"`
	Kind       string `json:"kind"`
	Field      string `json:"field,omitempty"`
	Property   string `json:"property,omitempty"`
	ParentType string `json:"parent_type,omitempty"`
	DateOrder  string `json:"date_order,omitempty"`
}

type suggestion struct {
	Column     int
	Header     string
	Kind       string
	Field      string
	ParentType string
	Property   string
	Confidence float64
	Reason     string
}

type tableMapping struct {
	File        string       `json:"file"`
	Sheet       string       `json:"sheet"`
	CaseType    string       `json:"case_type"`
	Columns     []specColumn `json:"columns"`
	Suggestions []suggestion `json:"suggestions"`
}

type fileInfo struct {
	Name      string `json:"name"`
	Format    string `json:"format"`
	Encoding  string `json:"encoding,omitempty"`
	Delimiter string `json:"delimiter,omitempty"`
	Sheets    []struct {
		Name   string `json:"Name"`
		Hidden bool   `json:"Hidden"`
	} `json:"sheets"`
}

type savedSpec struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	CaseType string          `json:"case_type"`
	Spec     json.RawMessage `json:"spec"`
}

type rowOutcome struct {
	File   string        `json:"file"`
	Sheet  string        `json:"sheet"`
	Row    int           `json:"row"`
	Action string        `json:"action"`
	CaseID string        `json:"case_id,omitempty"`
	Issues []model.Issue `json:"issues,omitempty"`
}

type importDetail struct {
	importRecord
	Results   []rowOutcome `json:"results,omitempty"`
	Conflicts []struct {
		CaseID string `json:"case_id"`
		Name   string `json:"name"`
		Reason string `json:"reason"`
	} `json:"conflicts,omitempty"`
}
