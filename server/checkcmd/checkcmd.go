// Package checkcmd is the `check` command: the page's checks from a
// terminal, offline, with the bulk API's parameters as flags.
package checkcmd

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/errfile/errxlsx"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

// Exit statuses.
const (
	ExitClean    = 0 // no row has an error
	ExitRowError = 1 // some row has an error
	ExitUnusable = 2 // the files or the flags cannot be used
)

const usage = `usage: casegate check [flags] FILE...

Checks case spreadsheets (xlsx or csv) the way the import page does, without
a server. FILE may be written TYPE:FILE to give its case type; a workbook
whose tabs are named after case types is read tab by tab.

Exit status: 0 clean, 1 some row has an error, 2 the files or flags cannot be used.

flags:
`

// checkMemory is the heap the check may use before it collects: about four
// times what a 100,000-row, 20-column csv needs.
const checkMemory = 1 << 30

// Run runs the command and returns its exit status.
func Run(args []string, stdout, stderr io.Writer) int {
	// A one-shot command holding a whole import, most of it live to the
	// end: it runs without collections, below a memory limit that brings
	// them back for a file too big for it. With collections a third of the
	// time went to the collector, and more to the kernel: the collector's
	// read of a freshly allocated array maps it to the zero page, and each
	// first write after is a copy-on-write fault that interrupts the other
	// core (the check's rows are read on both).
	limit := int64(checkMemory)
	if os.Getenv("GOMEMLIMIT") != "" { // the person's own limit stands
		limit = debug.SetMemoryLimit(-1)
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	var (
		caseType     = fs.String("case-type", "", "case type of the rows (bulk API case_type)")
		searchField  = fs.String("search-field", "", "case_id or external_id (bulk API search_field; default case_id)")
		searchColumn = fs.String("search-column", "", "column matched against the search field (default: same as -search-field)")
		createNew    = fs.String("create-new-cases", "", "on (or true) to create cases that match nothing")
		nameColumn   = fs.String("name-column", "", "column holding the case name (default name)")
		specFile     = fs.String("spec", "", "a saved import spec (JSON); flags given explicitly override it")
		casesFile    = fs.String("cases", "", "a case export (csv or xlsx) to match against existing cases")
		choicesFile  = fs.String("choices", "", "JSON list of picked parents for ambiguous matches")
		format       = fs.String("format", "text", "report format: text or json")
		errorsOut    = fs.String("errors", "", "write the rows that will not be imported, with reasons, to OUT.csv or OUT.xlsx")
		onError      = fs.String("on-error", "", "halt or skip (default skip)")
		dateOrder    = fs.String("date-order", "", "mdy, dmy or ymd for every date column (default: inferred per column)")
		sheetName    = fs.String("sheet", "", "read only this sheet")
		headerRow    = fs.Int("header-row", 0, "row number of the header (default 1)")
		encoding     = fs.String("encoding", "", "csv encoding: utf-8, windows-1252, utf-16le, utf-16be, macintosh (default: detected)")
		delimiter    = fs.String("delimiter", "", "csv delimiter: , ; or tab (default: detected)")
		country      = fs.String("default-country", "", "country for addresses that give none (ISO code)")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean
		}
		return ExitUnusable
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "check: "+format+"\n", a...)
		return ExitUnusable
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return ExitUnusable
	}
	if *format != "text" && *format != "json" {
		return fail("-format must be text or json, not %q", *format)
	}
	var sp spec.Spec
	if *specFile != "" {
		b, err := os.ReadFile(*specFile)
		if err != nil {
			return fail("%v", err)
		}
		if sp, err = spec.Parse(b); err != nil {
			return fail("%s: %v", *specFile, err)
		}
	}
	over := func(name string, dst *string, v string) {
		if set[name] {
			*dst = v
		}
	}
	over("case-type", &sp.CaseType, *caseType)
	over("search-field", &sp.SearchField, *searchField)
	over("search-column", &sp.SearchColumn, *searchColumn)
	over("name-column", &sp.NameColumn, *nameColumn)
	over("on-error", &sp.OnError, *onError)
	over("date-order", &sp.DateOrder, *dateOrder)
	over("sheet", &sp.Sheet, *sheetName)
	over("encoding", &sp.Encoding, *encoding)
	over("delimiter", &sp.Delimiter, *delimiter)
	over("default-country", &sp.DefaultCountry, *country)
	if set["header-row"] {
		sp.HeaderRow = *headerRow
	}
	if set["create-new-cases"] {
		switch strings.ToLower(*createNew) {
		case "on", "true", "yes", "1":
			sp.CreateNewCases = true
		case "off", "false", "no", "0", "":
			sp.CreateNewCases = false
		default:
			return fail("-create-new-cases must be on or off, not %q", *createNew)
		}
	}
	sp, err := sp.Normalize()
	if err != nil {
		return fail("%v", err)
	}
	reg := casetype.NewRegistry()
	opts, err := readOptions(sp)
	if err != nil {
		return fail("%v", err)
	}
	in := engine.Input{Spec: sp, Registry: reg, Unhashed: *format == "text"} // only the JSON report shows the hash
	for _, arg := range fs.Args() {
		ct, path := splitTypeFile(arg)
		explicit := ct != ""
		if ct == "" {
			ct = sp.CaseType
			explicit = ct != "" && sp.Sheet != ""
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fail("%v", err)
		}
		book, err := sheet.Read(filepath.Base(path), data, opts)
		if err != nil {
			return fail("%s: %s", path, model.MessageOf(err))
		}
		tables, err := engine.TablesFromBook(filepath.Base(path), book, ct, explicit, reg)
		if err != nil {
			return fail("%s", model.MessageOf(err))
		}
		in.Tables = append(in.Tables, tables...)
	}
	if *casesFile != "" {
		cases, err := readCases(*casesFile)
		if err != nil {
			return fail("%s: %s", *casesFile, model.MessageOf(err))
		}
		in.Existing = engine.NewMemoryCases(cases)
	}
	if *choicesFile != "" {
		b, err := os.ReadFile(*choicesFile)
		if err != nil {
			return fail("%v", err)
		}
		if err := json.Unmarshal(b, &in.Choices); err != nil {
			return fail("%s: not a JSON list of choices: %v", *choicesFile, err)
		}
	}
	plan, err := engine.Check(in)
	if err != nil {
		return fail("%s", model.MessageOf(err))
	}
	if *errorsOut != "" {
		debug.SetGCPercent(400) // the import is checked; writing a workbook makes garbage
		if err := errxlsx.WriteFile(*errorsOut, in.Tables, plan); err != nil {
			return fail("writing %s: %v", *errorsOut, err)
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(plan.Report()); err != nil {
			return fail("%v", err)
		}
	} else {
		// A report of 100k rows with errors is 300k lines: written in
		// blocks, not a write each.
		bw := bufio.NewWriterSize(stdout, 64<<10)
		WriteText(bw, plan)
		if err := bw.Flush(); err != nil {
			return fail("%v", err)
		}
	}
	if plan.Summary.Error > 0 {
		return ExitRowError
	}
	return ExitClean
}

