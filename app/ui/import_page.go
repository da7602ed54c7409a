package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/spec"
	"casegate/shared/tablewire"
)

// importPage is the whole import: files and settings, the check in the
// worker, the review grid with edits and parent choices, and the commit.
type importPage struct {
	app.Compo
	me           me
	caseTypes    []casetype.CaseType
	indexNote    string                         // what the page matches parents against
	preview      []table                        // the first rows of each table as last read
	strips       map[string]map[string][10]bool // per file and sheet, for the plan shown (stripsOf)
	lastProgress time.Time                      // when the last progress was drawn
	// What the review derives from all the rows, made once per plan (and
	// filter): each render of 100,000 rows did it again.
	gcPaused      bool
	incoming      *plan // an answer being put on the page (takeResult)
	derivedOf     *plan
	derivedFilter string
	codes         []codeCount
	filtered      []int
	pickGroups    []*pickGroup

	caseType, searchField, searchColumn, onError string
	createNew                                    bool
	sheetName, encoding, delimiter               string
	headerRow                                    int

	mappings    []tableMapping
	fileInfos   []fileInfo
	columns     map[string]specColumn // the person's column choices
	defaults    map[string]string
	mappingOpen bool
	pickerOpen  bool
	specs       []savedSpec
	specID      string
	specName    string

	files     string
	progress  string
	pct       int // the progress bar, 0..100
	checking  bool
	restoring bool // the check under way restores the import left at a reload

	tables  []table // headers and row numbers; a row's cells are decoded when drawn (cells)
	starts  []int32 // where each row is in the worker's bytes (web/casegate.js keeps them), table after table
	bases   []int   // each table's first row in starts
	plan    *plan
	filter  string
	scroll  int
	editing *cellRef

	choices []choice
	edits   []cellEdit // the cells changed since the files were read

	// page is the page's own context: worker answers are dispatched to it,
	// since the element that started a re-check (a cell editor, a picker
	// button) is gone by the time the answer comes.
	page     app.Context
	workerFn app.Func

	commitKey string
	commit    *commitResponse
	busy      bool
	waiting   int // > 0 while a commit waits for the network (a generation)
	status    string
	err       string
}

// savedWork is the small part of the working import kept in local storage
// so it survives a reload; the tables (with the edits) are kept by
// web/casegate.js in IndexedDB under the same key.
type savedWork struct {
	Files   string     `json:"files"`
	SpecID  string     `json:"spec_id,omitempty"`
	Spec    spec.Spec  `json:"spec"`
	Choices []choice   `json:"choices,omitempty"`
	Edits   []cellEdit `json:"edits,omitempty"`
}

// cellEdit is one changed cell, sent to the worker, which keeps the tables.
type cellEdit = tablewire.Edit

// setCell changes a cell of the grid and records the edit.
func (p *importPage) setCell(ti, ri, col int, v string) {
	t := &p.tables[ti]
	p.cells(ti, ri)
	r := &t.Rows[ri]
	for len(r.Cells) <= col {
		r.Cells = append(r.Cells, "")
	}
	r.Cells[col] = v
	if col < len(r.Kinds) {
		r.Kinds[col] = 1 // text, as typed
	}
	p.edits = append(p.edits, cellEdit{File: t.File, Sheet: t.Sheet, Row: r.Num, Col: col, Value: v})
}

// cells is a row's cells, decoded from the worker's bytes the first time
// it is drawn or edited.
func (p *importPage) cells(ti, ri int) []string {
	r := &p.tables[ti].Rows[ri]
	if r.Cells != nil || !app.IsClient {
		return r.Cells
	}
	k := p.bases[ti] + ri
	if k+1 >= len(p.starts) {
		return nil
	}
	src := cg().Call("rowBytes", int(p.starts[k]), int(p.starts[k+1]))
	b := make([]byte, src.Length())
	app.CopyBytesToGo(b, src)
	dec, err := tablewire.DecodeRow(string(b))
	if err != nil {
		return nil
	}
	r.Cells, r.Kinds = dec.Cells, dec.Kinds
	if r.Cells == nil {
		r.Cells = []string{}
	}
	return r.Cells
}

func (p *importPage) workKey() string { return "casegate.work." + p.me.Domain }

func (p *importPage) work() savedWork {
	return savedWork{Files: p.files, SpecID: p.specID, Spec: p.spec(), Choices: p.choices, Edits: p.edits}
}

// useWork puts a saved working import back into the settings.
func (p *importPage) useWork(w savedWork) {
	p.files, p.specID, p.choices, p.edits = w.Files, w.SpecID, w.Choices, w.Edits
	p.useSpec(w.Spec)
	if w.Spec.CaseType != "" {
		p.caseType = w.Spec.CaseType
	}
	p.sheetName, p.headerRow, p.encoding, p.delimiter = w.Spec.Sheet, w.Spec.HeaderRow, w.Spec.Encoding, w.Spec.Delimiter
}

// cg is web/casegate.js.
func cg() app.Value { return app.Window().Get("casegate") }

// jsOnce is a JavaScript callback that hands its string arguments to f on
// the UI goroutine, once.
func jsOnce(ctx app.Context, f func(ctx app.Context, args []string)) app.Func {
	var fn app.Func
	fn = app.FuncOf(func(this app.Value, args []app.Value) any {
		s := make([]string, len(args))
		for i, a := range args {
			if a.Type() == app.TypeString {
				s[i] = a.String()
			}
		}
		ctx.Dispatch(func(ctx app.Context) { f(ctx, s) })
		fn.Release()
		return nil
	})
	return fn
}

type cellRef struct{ plan, col int }

const gridViewport = 480

func (p *importPage) OnNav(ctx app.Context) {
	p.page = ctx
	p.searchField, p.onError, p.createNew = "external_id", "skip", true
	whoAmI(ctx, func(ctx app.Context, m me) {
		p.me = m
		getCaseTypes(ctx, m.Domain, func(ctx app.Context, types []casetype.CaseType, _ error) {
			if types != nil {
				p.caseTypes = types
				ctx.LocalStorage().Set("casegate.caseTypes", types)
			} else {
				_ = ctx.LocalStorage().Get("casegate.caseTypes", &p.caseTypes)
				if len(p.caseTypes) == 0 {
					p.caseTypes = casetype.Builtins()
				}
			}
			if p.caseType == "" && len(p.caseTypes) > 0 {
				p.caseType = p.caseTypes[0].Name
			}
			p.loadSpecs(ctx)
			p.restore(ctx)
		})
		// The case index, kept (IndexedDB) for matching parents offline;
		// then the working import, if the page was left with one.
		p.indexNote = "Loading the existing cases…"
		key := "casegate.index." + m.Domain
		callAPI(ctx, "GET", "/a/"+m.Domain+"/api/cases/index", nil, nil, func(ctx app.Context, status int, body []byte) {
			if status == 200 {
				p.indexNote = indexNote(cg().Call("setIndex", string(body)).String())
				cg().Call("put", key, string(body))
				p.restore(ctx)
				return
			}
			cg().Call("get", key, jsOnce(ctx, func(ctx app.Context, a []string) {
				p.indexNote = indexNote(cg().Call("setIndex", a[0]).String())
				p.restore(ctx)
			}))
		})
	})
}

