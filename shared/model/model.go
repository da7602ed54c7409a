// Package model is casegate's vocabulary: cases, issues and their stable
// codes, and the operation error type. It imports only the standard library,
// so every other package (browser, server, command line) can share it.
package model

import (
	"errors"
	"fmt"
)

// Severity says whether an issue blocks a row.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Code is a stable issue code. Codes are part of the public contract
// (reports, the API, scripts): add codes, never rename them.
type Code string

// The codes DESIGN.md promises, then casegate's own.
const (
	CodeRequired         Code = "required"
	CodeInvalidValue     Code = "invalid_value"
	CodeInvalidDate      Code = "invalid_date"
	CodeTooLong          Code = "too_long"
	CodeDuplicateInFile  Code = "duplicate_in_file"
	CodeBlankExternalID  Code = "blank_external_id"
	CodeNoMatch          Code = "no_match"
	CodeTooManyMatches   Code = "too_many_matches"
	CodeParentNotFound   Code = "parent_not_found"
	CodeParentAmbiguous  Code = "parent_ambiguous"
	CodeParentWrongType  Code = "parent_wrong_type"
	CodeParentCycle      Code = "parent_cycle"
	CodeBadAddress       Code = "bad_address"
	CodeReservedField    Code = "reserved_field"
	CodeAmbiguousDate    Code = "ambiguous_date_order"
	CodeInvalidOwner     Code = "invalid_owner"
	CodeErrorCell        Code = "error_cell"
	CodeInvalidRelation  Code = "invalid_relationship"
	CodeCloseOnCreate    Code = "close_ignored_on_create"
	CodeCaseUpdatedTwice Code = "updated_twice_in_file"
	CodeParentNotCreated Code = "parent_has_errors"
	CodeFormulaNoValue   Code = "formula_without_value"
	CodeWrongCaseType    Code = "case_id_wrong_type"
	CodeBlankHeader      Code = "blank_header"
	CodeBlankRow         Code = "blank_row"
)

// Issue is a finding about the user's data: part of the result, not an error.
type Issue struct {
	Severity   Severity    `json:"severity"`
	Code       Code        `json:"code"`
	Column     string      `json:"column,omitempty"`
	Value      string      `json:"value,omitempty"`
	Message    string      `json:"message"`
	Suggestion string      `json:"suggestion,omitempty"`
	Candidates []Candidate `json:"candidates,omitempty"`
}

// Candidate is one case an ambiguous parent (or search key) could mean: an
// existing case (CaseID set) or a row of this import (Row set).
type Candidate struct {
	CaseID     string            `json:"case_id,omitempty"`
	CaseType   string            `json:"case_type,omitempty"`
	ExternalID string            `json:"external_id,omitempty"`
	Name       string            `json:"name,omitempty"`
	OwnerID    string            `json:"owner_id,omitempty"`
	DateOpened string            `json:"date_opened,omitempty"`
	File       string            `json:"file,omitempty"`
	Sheet      string            `json:"sheet,omitempty"`
	Row        int               `json:"row,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	// New marks the offer of a new case (of CaseType, with ExternalID as
	// its external id and name), listed when the import may create one.
	New bool `json:"new,omitempty"`
}

// Case is a stored case, as in CommCare.
type Case struct {
	CaseID     string            `json:"case_id"`
	CaseType   string            `json:"case_type"`
	ExternalID string            `json:"external_id"`
	Name       string            `json:"name"`
	OwnerID    string            `json:"owner_id"`
	Closed     bool              `json:"closed"`
	DateOpened string            `json:"date_opened"`
	ModifiedOn string            `json:"modified_on,omitempty"`
	Parent     *Index            `json:"parent"`
	Properties map[string]string `json:"properties"`
}

// Index links a case to its one parent.
type Index struct {
	CaseID       string `json:"case_id"`
	CaseType     string `json:"case_type"`
	Relationship string `json:"relationship"` // child | extension
	Identifier   string `json:"identifier"`   // parent by default
}

// Owner is a user or group of a domain that can own cases.
type Owner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"` // user | group
}

// ErrorKind classifies operation errors (not data issues); servers map it to
// a status code in one table and clients map it back.
type ErrorKind string

const (
	EInvalid       ErrorKind = "invalid"       // the request or file cannot be used
	ENotFound      ErrorKind = "not_found"     // no such object (or another domain's)
	EConflict      ErrorKind = "conflict"      // state changed; retry or review
	EUnauthorized  ErrorKind = "unauthorized"  // no or bad credentials
	EForbidden     ErrorKind = "forbidden"     // credentials fine, not allowed
	ETooLarge      ErrorKind = "too_large"     // a size or count limit
	EUnavailable   ErrorKind = "unavailable"   // busy; retry later
	EInternal      ErrorKind = "internal"      // a bug or an outage
	EUnsupported   ErrorKind = "unsupported"   // a file format we do not read
	EUnprocessable ErrorKind = "unprocessable" // e.g. idempotency key reused with another body
)

// Error is an operation error whose Message is a full sentence for the user.
type Error struct {
	Kind    ErrorKind
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error of the given kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, EInternal for foreign errors and "" for nil.
func KindOf(err error) ErrorKind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return EInternal
}

// MessageOf returns the user-facing message of err; foreign errors get a
// generic sentence so internals never leak.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}