var typePrefix = regexp.MustCompile(`^([a-z][a-z0-9_-]*):(.+)$`)

// splitTypeFile splits TYPE:FILE, unless the whole argument names a file.
func splitTypeFile(arg string) (caseType, path string) {
	if _, err := os.Stat(arg); err == nil {
		return "", arg
	}
	if m := typePrefix.FindStringSubmatch(arg); m != nil {
		return m[1], m[2]
	}
	return "", arg
}

func readOptions(sp spec.Spec) (sheet.Options, error) {
	o := sheet.Options{Sheet: sp.Sheet, HeaderRow: sp.HeaderRow, Encoding: sp.Encoding}
	switch sp.Delimiter {
	case "":
	case ",", ";":
		o.Delimiter = rune(sp.Delimiter[0])
	case "tab", "\t", `\t`:
		o.Delimiter = '\t'
	default:
		return o, fmt.Errorf("delimiter must be , ; or tab, not %q", sp.Delimiter)
	}
	return o, nil
}

func readCases(path string) ([]model.Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	book, err := sheet.Read(filepath.Base(path), data, sheet.Options{})
	if err != nil {
		return nil, err
	}
	var out []model.Case
	for _, sh := range book.Sheets {
		cs, err := engine.CasesFromSheet(sh)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// WriteText writes the human report: the summary, then problems grouped by
// code with their rows.
func WriteText(w io.Writer, p *engine.Plan) {
	s := p.Summary
	fmt.Fprintf(w, "%d rows: %d create, %d update, %d unchanged, %d skip, %d error; %d with warnings\n",
		s.Rows, s.Create, s.Update, s.Unchanged, s.Skip, s.Error, s.Warning)
	if s.Error == 0 {
		fmt.Fprintln(w, "No errors: the import can be committed.")
	} else if p.OnError == "halt" {
		fmt.Fprintf(w, "%d rows have errors; with on_error halt nothing will be committed until they are fixed.\n", s.Error)
	} else {
		fmt.Fprintf(w, "%d rows have errors and will be skipped; the other rows can be committed.\n", s.Error)
	}
	if len(p.Notices) > 0 {
		fmt.Fprintln(w, "\nColumns:")
		for _, n := range p.Notices {
			fmt.Fprintf(w, "  %s %s (%s, sheet %s): %s\n", n.Severity, n.Code, n.File, n.Sheet, n.Message)
		}
	}
	for _, sev := range []model.Severity{model.SeverityError, model.SeverityWarning} {
		type hit struct {
			row   *engine.RowResult
			issue *model.Issue
		}
		groups := map[model.Code][]hit{}
		for i := range p.Rows {
			r := &p.Rows[i]
			for k := range r.Issues {
				if is := &r.Issues[k]; is.Severity == sev {
					groups[is.Code] = append(groups[is.Code], hit{r, is})
				}
			}
		}
		if len(groups) == 0 {
			continue
		}
		codes := make([]string, 0, len(groups))
		for c := range groups {
			codes = append(codes, string(c))
		}
		sort.Strings(codes)
		title := "Errors"
		if sev == model.SeverityWarning {
			title = "Warnings"
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, code := range codes {
			hits := groups[model.Code(code)]
			rows := make([]string, 0, min(len(hits), 21))
			for _, h := range hits[:min(len(hits), 21)] {
				rows = append(rows, strconv.Itoa(h.row.Row))
			}
			if len(hits) > 20 { // the first 20 then a count
				rows = append(rows[:20], fmt.Sprintf("and %d more", len(hits)-20))
			}
			fmt.Fprintf(w, "  %s (%d): rows %s\n", code, len(hits), strings.Join(rows, ", "))
			// A line per row with a problem (100k rows of errors are 200k
			// lines): appended, not formatted.
			var line []byte
			for _, h := range hits {
				line = append(append(append(line[:0], "    "...), h.row.File...), ", sheet "...)
				line = append(append(line, h.row.Sheet...), ", row "...)
				line = append(append(strconv.AppendInt(line, int64(h.row.Row), 10), ": "...), h.issue.Message...)
				line = append(line, '\n')
				if h.issue.Suggestion != "" {
					line = append(append(append(line, "      suggestion: "...), h.issue.Suggestion...), '\n')
				}
				for i := range h.issue.Candidates {
					line = append(appendCandidate(append(line, "      candidate: "...), &h.issue.Candidates[i]), '\n')
				}
				w.Write(line)
			}
		}
	}
}

// appendCandidate appends a candidate as the report describes it.
func appendCandidate(b []byte, c *model.Candidate) []byte {
	if c.New {
		b = append(append(append(b, "a new "...), c.CaseType...), " case with external id "...)
		b = append(append(b, c.ExternalID...), ` (choose it with {"key": `...)
		return append(strconv.AppendQuote(b, c.ExternalID), `, "new": true} in -choices)`...)
	}
	n := len(b)
	sep := func() {
		if len(b) > n {
			b = append(b, ", "...)
		}
	}
	if c.CaseID != "" {
		b = append(append(b, "case "...), c.CaseID...)
	}
	if c.Row > 0 {
		sep()
		b = strconv.AppendInt(append(append(b, c.File...), " row "...), int64(c.Row), 10)
	}
	if c.Name != "" {
		sep()
		b = strconv.AppendQuote(b, c.Name)
	}
	if c.CaseType != "" {
		sep()
		b = append(append(b, "type "...), c.CaseType...)
	}
	if c.OwnerID != "" {
		sep()
		b = append(append(b, "owner "...), c.OwnerID...)
	}
	if c.DateOpened != "" {
		sep()
		b = append(append(b, "opened "...), c.DateOpened...)
	}
	return b
}