// indexNote says what parents are matched against, from "count|generated".
func indexNote(info string) string {
	n, when, ok := strings.Cut(info, "|")
	if !ok {
		return "No existing cases are known (offline, never loaded): parents are matched within the files only, or against a case export you load."
	}
	return "Parents are matched against " + thousands(atoi(n)) + " existing cases (as of " + when + ")."
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// restore brings back the working import the page was left with, once
// the case types and the case index are both loaded (it checks with them).
func (p *importPage) restore(ctx app.Context) {
	var w savedWork
	if p.caseTypes == nil || p.indexNote == "" || strings.HasPrefix(p.indexNote, "Loading") {
		return
	}
	if p.plan != nil || p.checking || ctx.LocalStorage().Get(p.workKey(), &w) != nil || w.Files == "" {
		return
	}
	p.useWork(w)
	p.checking, p.restoring, p.progress, p.pct = true, true, "Restoring "+w.Files+" as you left it…", 0
	cg().Call("restore", p.workKey(), p.request(), p.listener())
}

// discard forgets the working import.
func (p *importPage) discard(ctx app.Context, e app.Event) {
	ctx.LocalStorage().Del(p.workKey())
	cg().Call("forget", p.workKey())
	p.plan, p.tables, p.starts, p.preview, p.mappings, p.choices, p.edits, p.files, p.commit, p.commitKey, p.err = nil, nil, nil, nil, nil, nil, nil, "", nil, "", ""
	p.status = "The working import was discarded."
}

func (p *importPage) spec() spec.Spec {
	sp := spec.Spec{CaseType: p.caseType, SearchField: p.searchField, SearchColumn: p.searchColumn,
		CreateNewCases: p.createNew, OnError: p.onError, Columns: p.specColumns(), Sheet: p.sheetName,
		HeaderRow: p.headerRow, Encoding: p.encoding, Delimiter: p.delimiter}
	for k, v := range p.defaults {
		if strings.TrimSpace(v) != "" {
			if sp.Defaults == nil {
				sp.Defaults = map[string]string{}
			}
			sp.Defaults[k] = v
		}
	}
	return sp
}

func (p *importPage) request() string {
	req := map[string]any{"spec": p.spec(), "case_type": p.caseType, "case_types": p.caseTypes, "choices": p.choices,
		"sheet": p.sheetName, "header_row": p.headerRow, "encoding": p.encoding, "delimiter": p.delimiter}
	if len(p.edits) > 0 {
		req["edits"] = p.edits
	}
	b, _ := json.Marshal(req)
	return string(b)
}

// listener is the page's one callback for the worker's messages, made
// once (a callback per message would never be released).
func (p *importPage) listener() app.Func {
	if p.workerFn == nil {
		p.workerFn = p.onWorker(p.page)
	}
	return p.workerFn
}

// workerMessage is a message of the reader worker.
type workerMessage struct {
	Type, Message, File             string
	Done, Total                     float64
	Index, Plan, Verdicts           string
	Nums, Starts                    []int32 // the rows' numbers and places in the tables' bytes (with Index)
	Mappings, Files, Error, Preview string
	CSV, Hash                       string
	Count                           int
	raw                             app.Value // a result as it came
}

// onWorker handles the worker's messages.
func (p *importPage) onWorker(ctx app.Context) app.Func {
	var lastProgress time.Time // when a progress was last drawn; only this callback uses it
	return app.FuncOf(func(this app.Value, args []app.Value) any {
		// The message is an object; its long fields (tables, verdicts) are
		// read as they are, not through a JSON decode of the whole.
		v := args[0]
		str := func(k string) string {
			if x := v.Get(k); x.Type() == app.TypeString {
				return x.String()
			}
			return ""
		}
		num := func(k string) float64 {
			if x := v.Get(k); x.Type() == app.TypeNumber {
				return x.Float()
			}
			return 0
		}
		m := workerMessage{Type: str("type"), Message: str("message"), File: str("file"), Done: num("done"), Total: num("total"), CSV: str("csv"), Hash: str("hash"),
			Index: str("index"), Plan: str("plan"), Mappings: str("mappings"), Files: str("files"),
			Count: int(num("count")), Error: str("error"), Preview: str("preview")}
		if m.Type == "result" {
			m.raw = v // its bytes are copied in by takeResult
		}
		// Progress comes every 1% of the file; each update redraws the
		// page, so a tenth of a second between them is enough.
		if m.Type == "progress" && m.Done < m.Total {
			now := time.Now()
			if now.Sub(lastProgress) < 100*time.Millisecond {
				return nil
			}
			lastProgress = now
		}
		ctx.Dispatch(func(ctx app.Context) {
			switch m.Type {
			case "progress":
				if m.Total > 0 {
					p.pct = int(100 * m.Done / m.Total)
					p.progress = fmt.Sprintf("Reading %s: %d%%", m.File, p.pct)
				}
			case "error", "crash":
				p.checking, p.err, p.progress, p.incoming = false, m.Message, "", nil
				p.status = m.Message
				// What was checked before no longer stands: its review and its
				// commit button go; what was read, if anything, is previewed.
				p.plan, p.preview = nil, nil
				_ = json.Unmarshal([]byte(m.Preview), &p.preview)
			case "hash": // follows its result: the worker hashes once the page has the plan
				switch {
				case p.incoming != nil:
					p.incoming.Hash = m.Hash
				case p.plan != nil && p.plan.Hash == "":
					p.plan.Hash = m.Hash
				}
			case "errors":
				cg().Call("download", "casegate-errors.csv", m.CSV)
				p.status = "The error file was downloaded."
			case "need_tables": // a restarted worker, and the page's glue has no tables to give it
				p.checking, p.plan, p.progress = false, nil, ""
				p.err = "The file reader restarted and the import was lost; press Check to read the files again."
				p.status = p.err
			case "restore": // nothing was kept after all
				p.checking, p.restoring, p.progress = false, false, ""
			case "cases":
				if m.Error != "" {
					p.err, p.status = m.Error, m.Error
					return
				}
				p.indexNote = fmt.Sprintf("Parents are matched against %s cases from %s (a case export).", thousands(m.Count), m.Files)
				p.status = p.indexNote
				if p.plan != nil {
					p.recheck(ctx)
				}
			case "result":
				p.takeResult(ctx, m)
			}
		})
		return nil
	})
}

// takeResult puts the worker's answer on the page in steps, a frame apart,
// so the page stays responsive: the tables' index, then the verdicts a
// part at a time, then what the review derives from them, then the review.
func (p *importPage) takeResult(ctx app.Context, m workerMessage) {
	bad := func() {
		p.checking, p.progress, p.incoming = false, "", nil
		p.err = "The reader's result could not be read."
	}
	// What is decoded below is kept: collecting while it is built and
	// first drawn only holds the review back (at 100k rows a collection
	// marking the verdicts took ~250 ms of the frame that shows it). The
	// collector resumes once it is on screen.
	p.pauseGC(ctx)
	pl := &plan{}
	if json.Unmarshal([]byte(m.Plan), pl) != nil {
		bad()
		return
	}
	p.incoming = pl
	// The answer is taken in steps of about stepTime, a frame drawn
	// between them: the verdicts' bytes copied in (a string of tens of MB
	// cost a UTF-8 encoding on the way into Go, so they come as bytes), the
	// rows' numbers, the verdicts decoded a part at a time, then what the
	// review derives from every row. Done in one task, the copy and the
	// tables' rows alone held the page ~130 ms; a frame after each piece
	// (11 at 100k rows) waited ~0.2 s for frames in all.
	var buf []byte
	vb := m.raw.Get("verdicts")
	if vb.Type() == app.TypeObject { // bytes (a Uint8Array)
		buf = make([]byte, vb.Length())
	}
	var ts []table
	var bases []int
	var vr *tablewire.VerdictReader
	var codes []codeCount
	var groups []*pickGroup
	var strips map[string]map[string][10]bool
	const chunk = 1 << 20 // bytes copied a piece: ~5 ms
	const part = 5000     // verdicts decoded a piece: ~4 ms in the page's wasm
	const showStage = 6
	stage, copied := 0, 0
	var run func(ctx app.Context)
	run = func(ctx app.Context) {
		began := time.Now()
		for {
			if p.incoming != pl { // a newer answer, or the import was dropped
				return
			}
			switch stage {
			case 0: // the verdicts' bytes
				if copied < len(buf) {
					end := min(copied+chunk, len(buf))
					app.CopyBytesToGo(buf[copied:end], vb.Call("subarray", copied, end))
					copied = end
				}
				if copied < len(buf) {
					stage-- // again, until every byte is in
				}
			case 1: // the rows' numbers (a re-check sends no tables: the page has them)
				if buf != nil {
					m.Verdicts = unsafe.String(unsafe.SliceData(buf), len(buf)) // buf is not written again
				}
				var err error
				if ts, bases, err = p.indexOf(&m); err == nil {
					vr, err = tablewire.NewVerdictReader(m.Verdicts)
				}
				if err != nil {
					bad()
					return
				}
			case 2: // the verdicts, a part at a time
				done, err := vr.Read(part)
				if err != nil {
					bad()
					return
				}
				if !done {
					p.progress = fmt.Sprintf("Drawing the review: %d%%", 90*vr.Done()/max(1, vr.Len()))
					stage--
				} else {
					pl.Rows = vr.Verdicts()
				}
			case 3: // then what the review derives from every row
				codes = codeCounts(pl)
			case 4:
				groups = pickGroups(pl)
			case 5:
				strips = stripsOf(pl)
			case showStage:
				p.filtered, p.derivedFilter = filterRows(pl, p.filter), p.filter
				p.codes, p.pickGroups, p.strips, p.derivedOf = codes, groups, strips, pl
				p.showResult(ctx, m, pl, ts, bases)
				return
			}
			stage++
			// The review's first drawing (~0.1 s at 100k rows: go-app's
			// render, then the browser's layout) gets a frame of its own.
			if time.Since(began) >= stepTime || stage == showStage && vr != nil && vr.Len() >= part {
				afterPaint(ctx, run)
				return
			}
		}
	}
	p.progress = "Drawing the review…"
	run(ctx)
}

// stepTime is how long takeResult works before the browser draws a frame:
// its longest piece (grouping ambiguous parents) takes ~40 ms at 100k
// rows, so a frame waits at most ~80 ms.
const stepTime = 40 * time.Millisecond

// indexOf reads where the tables' rows are in the worker's bytes: the
// tables' heads, each with its rows' numbers, and where each table starts
// among the rows. A re-check's answer has none.
func (p *importPage) indexOf(m *workerMessage) ([]table, []int, error) {
	if m.Index == "" {
		return nil, nil, nil
	}
	bad := errors.New("bad index")
	m.Nums, m.Starts = int32s(m.raw.Get("nums")), int32s(m.raw.Get("starts"))
	var ix tablewire.Index
	if json.Unmarshal([]byte(m.Index), &ix) != nil || len(ix.Heads) != len(ix.Counts) || len(m.Starts) != len(m.Nums)+1 {
		return nil, nil, bad
	}
	var ts []table
	var bases []int
	k := 0
	for ti, h := range ix.Heads {
		if k+ix.Counts[ti] > len(m.Nums) {
			return nil, nil, bad
		}
		h.Rows = make([]row, ix.Counts[ti])
		for ri := range h.Rows {
			h.Rows[ri].Num = int(m.Nums[k+ri])
		}
		ts, bases = append(ts, h), append(bases, k)
		k += ix.Counts[ti]
	}
	return ts, bases, nil
}

// afterPaint runs f once the browser has drawn its next frame (a step of
// takeResult a frame: a fixed pause of 20 ms between steps cost ~0.2 s in
// all at 100k rows; a shorter one let steps run without a frame between).
func afterPaint(ctx app.Context, f func(app.Context)) {
	if !app.IsClient {
		f(ctx)
		return
	}
	var cb app.Func
	cb = app.FuncOf(func(this app.Value, args []app.Value) any {
		cb.Release()
		ctx.Dispatch(f)
		return nil
	})
	cg().Call("afterPaint", cb)
}

// showResult puts a decoded answer on the page.
func (p *importPage) showResult(ctx app.Context, m workerMessage, pl *plan, ts []table, bases []int) {
	p.checking, p.progress, p.err, p.incoming = false, "", "", nil
	if ts != nil {
		p.tables, p.starts, p.bases = ts, m.Starts, bases
		p.preview = nil
		for ti, t := range ts {
			t.Rows = t.Rows[:min(previewRows, len(t.Rows))]
			for ri := range t.Rows {
				t.Rows[ri].Cells = p.cells(ti, ri)
			}
			p.preview = append(p.preview, t)
		}
	}
	p.plan = pl
	_ = json.Unmarshal([]byte(m.Mappings), &p.mappings)
	_ = json.Unmarshal([]byte(m.Files), &p.fileInfos)
	s := pl.Summary
	p.status = fmt.Sprintf("Checked %s: %d to create, %d to update, %d unchanged, %d skipped, %d with errors.",
		plural(s.Rows, "row", "rows"), s.Create, s.Update, s.Unchanged, s.Skip, s.Error)
	if p.restoring {
		p.restoring = false
		p.status = "Restored " + p.files + " as you left it. " + p.status
	}
}

// pauseGC turns the collector off until the page has drawn and settled.
func (p *importPage) pauseGC(ctx app.Context) {
	if p.gcPaused {
		return
	}
	p.gcPaused = true
	old := debug.SetGCPercent(-1)
	ctx.Defer(func(ctx app.Context) { // after the render
		ctx.After(time.Second, func(app.Context) { debug.SetGCPercent(old); p.gcPaused = false })
	})
}

func (p *importPage) check(ctx app.Context, e app.Event) {
	p.files = cg().Call("fileNames", "file-input").String()
	p.checking, p.err, p.commit, p.commitKey, p.choices, p.fileInfos, p.edits = true, "", nil, "", nil, nil, nil
	p.progress, p.pct = "Reading…", 0
	ctx.LocalStorage().Set(p.workKey(), p.work())
	cg().Call("check", "file-input", p.request(), p.listener(), p.workKey())
}

func (p *importPage) recheck(ctx app.Context) {
	p.checking = true
	p.commitKey = "" // the batch changed: a new commit is a new request
	ctx.LocalStorage().Set(p.workKey(), p.work())
	cg().Call("recheck", p.request(), p.listener())
}

// loadCases reads a case export file in the worker: parents are then
// matched against it (offline, or cases the server does not have).
func (p *importPage) loadCases(ctx app.Context, e app.Event) {
	p.indexNote, p.err = "Reading the case export…", ""
	cg().Call("loadCases", "cases-file", p.listener())
}

// doCommit asks the server for its verdict on the batch, then commits with
// that verdict's hash. A dropped connection retries with the same key, so
// the batch is never committed twice.
func (p *importPage) doCommit(ctx app.Context, e app.Event) { p.commitNow(ctx) }

func (p *importPage) commitNow(ctx app.Context) {
	if p.plan == nil || p.busy {
		return
	}
	if p.plan.Hash == "" { // the worker is still hashing what the page shows (a tenth of a second)
		p.status = "Finishing the check…"
		ctx.After(100*time.Millisecond, p.commitNow)
		return
	}
	p.waiting = 0
	if !cg().Call("online").Bool() {
		p.waitNetwork(ctx, p.commitNow)
		return
	}
	p.busy, p.err = true, ""
	p.status = "Checking the batch against the server…"
	body := map[string]any{"spec": p.spec(), "choices": p.choices, "edits": p.edits}
	callAPIWithTables(ctx, "POST", "/a/"+p.me.Domain+"/api/check", body, nil, func(ctx app.Context, status int, resp []byte) {
		if status == 0 {
			p.busy = false
			p.waitNetwork(ctx, p.commitNow)
			return
		}
		var server plan
		if status != 200 || json.Unmarshal(resp, &server) != nil {
			p.busy, p.err = false, errorText(status, resp)
			return
		}
		if server.Hash != p.plan.Hash {
			// The server knows more (cases added since the index was
			// loaded, owners): nothing is committed that the person has
			// not seen. Its verdict is shown; Commit again commits it.
			p.plan, p.busy = &server, false
			if _, disabled := commitLabel(server.Summary, server.OnError); disabled {
				p.status = "The server's check found more to fix; see the rows below."
			} else {
				p.status = "The server's check differs from this page's (its cases may have changed): see the rows below, then press Commit again."
			}
			return
		}
		if p.commitKey == "" {
			p.commitKey = app.Window().Get("casegate").Call("newKey").String()
		}
		req := map[string]any{"spec": p.spec(), "choices": p.choices, "edits": p.edits, "plan_hash": server.Hash, "file_name": p.files, "spec_id": p.specID}
		p.status = "Committing…"
		p.send(ctx, req, 0)
		p.pollProgress(ctx)
	})
}

func (p *importPage) send(ctx app.Context, req map[string]any, attempt int) {
	callAPIWithTables(ctx, "POST", "/a/"+p.me.Domain+"/api/imports/", req, map[string]string{"Idempotency-Key": p.commitKey}, func(ctx app.Context, status int, body []byte) {
		if (status == 0 || status >= 500 || status == 409 && strings.Contains(string(body), "still running")) && attempt < 5 {
			p.status = fmt.Sprintf("The connection dropped; retrying with the same key, so nothing is committed twice (%d)…", attempt+1)
			ctx.After(time.Duration(attempt+1)*time.Second, func(ctx app.Context) { p.send(ctx, req, attempt+1) })
			return
		}
		p.busy = false
		if status == 0 { // still no network: wait for it, same key
			p.busy = true
			p.waitNetwork(ctx, func(ctx app.Context) { p.send(ctx, req, 0) })
			return
		}
		if status != 200 {
			p.err = errorText(status, body)
			p.status = p.err
			return
		}
		var r commitResponse
		_ = json.Unmarshal(body, &r)
		p.commit = &r
		// Committed: the working import is done with.
		ctx.LocalStorage().Del(p.workKey())
		cg().Call("forget", p.workKey())
		p.status = fmt.Sprintf("Committed: %d created, %d updated, %d rows skipped.", r.Created, r.Updated, r.Failed+r.Skipped)
	})
}

// waitNetwork says the commit waits for the network, and runs then when
// the browser reports it back, or tries again every 15 seconds (the
// browser may think it is online while the server is unreachable).
func (p *importPage) waitNetwork(ctx app.Context, then func(ctx app.Context)) {
	p.waiting++
	gen := p.waiting
	p.err = ""
	p.status = "You are offline. The batch is checked and kept; it will be committed when the network is back."
	retry := func(ctx app.Context) {
		if p.waiting == gen {
			p.waiting = 0
			then(ctx)
		}
	}
	cg().Call("whenOnline", jsOnce(p.page, func(ctx app.Context, _ []string) { retry(ctx) }))
	ctx.After(15*time.Second, retry)
}

// cancelWait stops waiting for the network.
func (p *importPage) cancelWait(ctx app.Context, e app.Event) {
	p.waiting, p.busy = 0, false
	p.status = "The commit was cancelled; the batch is kept."
}

// pollProgress shows the commit's progress while it runs.
func (p *importPage) pollProgress(ctx app.Context) {
	ctx.After(400*time.Millisecond, func(ctx app.Context) {
		if !p.busy || p.commitKey == "" {
			return
		}
		callAPI(ctx, "GET", "/a/"+p.me.Domain+"/api/imports/progress?key="+p.commitKey, nil, nil, func(ctx app.Context, status int, body []byte) {
			var r importRecord
			if p.busy && status == 200 && json.Unmarshal(body, &r) == nil && r.RowsTotal > 0 {
				p.progress = fmt.Sprintf("Committing: %d of %d cases (%d%%)", r.RowsDone, r.RowsTotal, r.ProgressPc)
			}
			p.pollProgress(ctx)
		})
	})
}

// downloadErrors saves the rows that will not be imported, with reasons, as
// csv: the worker writes it with shared/errfile (the check command's and
// the server's error csv), so it works offline.
func (p *importPage) downloadErrors(ctx app.Context, e app.Event) {
	p.status = "Writing the error file…"
	cg().Call("errors", p.listener())
}

// downloadWorkbook asks the server for the error workbook of the batch as
// it stands (its bad cells filled and commented): excelize writes it, which
// the worker does not carry (0.9 MB more to load with every check).
// Offline, the csv still works.
func (p *importPage) downloadWorkbook(ctx app.Context, e app.Event) {
	p.status = "Asking the server for the workbook with the bad cells marked…"
	body, _ := json.Marshal(map[string]any{"spec": p.spec(), "choices": p.choices, "edits": p.edits})
	var cb app.Func
	cb = app.FuncOf(func(this app.Value, args []app.Value) any {
		status, text := args[0].Int(), args[1].String()
		cb.Release()
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case status == 200:
				p.status = "The workbook with the bad cells marked was downloaded."
			case status == 0:
				p.status = "The marked workbook is made by the server, which cannot be reached; the csv works offline."
			default:
				p.status = errorText(status, []byte(text))
			}
		})
		return nil
	})
	cg().Call("downloadTables", "/a/"+p.me.Domain+"/api/check/errors.xlsx", string(body), "casegate-errors.xlsx", cb)
}

