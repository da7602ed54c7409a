//go:build js && wasm

// Command worker is the reader worker: it runs in a Web Worker, reads the
// files the page hands it with shared/sheet, checks them with shared/engine,
// and posts progress and the plan back, so the page stays responsive.
package main

import (
	"encoding/json"
	"fmt"
	"path"
	"runtime/debug"
	"strings"
	"syscall/js"
	"time"

	"casegate/shared/api"
	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/mapping"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

// request is what the page asks for.
type request struct {
	Spec      json.RawMessage     `json:"spec"`
	CaseType  string              `json:"case_type"`
	CaseTypes []casetype.CaseType `json:"case_types,omitempty"`
	Index     *api.CaseIndex      `json:"index,omitempty"`
	Choices   []engine.Choice     `json:"choices,omitempty"`
	Tables    []api.Table         `json:"tables,omitempty"` // recheck: the tables after edits
	Sheet     string              `json:"sheet,omitempty"`
	HeaderRow int                 `json:"header_row,omitempty"`
	Encoding  string              `json:"encoding,omitempty"`
	Delimiter string              `json:"delimiter,omitempty"`
}

// fileInfo tells the page how a file was read.
type fileInfo struct {
	Name      string            `json:"name"`
	Format    string            `json:"format"`
	Encoding  string            `json:"encoding,omitempty"`
	Delimiter string            `json:"delimiter,omitempty"`
	Sheets    []sheet.SheetInfo `json:"sheets"`
}

// tableMapping is a table's mapping as the engine applies it, with the
// fuzzy suggestions for columns that became new properties.
type tableMapping struct {
	File        string               `json:"file"`
	Sheet       string               `json:"sheet"`
	CaseType    string               `json:"case_type"`
	Columns     []spec.Column        `json:"columns"`
	Suggestions []mapping.Suggestion `json:"suggestions"`
}

var (
	lastFiles []fileInfo
	started   time.Time // when the request came, for the timings in the result
)

var (
	self     = js.Global()
	existing *engine.MemoryCases
)

func post(v map[string]any) { self.Call("postMessage", js.ValueOf(v)) }

func fail(err error) {
	post(map[string]any{"type": "error", "message": model.MessageOf(err), "kind": string(model.KindOf(err))})
}

func main() {
	// The browser's collector is single-threaded: collecting less often
	// (measured under node: a quarter less time at GOGC 400) is worth the
	// memory for a program that lives only while files are checked.
	debug.SetGCPercent(200)
	self.Set("onmessage", js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := args[0].Get("data")
		defer func() {
			if r := recover(); r != nil {
				post(map[string]any{"type": "crash", "message": fmt.Sprintf("The file reader failed: %v. Press Check again to retry.", r)})
			}
		}()
		var req request
		if err := json.Unmarshal([]byte(msg.Get("request").String()), &req); err != nil {
			fail(fmt.Errorf("bad request: %w", err))
			return nil
		}
		if req.Index != nil {
			existing = engine.NewMemoryCases(req.Index.CasesList())
		}
		started = time.Now()
		switch msg.Get("type").String() {
		case "check":
			in := msg.Get("files")
			var files []fileInfo
			var tables []engine.Table
			reg := casetype.NewRegistry(req.CaseTypes...)
			for i := 0; i < in.Length(); i++ {
				f := in.Index(i)
				name := f.Get("name").String()
				data := make([]byte, f.Get("data").Get("length").Int())
				js.CopyBytesToGo(data, f.Get("data"))
				var delim rune
				switch req.Delimiter {
				case ",", ";":
					delim = rune(req.Delimiter[0])
				case "tab":
					delim = '\t'
				}
				infos, _ := sheet.ListSheets(name, data)
				book, err := sheet.Read(name, data, sheet.Options{Sheet: req.Sheet, HeaderRow: req.HeaderRow, Encoding: req.Encoding, Delimiter: delim,
					Progress: func(done, total int64) {
						post(map[string]any{"type": "progress", "file": name, "done": float64(done), "total": float64(total)})
					}})
				if err != nil {
					fail(err)
					return nil
				}
				fi := fileInfo{Name: name, Format: book.Format, Encoding: book.Encoding, Sheets: infos}
				if book.Delimiter != 0 {
					fi.Delimiter = map[rune]string{',': ",", ';': ";", '\t': "tab"}[book.Delimiter]
				}
				files = append(files, fi)
				ct := caseTypeFor(name, req.CaseType, reg)
				ts, err := engine.TablesFromBook(name, book, ct, ct != "" && len(book.Sheets) == 1, reg)
				if err != nil {
					fail(err)
					return nil
				}
				tables = append(tables, ts...)
			}
			lastFiles = files
			check(req, tables, reg, false)
		case "recheck":
			check(req, api.ToEngine(req.Tables), casetype.NewRegistry(req.CaseTypes...), true)
		}
		return nil
	}))
	select {}
}

// caseTypeFor gives a file the case type it is named after
// ("households.csv" → household, "member-2024.xlsx" → member), so parents
// and children can be dropped together; otherwise the chosen one.
func caseTypeFor(name, chosen string, reg casetype.Registry) string {
	base := strings.ToLower(strings.TrimSuffix(path.Base(name), path.Ext(name)))
	best := ""
	for _, n := range reg.Names() {
		if (strings.HasPrefix(base, n) || strings.HasPrefix(base, n+"s")) && len(n) > len(best) {
			best = n
		}
	}
	if best != "" {
		return best
	}
	return chosen
}

func check(req request, tables []engine.Table, reg casetype.Registry, recheck bool) {
	in := engine.Input{Tables: tables, Registry: reg, Choices: req.Choices}
	if err := json.Unmarshal(req.Spec, &in.Spec); err != nil {
		fail(fmt.Errorf("bad spec: %w", err))
		return
	}
	if existing != nil {
		in.Existing = existing
	}
	readMS := time.Since(started).Milliseconds()
	plan, err := engine.Check(in)
	checkMS := time.Since(started).Milliseconds() - readMS
	if err != nil {
		fail(err)
		return
	}
	var maps []tableMapping
	for _, t := range tables {
		ct, _ := reg.Lookup(t.CaseType)
		cols, err := engine.Mapping(t, in.Spec, reg)
		if err != nil {
			continue
		}
		var targets []mapping.Target
		for _, f := range ct.Fields {
			targets = append(targets, mapping.Target{Name: f.Name, Label: f.Label, Aliases: f.Aliases})
		}
		for _, sf := range casetype.Special {
			if _, ok := ct.Field(sf); !ok {
				targets = append(targets, mapping.Target{Name: sf})
			}
		}
		maps = append(maps, tableMapping{File: t.File, Sheet: t.Sheet, CaseType: t.CaseType, Columns: cols, Suggestions: mapping.Suggest(t.Header, targets)})
	}
	// The page needs the verdicts, not what a commit would write: the
	// changes (every property of every row) stay here, halving the message.
	for i := range plan.Rows {
		plan.Rows[i].Change = nil
	}
	plan.Order = nil
	tj := []byte("null") // on a re-check the page has the tables already
	if !recheck {
		tj, _ = json.Marshal(api.FromEngine(tables))
	}
	pj, _ := json.Marshal(plan)
	mj, _ := json.Marshal(maps)
	fj, _ := json.Marshal(lastFiles)
	post(map[string]any{"type": "result", "tables": string(tj), "plan": string(pj), "mappings": string(mj), "files": string(fj),
		"read_ms": readMS, "check_ms": checkMS, "total_ms": time.Since(started).Milliseconds()})
}