// edit changes one cell and re-checks.
func (p *importPage) edit(pi, col int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := ctx.JSSrc().Get("value").String()
		ti, ri := p.tableOf(pi)
		if ti < 0 {
			return
		}
		p.setCell(ti, ri, col, v)
		p.editing = nil
		p.status = fmt.Sprintf("Row %d changed; checking it again.", p.plan.Rows.Row(pi))
		p.recheck(ctx)
		id := fmt.Sprintf("cell-%d-%d", pi, col)
		ctx.Defer(func(app.Context) { focusByID(id) })
	}
}

// tableOf finds the table and row of the pi-th plan row.
func (p *importPage) tableOf(pi int) (int, int) {
	vs := p.plan.Rows
	return tableIndex(p.tables, vs.File(pi), vs.Sheet(pi), vs.Row(pi))
}

// applySuggestion writes an issue's suggested value into its cell.
func (p *importPage) applySuggestion(pi int, column, value string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		ti, ri := p.tableOf(pi)
		if ti < 0 {
			return
		}
		for ci, h := range p.tables[ti].Header {
			if h == column {
				p.setCell(ti, ri, ci, value)
			}
		}
		p.status = fmt.Sprintf("Row %d: the suggested %s was applied; checking again.", p.plan.Rows.Row(pi), column)
		p.recheck(p.page)
	}
}

// choose records a parent pick for one row, or for every row with the key.
func (p *importPage) choose(r rowResult, key, parentType string, c model.Candidate, all bool) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		ch := choice{CaseID: c.CaseID, New: c.New}
		if c.CaseID == "" && c.Row > 0 {
			ch.ParentRow = &rowRef{File: c.File, Sheet: c.Sheet, Row: c.Row}
		}
		if all {
			ch.Key, ch.ParentType = key, parentType
		} else {
			ch.Row = &rowRef{File: r.File, Sheet: r.Sheet, Row: r.Row}
		}
		p.choices = append(p.choices, ch)
		p.status = "Parent chosen; checking again."
		if c.New {
			p.status = "A new " + c.CaseType + " " + c.ExternalID + " will be created; checking again."
		}
		p.recheck(ctx)
	}
}

func (p *importPage) Render() app.UI {
	return shell("/import", p.me, p.status,
		app.H1().Text("Import cases"),
		p.renderSettings(),
		app.If(p.progress != "", func() app.UI {
			return app.Div().ID("progress").Class("progress").Attr("role", "progressbar").
				Aria("valuemin", 0).Aria("valuemax", 100).Aria("valuenow", p.pct).Aria("valuetext", p.progress).Body(
				app.Div().Class("bar").Style("width", fmt.Sprintf("%d%%", p.pct)),
				app.Span().Text(p.progress),
			)
		}),
		app.If(p.err != "", func() app.UI { return app.P().ID("error").Class("error").Attr("role", "alert").Text(p.err) }),
		app.If(p.plan != nil, func() app.UI { return p.renderReview() }),
	)
}

// detected says what the reader found, next to a setting.
func (p *importPage) detected(what string) string {
	var found []string
	for _, f := range p.fileInfos {
		v := f.Encoding
		if what == "delimiter" {
			v = f.Delimiter
		}
		if v != "" {
			found = append(found, f.Name+": "+v)
		}
	}
	if len(found) == 0 {
		return ""
	}
	return " (read as " + strings.Join(found, " · ") + ")"
}

// field is a labelled control of the settings form.
func field(id, label string, control app.UI) app.UI {
	return app.Div().Class("field").Body(app.Label().For(id).Text(label), control)
}

// selectBox is a select of value/label pairs with cur selected.
func selectBox(id, cur string, onChange app.EventHandler, pairs ...string) app.HTMLSelect {
	opts := make([]app.UI, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		opts = append(opts, app.Option().Value(pairs[i]).Selected(pairs[i] == cur).Text(pairs[i+1]))
	}
	return app.Select().ID(id).OnChange(onChange).Body(opts...)
}

// choose is a selectBox whose change is written to *to.
func choose(id string, to *string, pairs ...string) app.UI {
	return selectBox(id, *to, setTo(to), pairs...)
}

// setTo writes an input's value to *to.
func setTo(to *string) app.EventHandler {
	return func(ctx app.Context, e app.Event) { *to = ctx.JSSrc().Get("value").String() }
}

func (p *importPage) renderSettings() app.UI {
	types := make([]string, 0, 2*len(p.caseTypes))
	for _, ct := range p.caseTypes {
		types = append(types, ct.Name, ct.Name)
	}
	specs := []string{"", "none"}
	for _, sp := range p.specs {
		specs = append(specs, sp.ID, sp.Name)
	}
	savedSpec := selectBox("saved-spec", p.specID, func(ctx app.Context, e app.Event) {
		p.applySpec(ctx.JSSrc().Get("value").String())
	}, specs...)
	return app.Form().Class("settings panel").OnSubmit(func(ctx app.Context, e app.Event) { e.PreventDefault(); p.check(ctx, e) }).Body(
		field("file-input", "Spreadsheet (xlsx or csv, chosen or dropped on the page; two files for parents and children)",
			app.Input().ID("file-input").Type("file").Multiple(true).Accept(".xlsx,.csv,.txt,.tsv")),
		field("case-type", "Case type (a file named after one, e.g. members.csv, uses it)", choose("case-type", &p.caseType, types...)),
		field("saved-spec", "Saved spec", savedSpec),
		field("sheet", "Sheet (blank: every visible sheet)", app.Input().ID("sheet").Value(p.sheetName).OnChange(p.reread(setTo(&p.sheetName)))),
		field("header-row", "Header row", app.Input().ID("header-row").Type("number").Min(1).Value(max(p.headerRow, 1)).
			OnChange(p.reread(func(ctx app.Context, e app.Event) { p.headerRow = atoi(ctx.JSSrc().Get("value").String()) }))),
		field("encoding", "csv encoding"+p.detected("encoding"), selectBox("encoding", p.encoding, p.reread(setTo(&p.encoding)),
			"", "detect", "utf-8", "UTF-8", "windows-1252", "Windows-1252 (Excel)", "utf-16le", "UTF-16 LE", "utf-16be", "UTF-16 BE", "macintosh", "Mac Roman")),
		field("delimiter", "csv delimiter"+p.detected("delimiter"), selectBox("delimiter", p.delimiter, p.reread(setTo(&p.delimiter)),
			"", "detect", ",", "comma", ";", "semicolon", "tab", "tab")),
		field("search-field", "Find existing cases by", choose("search-field", &p.searchField, "external_id", "external id", "case_id", "case id")),
		field("search-column", "Search column (default: same name)", app.Input().ID("search-column").Value(p.searchColumn).OnChange(setTo(&p.searchColumn))),
		field("on-error", "When a row has errors", choose("on-error", &p.onError,
			"skip", "skip the row and import the others", "halt", "import nothing until fixed")),
		app.Div().Class("field check").Body(
			app.Input().ID("create-new").Type("checkbox").Checked(p.createNew).
				OnChange(func(ctx app.Context, e app.Event) { p.createNew = ctx.JSSrc().Get("checked").Bool() }),
			app.Label().For("create-new").Text("Create cases that match nothing"),
		),
		field("cases-file", "Existing cases from a case export (optional; matches parents offline)",
			app.Input().ID("cases-file").Type("file").Accept(".xlsx,.csv").OnChange(p.loadCases)),
		app.Div().Class("field buttons").Body(
			app.Button().ID("check-btn").Type("submit").Class("primary").Disabled(p.checking || strings.HasPrefix(p.indexNote, "Loading")).Text("Check"),
			app.If(p.plan != nil, func() app.UI {
				return app.Button().ID("discard").Type("button").Text("Start over").OnClick(p.discard)
			}),
		),
		app.P().ID("index-state").Class("hint").Text(p.indexNote),
		app.If(p.files != "", func() app.UI { return app.P().ID("files").Class("hint").Text("Files: " + p.files) }),
		p.renderPreview(),
	)
}

// reread wraps a reading setting's change (encoding, delimiter, sheet,
// header row): with a file chosen, it is read again at once, so the preview
// shows what the setting does.
func (p *importPage) reread(set app.EventHandler) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		set(ctx, e)
		if !p.checking && cg().Call("fileNames", "file-input").String() != "" {
			p.check(ctx, e)
		}
	}
}

// previewRows is how many rows of each table the preview shows.
const previewRows = 3

// renderPreview shows each table's header and first rows as read, with the
// encoding and delimiter used: the live preview of the reading settings.
func (p *importPage) renderPreview() app.UI {
	if len(p.preview) == 0 || p.checking {
		return app.Text("")
	}
	var out []app.UI
	for _, t := range p.preview {
		how := ""
		for _, f := range p.fileInfos {
			if f.Name == t.File && f.Format == "csv" {
				how = fmt.Sprintf(" (read as %s, delimiter %s)", f.Encoding, delimiterName(f.Delimiter))
			}
		}
		head := make([]app.UI, len(t.Header))
		for i, h := range t.Header {
			head[i] = app.Th().Scope("col").Text(h)
		}
		body := []app.UI{app.Tr().Body(head...)}
		for _, r := range t.Rows[:min(previewRows, len(t.Rows))] {
			tds := make([]app.UI, len(t.Header))
			for i := range t.Header {
				v := ""
				if i < len(r.Cells) {
					v = r.Cells[i]
				}
				tds[i] = app.Td().Text(v)
			}
			body = append(body, app.Tr().Body(tds...))
		}
		name := t.File
		if t.Sheet != "" && t.Sheet != strings.TrimSuffix(t.File, path.Ext(t.File)) {
			name += ", sheet " + t.Sheet
		}
		out = append(out, app.Table().Class("preview").Body(
			app.Caption().Text(fmt.Sprintf("%s%s: the first rows as read", name, how)), app.TBody().Body(body...)))
	}
	return app.Div().ID("preview").Class("preview-wrap").Body(out...)
}

// delimiterName names a delimiter as the settings do.
func delimiterName(d string) string {
	switch d {
	case ",":
		return "comma"
	case ";":
		return "semicolon"
	case "\t", "tab":
		return "tab"
	}
	return strconv.Quote(d)
}

func (p *importPage) renderReview() app.UI {
	pl := p.plan
	s := pl.Summary
	label, disabled := commitLabel(s, pl.OnError)
	filterBtn := func(f, text string) app.UI {
		b := app.Button().Class("filter").DataSet("filter", f).Aria("pressed", p.filter == f).Text(text).
			OnClick(func(ctx app.Context, e app.Event) { p.filter, p.scroll = f, 0 })
		return b
	}
	p.derive()
	rows, codes := p.filtered, p.codes
	first, last := window(p.scroll, gridViewport, len(rows))
	return app.Section().ID("review").Body(
		app.Div().ID("summary").Class("summary").Body(
			filterBtn("", fmt.Sprintf("All %s", thousands(s.Rows))),
			filterBtn("create", fmt.Sprintf("Create %s", thousands(s.Create))),
			filterBtn("update", fmt.Sprintf("Update %s", thousands(s.Update))),
			filterBtn("unchanged", fmt.Sprintf("Unchanged %s", thousands(s.Unchanged))),
			filterBtn("skip", fmt.Sprintf("Skip %s", thousands(s.Skip))),
			filterBtn("error", fmt.Sprintf("Errors %s", thousands(s.Error))),
		),
		app.Div().Class("codes").Body(app.Range(codes).Slice(func(i int) app.UI {
			c := codes[i]
			return filterBtn("code:"+c.Code, fmt.Sprintf("%s %d", c.Code, c.N))
		})),
		app.Range(pl.Notices).Slice(func(i int) app.UI {
			return app.P().Class("notice").Text(pl.Notices[i].File + ": " + pl.Notices[i].Message)
		}),
		p.renderMapping(),
		p.renderPicker(),
		app.Div().ID("grid").Class("grid").Style("height", fmt.Sprintf("%dpx", gridViewport)).
			OnScroll(func(ctx app.Context, e app.Event) { p.scroll = ctx.JSSrc().Get("scrollTop").Int() }).
			OnClick(p.gridClick).OnDblClick(p.gridEdit).OnKeyDown(func(ctx app.Context, e app.Event) {
			if e.Get("key").String() == "Enter" {
				p.gridEdit(ctx, e)
			}
		}).Body(
			app.Div().Style("height", fmt.Sprintf("%dpx", first*rowHeight)),
			p.renderGrid(rows[first:last]),
			app.Div().Style("height", fmt.Sprintf("%dpx", (len(rows)-last)*rowHeight)),
		),
		app.Div().Class("actions").Body(
			app.Button().ID("commit-btn").Class("primary").Disabled(disabled || p.busy || p.waiting > 0).Text(label).OnClick(p.doCommit),
			app.If(p.waiting > 0, func() app.UI {
				return app.Span().Body(
					app.Span().ID("waiting").Class("notice").Text("Waiting for the network…"),
					app.Button().ID("cancel-commit").Text("Cancel").OnClick(p.cancelWait),
				)
			}),
			app.If(s.Error+s.Skip > 0, func() app.UI {
				return app.Span().Body(
					app.Button().ID("errors-btn").Text("Download the rows that will not be imported (csv)").OnClick(p.downloadErrors),
					app.Button().ID("workbook-btn").Text("…or as a workbook with the bad cells marked (xlsx)").OnClick(p.downloadWorkbook),
				)
			}),
			app.If(p.commit != nil, func() app.UI {
				return app.P().ID("commit-result").Body(
					app.Text(fmt.Sprintf("Import %s: %d created, %d updated. ", p.commit.ImportID, p.commit.Created, p.commit.Updated)),
					app.A().ID("record-link").Href("/history?id="+p.commit.ImportID).Text("See the import record"),
				)
			}),
		),
	)
}

// renderRows renders the visible rows, with a header row wherever the
// table (file and sheet) changes.
func (p *importPage) renderRows(idx []int) []app.UI {
	var out []app.UI
	last := ""
	for _, pi := range idx {
		r := p.plan.Rows.At(pi)
		if k := r.File + "\x00" + r.Sheet; k != last {
			last = k
			if ti, _ := tableIndex(p.tables, r.File, r.Sheet, r.Row); ti >= 0 {
				ths := []app.UI{app.Th().Text("row"), app.Th().Text(r.File)}
				strip := p.strip(r)
				for _, h := range p.tables[ti].Header {
					var marks []app.UI
					for i, on := range strip[h] {
						cls := "tick"
						if on {
							cls = "tick on"
						}
						_ = i
						marks = append(marks, app.Span().Class(cls))
					}
					th := app.Th().Attr("scope", "col").Body(app.Text(h))
					if len(strip[h]) > 0 {
						th = app.Th().Attr("scope", "col").Title("where this column's errors are, top to bottom of the file").Body(app.Text(h), app.Span().Class("strip").Body(marks...))
					}
					ths = append(ths, th)
				}
				ths = append(ths, app.Th().Text("row problems"))
				out = append(out, app.Tr().Class("head").Style("height", fmt.Sprintf("%dpx", rowHeight)).Body(ths...))
			}
		}
		out = append(out, p.renderRow(pi))
	}
	return out
}

func (p *importPage) renderRow(pi int) app.UI {
	r := p.plan.Rows.At(pi)
	ti, ri := tableIndex(p.tables, r.File, r.Sheet, r.Row)
	if ti < 0 {
		return app.Tr()
	}
	t := p.tables[ti]
	cells := p.cells(ti, ri)
	bad := cellIssues(r)
	var tds []app.UI
	tds = append(tds, app.Th().Attr("scope", "row").Class("rownum").Title(r.File+" row "+fmt.Sprint(r.Row)).Text(fmt.Sprint(r.Row)),
		app.Td().Class("action "+r.Action).Text(r.Action))
	for ci, h := range t.Header {
		v := ""
		if ci < len(cells) {
			v = cells[ci]
		}
		issues := bad[h]
		cls := ""
		var reasons []string
		for _, is := range issues {
			if is.Severity == model.SeverityError {
				cls = "bad"
			} else if cls == "" {
				cls = "warn"
			}
			reasons = append(reasons, is.Message)
		}
		id := fmt.Sprintf("cell-%d-%d", pi, ci)
		ci := ci
		if p.editing != nil && p.editing.plan == pi && p.editing.col == ci {
			tds = append(tds, app.Td().Class(cls).Body(
				app.Input().ID("edit-"+id).Value(v).AutoFocus(true).Aria("label", h+" of row "+fmt.Sprint(r.Row)+" (Enter saves, Escape cancels)").
					OnChange(p.edit(pi, ci)).OnKeyDown(func(ctx app.Context, e app.Event) {
					if e.Get("key").String() == "Escape" {
						p.editing = nil
						ctx.Defer(func(app.Context) { focusByID(id) })
					}
				}),
			))
			continue
		}
		// Double-click and Enter are handled once, on the grid (gridEdit):
		// two handlers on each of ~600 cells cost the page's thread more than
		// drawing them.
		td := app.Td().ID(id).Class(cls).DataSet("col", h).TabIndex(0).Text(v) // its row is on the tr
		if len(reasons) > 0 {
			td = td.Title(strings.Join(reasons, " ")).Aria("label", h+": "+v+". "+strings.Join(reasons, " "))
		}
		tds = append(tds, td)
	}
	var rowLevel []string
	for _, is := range bad[""] {
		rowLevel = append(rowLevel, is.Message)
	}
	var fixes []app.UI
	for _, is := range r.Issues {
		if is.Suggestion != "" && is.Column != "" && is.Code == model.CodeBadAddress {
			fixes = append(fixes, app.Button().Class("fix").Title(is.Message).Text("Use "+is.Suggestion).OnClick(p.applySuggestion(pi, is.Column, is.Suggestion)))
		}
	}
	tds = append(tds, app.Td().Class("reasons").Body(append([]app.UI{app.Text(strings.Join(rowLevel, " "))}, fixes...)...))
	return app.Tr().Style("height", fmt.Sprintf("%dpx", rowHeight)).DataSet("row", r.Row).Body(tds...)
}

// strip is where the errors of each column of a row's table are (made
// with the review's other derived data, once per plan).
func (p *importPage) strip(r rowResult) map[string][10]bool {
	p.derive()
	return p.strips[r.File+"\x00"+r.Sheet]
}

// renderGrid draws the rows in view. While no cell is edited they are one
// piece of HTML, parsed by the browser at once: built element by element
// through go-app, ~700 cells held the page's thread for ~150 ms after each
// check and on every scroll. Clicks, double-clicks and Enter are handled
// on the grid (gridEdit, gridClick).
func (p *importPage) renderGrid(idx []int) app.UI {
	if p.editing != nil {
		return app.Table().Body(p.renderRows(idx)...)
	}
	return app.Raw(p.gridHTML(idx))
}

// htmlEscape is html.EscapeString without the html package, whose entity
// table would weigh 40 KB in app.wasm.
// By hand, not strings.NewReplacer (whose machinery weighs in app.wasm).
func htmlEscape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&', '\'', '<', '>', '"':
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+5*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '\'':
			b = append(b, "&#39;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&#34;"...)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// gridHTML is renderRows as HTML text.
func (p *importPage) gridHTML(idx []int) string {
	var b strings.Builder
	esc := htmlEscape
	height := fmt.Sprintf(` style="height:%dpx"`, rowHeight)
	b.WriteString("<table><tbody>")
	last := ""
	for _, pi := range idx {
		r := p.plan.Rows.At(pi)
		ti, ri := tableIndex(p.tables, r.File, r.Sheet, r.Row)
		if ti < 0 {
			b.WriteString("<tr></tr>")
			continue
		}
		t := p.tables[ti]
		if k := r.File + "\x00" + r.Sheet; k != last {
			last = k
			strip := p.strip(r)
			b.WriteString(`<tr class="head"` + height + `><th>row</th><th>` + esc(r.File) + `</th>`)
			for _, h := range t.Header {
				marks := strip[h]
				if marks == ([10]bool{}) {
					b.WriteString(`<th scope="col">` + esc(h) + `</th>`)
					continue
				}
				b.WriteString(`<th scope="col" title="where this column's errors are, top to bottom of the file">` + esc(h) + `<span class="strip">`)
				for _, on := range marks {
					if on {
						b.WriteString(`<span class="tick on"></span>`)
					} else {
						b.WriteString(`<span class="tick"></span>`)
					}
				}
				b.WriteString(`</span></th>`)
			}
			b.WriteString(`<th>row problems</th></tr>`)
		}
		cells := p.cells(ti, ri)
		bad := cellIssues(r)
		fmt.Fprintf(&b, `<tr%s data-row="%d"><th scope="row" class="rownum" title="%s">%d</th><td class="action %s">%s</td>`,
			height, r.Row, esc(r.File+" row "+strconv.Itoa(r.Row)), r.Row, esc(r.Action), esc(r.Action))
		for ci, h := range t.Header {
			v := ""
			if ci < len(cells) {
				v = cells[ci]
			}
			cls := ""
			var reasons []string
			for _, is := range bad[h] {
				if is.Severity == model.SeverityError {
					cls = "bad"
				} else if cls == "" {
					cls = "warn"
				}
				reasons = append(reasons, is.Message)
			}
			fmt.Fprintf(&b, `<td id="cell-%d-%d" class="%s" data-col="%s" tabindex="0"`, pi, ci, cls, esc(h))
			if len(reasons) > 0 {
				why := strings.Join(reasons, " ")
				b.WriteString(` title="` + esc(why) + `" aria-label="` + esc(h+": "+v+". "+why) + `"`)
			}
			b.WriteString(">" + esc(v) + "</td>")
		}
		var rowLevel []string
		for _, is := range bad[""] {
			rowLevel = append(rowLevel, is.Message)
		}
		b.WriteString(`<td class="reasons">` + esc(strings.Join(rowLevel, " ")))
		for k, is := range r.Issues {
			if is.Suggestion != "" && is.Column != "" && is.Code == model.CodeBadAddress {
				fmt.Fprintf(&b, `<button id="fix-%d-%d" class="fix" data-plan="%d" data-column="%s" data-value="%s" title="%s">%s</button>`,
					pi, k, pi, esc(is.Column), esc(is.Suggestion), esc(is.Message), esc("Use "+is.Suggestion))
			}
		}
		b.WriteString("</td></tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// gridClick applies a suggested fix whose button was pressed in the grid.
func (p *importPage) gridClick(ctx app.Context, e app.Event) {
	btn := e.Get("target").Call("closest", "button.fix")
	if !btn.Truthy() {
		return
	}
	pi, err := strconv.Atoi(btn.Get("dataset").Get("plan").String())
	if err != nil || p.plan == nil || pi < 0 || pi >= p.plan.Rows.Len() {
		return
	}
	p.applySuggestion(pi, btn.Get("dataset").Get("column").String(), btn.Get("dataset").Get("value").String())(ctx, e)
}

// gridEdit opens the editor of the cell an event happened on (its id is
// cell-<plan row>-<column>).
func (p *importPage) gridEdit(ctx app.Context, e app.Event) {
	td := e.Get("target").Call("closest", "td[id^='cell-']")
	if !td.Truthy() {
		return
	}
	a, b, _ := strings.Cut(strings.TrimPrefix(td.Get("id").String(), "cell-"), "-")
	pi, err1 := strconv.Atoi(a)
	ci, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || p.plan == nil || pi < 0 || pi >= p.plan.Rows.Len() {
		return
	}
	p.editing = &cellRef{pi, ci}
}

// derive makes what the review shows of all the rows, when the plan or
// the filter changed.
func (p *importPage) derive() { p.deriveFor(p.plan, p.filter) }

func (p *importPage) deriveFor(pl *plan, filter string) {
	if p.derivedOf == pl && p.derivedFilter == filter {
		return
	}
	if p.derivedOf != pl {
		p.codes, p.pickGroups, p.strips = codeCounts(pl), pickGroups(pl), stripsOf(pl)
	}
	p.filtered = filterRows(pl, filter)
	p.derivedOf, p.derivedFilter = pl, filter
}

// pickGroup is one parent key to choose for: its first row, the issue, and
// the rows that have it.
type pickGroup struct {
	r     rowResult
	is    model.Issue
	rows  []int
	ptype string
}

// pickGroups finds the ambiguous and missing parents, one group per file
// and key (the first 20), with the candidates (and the offer of a new
// parent, where the engine allows one).
func pickGroups(pl *plan) []*pickGroup {
	var groups []*pickGroup // at most 20: found by a scan (hashing a key per row cost more)
	var last *pickGroup     // the last row's group: a household's members follow each other
	var miss pickGroup      // the last key found in no group once there are 20
	vs := pl.Rows
	for ri := range vs.Len() {
		for k := range vs.NumIssues(ri) {
			is := vs.Issue(ri, k)
			if is.Code != model.CodeParentAmbiguous && (is.Code != model.CodeParentNotFound || vs.NumCandidates(ri, k) == 0) {
				continue
			}
			ptype, file, row := vs.ParentType(ri, k), vs.File(ri), vs.Row(ri)
			same := func(g *pickGroup) bool {
				return g.is.Value == is.Value && g.is.Code == is.Code && g.ptype == ptype && g.r.File == file
			}
			if last != nil && same(last) {
				last.rows = append(last.rows, row)
				continue
			}
			if len(groups) == 20 && same(&miss) {
				continue
			}
			i := len(groups) - 1
			for ; i >= 0 && !same(groups[i]); i-- {
			}
			switch {
			case i >= 0:
				last = groups[i]
				last.rows = append(last.rows, row)
			case len(groups) < 20: // made whole: the picker shows it
				r := vs.At(ri)
				last = &pickGroup{r: r, is: r.Issues[k], rows: []int{row}, ptype: ptype}
				groups = append(groups, last)
			default:
				miss = pickGroup{r: rowResult{File: file}, is: is, ptype: ptype}
			}
		}
	}
	return groups
}

// renderPicker lists the parents to choose: a choice applies to the key's
// first row or to all its rows.
func (p *importPage) renderPicker() app.UI {
	p.derive()
	groups := p.pickGroups
	if len(groups) == 0 {
		return app.Text("")
	}
	if len(groups) > pickerShown && !p.pickerOpen {
		// Many keys (a file of children without their parents): closed, the
		// entries are not built (mounting them held the page after a check).
		more := fmt.Sprint(len(groups))
		if len(groups) == 20 {
			more = "20 or more"
		}
		return app.Details().ID("parent-picker").Class("panel").OnToggle(p.togglePicker).Body(
			app.Summary().Text("Choose parents: " + more + " parent keys match several cases or none"))
	}
	items := make([]app.UI, 0, len(groups))
	for _, g := range groups {
		differ := differingProps(g.is.Candidates)
		var cands []app.UI
		for _, c := range g.is.Candidates {
			verb := "Use"
			if c.New {
				verb = "Create"
			}
			all := verb + " for every row with " + g.is.Value
			if len(g.rows) > 1 {
				all += fmt.Sprintf(" (%d rows)", len(g.rows))
			}
			cands = append(cands, app.Li().Body(
				app.Span().Text(candidateText(c, differ)+" "),
				app.Button().Class("pick").Text(fmt.Sprintf("%s for row %d", verb, g.r.Row)).OnClick(p.choose(g.r, g.is.Value, g.ptype, c, false)),
				app.Button().Class("pick-all").Text(all).OnClick(p.choose(g.r, g.is.Value, g.ptype, c, true)),
			))
		}
		rows := "row " + fmt.Sprint(g.rows[0])
		if len(g.rows) > 1 {
			rows = "rows " + joinInts(g.rows, 10)
		}
		items = append(items, app.Li().Class("pick-group").DataSet("key", g.is.Value).Body(
			app.P().Text(fmt.Sprintf("%s %s: %s", g.r.File, rows, g.is.Message)), app.Ul().Body(cands...)))
	}
	if len(groups) > pickerShown {
		return app.Details().ID("parent-picker").Class("panel").Open(true).OnToggle(p.togglePicker).Body(
			app.Summary().Text("Choose parents"), app.Ul().Body(items...))
	}
	return app.Div().ID("parent-picker").Class("panel").Aria("label", "Choose parents").Body(app.H2().Text("Choose parents"), app.Ul().Body(items...))
}

// pickerShown is how many parent keys the picker shows open; with more it
// starts closed.
const pickerShown = 5

func (p *importPage) togglePicker(ctx app.Context, e app.Event) {
	p.pickerOpen = ctx.JSSrc().Get("open").Bool()
}

// focusByID focuses an element, if it is there.
func focusByID(id string) {
	if !app.IsClient {
		return
	}
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}
