//go:build js && wasm

// Command worker is the reader worker: it runs in a Web Worker, reads the
// files the page hands it with shared/sheet, checks them with shared/engine,
// and posts progress and the plan back, so the page stays responsive.
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall/js"
	"time"
	"unicode/utf8"
	"unsafe"

	"casegate/shared/api"
	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/errfile"
	"casegate/shared/mapping"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
	"casegate/shared/tablewire"
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
	// SendTables asks a re-check for the tables too: the page restoring a
	// working import after a reload has none.
	SendTables bool `json:"send_tables,omitempty"`
	// Edits are the cells changed in the page since the files were read,
	// applied to the tables the worker keeps (an edit sends a few bytes,
	// not every row again).
	Edits []edit `json:"edits,omitempty"`
}

// edit sets one cell.
type edit = tablewire.Edit

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
	lastFiles   []fileInfo
	lastTables  []engine.Table  // the tables of the last check, with the edits applied
	lastPlan    *engine.Plan    // their plan (for the error file), when there is no session to make it again
	lastChoices []engine.Choice // the choices it was made with
	started     time.Time       // when the request came, for the timings in the result
	saving      bool            // the page keeps the tables (its last check gave a save key)
)

var (
	self     = js.Global()
	existing *engine.MemoryCases
	// fromExport: existing came from a case export file, which wins over
	// the server's index until the page is reloaded.
	fromExport bool
)

func post(v map[string]any) { self.Call("postMessage", js.ValueOf(v)) }

// postMoving posts v, moving the buffers of its typed arrays to the page
// instead of copying them (tens of MB at 100,000 rows).
func postMoving(v map[string]any) {
	var bufs []any
	for _, x := range v {
		if a, ok := x.(js.Value); ok && a.Type() == js.TypeObject && a.Get("buffer").Truthy() {
			bufs = append(bufs, a.Get("buffer"))
		}
	}
	self.Call("postMessage", js.ValueOf(v), js.ValueOf(bufs))
}

// isWorkbook tells an xlsx file by its name (the rest is read as text).
func isWorkbook(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".xlsx") }

// expectedMemory is about what reading and checking a file of size bytes
// takes (measured at 100k rows: ~12.6× an xlsx, ~7.2× a csv), a little under.
func expectedMemory(name string, size int64) int64 {
	if isWorkbook(name) {
		return 12 * size
	}
	return 7 * size
}

// reserve grows the wasm memory to about want bytes of heap in one step,
// before the check needs it: growing it step by step as the check
// allocates cost ~0.3–0.5 s at 100k rows (measured under node: xlsx 3.0 s →
// 2.65 s, csv 2.05 s → 1.74 s), and the heap reuses what is reserved, so
// the peak is the same. Wasm memory never shrinks either way. With touch,
// every page is written once too: the first write to a page costs the
// system a fault (~8 µs a 4 KiB page on a slow host: ~0.3 s for a 100k-row
// check's memory), which a file's "prepare" pays while the person chooses
// rather than while they wait for the check.
func reserve(want int64, touch bool) {
	const most = 1 << 30
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	need := min(want, most) - int64(ms.HeapIdle)
	if need < 32<<20 {
		return
	}
	// In blocks, held until all are made: the runtime clears a block that
	// reuses memory (the warm-up's) but not one in fresh memory, and one
	// block of the whole size overlapping the warm-up's pages was cleared
	// whole, touching ~100 MB (~0.4 s under node).
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const block = 8 << 20
	held := make([][]byte, 0, need/block)
	for n := int64(block); n <= need; n += block { // whole blocks within need: the check grows the heap for the rest
		b := make([]byte, block)
		if touch {
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
		}
		held = append(held, b)
	}
	runtime.KeepAlive(held)
	held = nil
	runtime.GC() // hands the pages back to the heap, grown
}

// prepare readies the worker for the chosen files while the person
// chooses the rest and presses Check: a big file's formats warmed up (see
// warmUp), its check's memory reserved and touched, and the arrays for
// its answer made (see room.go).
func prepare(files js.Value) {
	var size int64
	var xlsx, text bool
	eachFile(files, func(name string, n int64) {
		size += n
		xlsx = xlsx || isWorkbook(name)
		text = text || !isWorkbook(name)
	})
	if size >= warmFrom {
		warmUp(warmRows, xlsx, text)
		runtime.GC() // the warm-up's garbage, before the memory is reserved
	}
	reserve(expectedFor(files), true)
	makeRooms(files)
}

// expectedFor is expectedMemory for the files of a message (name, and
// size or data).
func expectedFor(files js.Value) int64 {
	var want int64
	eachFile(files, func(name string, size int64) { want += expectedMemory(name, size) })
	return want
}

// textOf reads a text sent as bytes (a Uint8Array: the tables as the
// worker sent them) or as a string (JSON, or the compact form kept by an
// earlier version).
func textOf(v js.Value) string {
	switch {
	case v.Type() == js.TypeString:
		return v.String()
	case v.Type() == js.TypeObject && v.InstanceOf(js.Global().Get("Uint8Array")):
		b := make([]byte, v.Length())
		js.CopyBytesToGo(b, v)
		return unsafe.String(unsafe.SliceData(b), len(b)) // b is not written again
	}
	return ""
}

// jsBytes copies b into a new Uint8Array.
func jsBytes(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// answerChunk is how much of an answer's form the worker holds before
// handing it to JavaScript.
const answerChunk = 1 << 20

// int32Bytes is ns as bytes, little-endian (as Int32Array reads them on
// every browser's platform).
func int32Bytes(ns []int32) []byte {
	b := make([]byte, 4*len(ns))
	for i, n := range ns {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(n))
	}
	return b
}

// decodeTables reads tables kept by the page: the compact form, or JSON
// (kept before the compact form existed).
func decodeTables(s string, out *[]api.Table) error {
	if strings.HasPrefix(s, "[") {
		return json.Unmarshal([]byte(s), out)
	}
	ts, err := tablewire.Decode(s)
	*out = ts
	return err
}

// previewRows is how many rows of each table a preview holds.
const previewRows = 3

// previewJSON is the header and first rows of each table.
func previewJSON(tables []engine.Table) string {
	short := make([]engine.Table, len(tables))
	for i, t := range tables {
		short[i] = t
		short[i].Rows = t.Rows[:min(previewRows, len(t.Rows))]
	}
	b, _ := json.Marshal(api.FromEngine(short))
	return string(b)
}

func fail(err error) {
	post(map[string]any{"type": "error", "message": model.MessageOf(err), "kind": string(model.KindOf(err))})
}

func main() {
	// The browser's collector is single-threaded: collecting less often
	// (measured under node: a quarter less time at GOGC 400) is worth the
	// memory for a program that lives only while files are checked. A
	// check itself runs without collections (see handle).
	debug.SetGCPercent(idleGC)
	self.Set("onmessage", js.FuncOf(func(this js.Value, args []js.Value) any {
		handle(args[0].Get("data"))
		return nil
	}))
	select {}
}

// warmRows is how many rows each made-up file of the warm-up has:
// enough for the browser to optimise the hot code (1,000 left more of the
// first check on baseline code; 3,000 made the start longer for little);
// warmFrom is the size of the chosen files from which it is worth its
// ~0.5–1.5 s (a 10k-row csv, ~1 MB, checks in ~0.5 s; 100k rows are ~10 MB).
const (
	warmRows = 2000
	warmFrom = 4 << 20
)

// idleGC is the collector's setting between checks; checkMemory the heap a
// check may grow to before it collects. Nearly all a check allocates stays
// live until it answers (the rows, their verdicts), so collecting while it
// runs only costs: measured under node on 100k rows, the first check of a
// worker took 3.7 s with the collector on and 2.7 s without, at the same
// peak memory (320 MB); wasm memory never shrinks anyway.
const (
	idleGC      = 200
	checkMemory = 1536 << 20
)

// handle answers one message of the page.
func handle(msg js.Value) any {
	defer func() {
		if r := recover(); r != nil {
			post(map[string]any{"type": "crash", "message": fmt.Sprintf("The file reader failed: %v. Press Check again to retry.", r)})
		}
	}()
	switch msg.Get("type").String() {
	case "prepare": // a file was chosen: made ready for before Check
		prepare(msg.Get("files"))
		post(map[string]any{"type": "prepared"})
		return nil
	case "index": // the server's case index, kept for every check
		var ix api.CaseIndex
		if err := json.Unmarshal([]byte(msg.Get("index").String()), &ix); err != nil {
			fail(fmt.Errorf("the cached case index is unreadable: %w", err))
			return nil
		}
		existing, fromExport = engine.NewMemoryCases(ix.CasesList()), false
		existingN++
		return nil
	case "cases": // a case export dropped into the page (offline matching)
		loadExport(msg.Get("files"))
		return nil
	case "errors": // the rows that will not be imported, as the error csv
		plan := lastPlan
		if plan == nil && session != nil { // made again from the session (see check)
			var err error
			if plan, err = session.Recheck(nil, lastChoices); err != nil {
				fail(err)
				return nil
			}
		}
		if plan == nil {
			fail(errors.New("there is no checked import to write the error file of"))
			return nil
		}
		var b strings.Builder
		if err := errfile.WriteCSV(&b, lastTables, plan); err != nil {
			fail(err)
			return nil
		}
		post(map[string]any{"type": "errors", "csv": b.String()})
		return nil
	}
	var req request
	if err := json.Unmarshal([]byte(msg.Get("request").String()), &req); err != nil {
		fail(fmt.Errorf("bad request: %w", err))
		return nil
	}
	if req.Index != nil && !fromExport {
		existing = engine.NewMemoryCases(req.Index.CasesList())
		existingN++
	}
	started = time.Now()
	debug.SetMemoryLimit(checkMemory)
	debug.SetGCPercent(-1)
	defer debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetGCPercent(idleGC)
	switch msg.Get("type").String() {
	case "check":
		saving = msg.Get("save_key").Truthy() // as web/worker.js keeps it
		in := msg.Get("files")
		var files []fileInfo
		var tables []engine.Table
		reg := casetype.NewRegistry(req.CaseTypes...)
		reserve(expectedFor(in), false) // (prepared already when the page said "prepare")
		for i := 0; i < in.Length(); i++ {
			f := in.Index(i)
			name := f.Get("name").String()
			var delim rune
			switch req.Delimiter {
			case ",", ";":
				delim = rune(req.Delimiter[0])
			case "tab":
				delim = '\t'
			}
			opt := sheet.Options{Sheet: req.Sheet, HeaderRow: req.HeaderRow, Encoding: req.Encoding, Delimiter: delim,
				Progress: func(done, total int64) {
					post(map[string]any{"type": "progress", "file": name, "done": float64(done), "total": float64(total)})
				}}
			infos, book, err := readFile(name, f.Get("data"), opt)
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
		lastFiles, lastTables = files, tables
		check(req, tables, reg, false, true, in)
	case "recheck":
		// A restored import sends the tables as read (kept in IndexedDB)
		// beside the page's request, whose edits are applied below.
		if t := textOf(msg.Get("tables")); t != "" && req.Tables == nil {
			if err := decodeTables(t, &req.Tables); err != nil {
				fail(fmt.Errorf("the saved import is unreadable: %w", err))
				return nil
			}
		}
		req.SendTables = req.SendTables || msg.Get("send_tables").Truthy()
		switch {
		case req.Tables != nil:
			lastTables = api.ToEngine(req.Tables)
		case lastTables == nil: // a restarted worker: the page sends the tables
			post(map[string]any{"type": "need_tables"})
			return nil
		}
		fresh := req.Tables != nil
		check(req, lastTables, casetype.NewRegistry(req.CaseTypes...), !req.SendTables, fresh, js.Undefined())
	}
	return nil
}

// readFile reads a file the page sent (a Uint8Array) where it is: a
// workbook's zip reader takes from JavaScript the bytes it needs (a copy of
// the whole file was ~10 MB of wasm memory at 100k rows, kept for good); a
// csv is copied in once, its cells being pieces of its text, and decoded
// where it lands when it is not UTF-8 (sheet.ReadAt).
func readFile(name string, a js.Value, opt sheet.Options) ([]sheet.SheetInfo, *sheet.Book, error) {
	size := int64(a.Get("length").Int())
	head := make([]byte, min(8, size))
	js.CopyBytesToGo(head, a.Call("subarray", 0, len(head)))
	src := &jsFile{a: a, n: size}
	book, err := sheet.ReadAt(name, src, size, opt)
	if err != nil {
		return nil, nil, err
	}
	if sheet.IsZip(head) { // every sheet, hidden ones too, for the sheet picker
		infos, _ := sheet.ListZipSheets(name, src, size)
		return infos, book, nil
	}
	return []sheet.SheetInfo{{Name: book.Sheets[0].Name}}, book, nil
}

// jsFile reads a Uint8Array of n bytes as an io.ReaderAt, a block at a
// time: the zip reader inflates through a 4 KiB buffer, and a call into
// JavaScript per 4 KiB was ~0.1 s of a 100k-row workbook.
type jsFile struct {
	a     js.Value
	n     int64
	block []byte // the bytes from at
	at    int64
}

const jsBlock = 256 << 10

func (f *jsFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= f.n {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), f.n)
	if len(p) >= jsBlock {
		n := js.CopyBytesToGo(p[:end-off], f.a.Call("subarray", off, end))
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	if off < f.at || end > f.at+int64(len(f.block)) {
		if f.block == nil {
			f.block = make([]byte, jsBlock)
		}
		f.at = off
		f.block = f.block[:min(jsBlock, f.n-off)]
		js.CopyBytesToGo(f.block, f.a.Call("subarray", off, off+int64(len(f.block))))
	}
	n := copy(p, f.block[off-f.at:end-f.at])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
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

// The session of the last check: a re-check after edits reads only the
// edited rows again (engine.Session), when nothing else changed.
var (
	session    *engine.Session
	sessionKey string // the spec, case types and existing cases it was made with
	applied    int    // how many of the page's edits its tables have
	existingN  int    // bumped when existing changes
)

// check checks tables (fresh: just read or sent by the page) and posts the
// answer: the plan, its verdicts and, unless recheck (the page has them),
// the tables' form, each form written into an array (see room.go) sized
// for files, the files just read (undefined when none were: the tables'
// array is then of their form's exact size).
func check(req request, tables []engine.Table, reg casetype.Registry, recheck, fresh bool, files js.Value) {
	in := engine.Input{Tables: tables, Registry: reg, Choices: req.Choices, Unhashed: true} // hashed after the answer
	if err := json.Unmarshal(req.Spec, &in.Spec); err != nil {
		fail(fmt.Errorf("bad spec: %w", err))
		return
	}
	if existing != nil {
		in.Existing = existing
	}
	ctj, _ := json.Marshal(req.CaseTypes)
	key := fmt.Sprintf("%s|%s|%d", req.Spec, ctj, existingN)
	readMS := time.Since(started).Milliseconds()
	var plan *engine.Plan
	var err error
	if !fresh && session != nil && key == sessionKey && len(req.Edits) >= applied {
		news := req.Edits[applied:]
		engine.ApplyEdits(tables, news)
		refs := make([]engine.RowRef, len(news))
		for i, e := range news {
			refs[i] = engine.RowRef{File: e.File, Sheet: e.Sheet, Row: e.Row}
		}
		applied = len(req.Edits)
		plan, err = session.Recheck(refs, req.Choices)
	} else {
		engine.ApplyEdits(tables, req.Edits)
		applied = len(req.Edits)
		session, plan, err = engine.NewSession(in)
		sessionKey = key
		if err != nil {
			session = nil
		}
	}
	checkMS := time.Since(started).Milliseconds() - readMS
	if err != nil {
		// The file was read but cannot be imported as set (a missing search
		// column, duplicate headers): the page previews what was read, so
		// the person sees what a reading setting did.
		post(map[string]any{"type": "error", "message": model.MessageOf(err), "kind": string(model.KindOf(err)), "preview": previewJSON(tables)})
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
	// The page needs the verdicts, not what a commit would write (the
	// changes, the parents: the hash covers them and the server re-checks),
	// in the compact form; the plan's JSON keeps the summary and notices.
	full := *plan
	lastPlan = &full
	plan.Rows, plan.Order = nil, nil
	// The tables go as the compact form's bytes with where each row is:
	// the page keeps them as they are and decodes the rows it draws. On a
	// re-check the page has them already. Both forms go to JavaScript a
	// chunk at a time as they are written: whole, they were ~35 MB of wasm
	// memory at 100k rows, reserved for good once used.
	tb, index, nums, starts := js.Null(), "", js.Null(), js.Null()
	var keep func() js.Value // the tables' form again, when it is sent
	encodeStart := time.Now()
	if !recheck {
		// Written straight into one array, no chunks joined at the end (a
		// second copy, ~0.1 s at 100k rows).
		exact := func() int { return api.TablesSize(tables) }
		var out js.Value
		if files.IsUndefined() {
			out = js.Global().Get("Uint8Array").New(exact())
		} else {
			out = takeRoom(0, files)
		}
		w, valid := jsWriter{buf: out, need: exact}, true
		ix := api.StreamTables(tables, answerChunk, func(b []byte) {
			valid = valid && utf8.Valid(b) // a chunk holds whole texts
			w.write(b)
		})
		tb = w.bytes(true)
		keep = func() js.Value { // the same bytes again, for the page's store (see below)
			k := jsWriter{buf: js.Global().Get("Uint8Array").New(w.off), need: exact}
			api.StreamTables(tables, answerChunk, k.write)
			return k.buf
		}
		if !valid { // the server reads it as JSON text: no stray bytes (rare: a damaged workbook)
			wt := api.FromEngine(tables)
			for _, t := range wt {
				for _, r := range t.Rows {
					for i, c := range r.Cells {
						r.Cells[i] = strings.ToValidUTF8(c, "\uFFFD")
					}
				}
			}
			var s string
			s, ix = tablewire.EncodeIndexed(wt)
			tb = jsBytes([]byte(s))
			kept := tb.Call("slice")
			keep = func() js.Value { return kept }
		}
		nums, starts = jsBytes(int32Bytes(ix.Nums)), jsBytes(int32Bytes(ix.Starts))
		ij, _ := json.Marshal(ix)
		index = string(ij)
	}
	tablesMS := time.Since(encodeStart).Milliseconds()
	var vw jsWriter
	if files.IsUndefined() {
		vw.buf = js.Global().Get("Uint8Array").New(72*len(full.Rows) + 1024)
	} else {
		vw.buf = takeRoom(1, files)
	}
	vw.need = func() int { return 2 * vw.buf.Length() }
	streamVerdicts(&full, vw.write)
	verdicts := vw.bytes(false)
	pj, _ := json.Marshal(plan)
	mj, _ := json.Marshal(maps)
	fj, _ := json.Marshal(lastFiles)
	postMoving(map[string]any{"type": "result", "tables": tb, "index": index, "nums": nums, "starts": starts, "plan": string(pj),
		"verdicts": verdicts, "mappings": string(mj), "files": string(fj),
		"read_ms": readMS, "check_ms": checkMS, "tables_ms": tablesMS, "total_ms": time.Since(started).Milliseconds()})
	// The page has its plan; while the person reads it, hash it (the page
	// commits with the hash) and make the next re-check incremental,
	// within the memory the check took: wasm memory never shrinks, and
	// reading the rows again grew it by a quarter at 100k rows.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	debug.SetGCPercent(idleGC)
	debug.SetMemoryLimit(int64(ms.Sys))
	defer debug.SetMemoryLimit(math.MaxInt64)
	post(map[string]any{"type": "hash", "hash": full.Seal()})
	// The page keeps the tables in IndexedDB so a reload loses nothing
	// (web/worker.js): the copy it stores is made now, the answer gone, as
	// the person reads it (before the answer, storing took ~0.2 s of it).
	if kt := self.Get("keepTables"); keep != nil && saving && kt.Type() == js.TypeFunction {
		kt.Invoke(keep())
	}
	lastChoices = req.Choices
	if session != nil {
		// The error file is made again from the session when asked for:
		// the plan held until then kept ~20 MB at 100k rows that reading
		// the rows again below then had to find elsewhere.
		lastPlan, full = nil, engine.Plan{}
		runtime.GC() // the check's garbage, before the next read makes more
		if primed, err := session.Prime(); err != nil {
			session = nil // (reading succeeded once: not seen)
		} else if primed {
			runtime.GC() // idle now: collect the first read's garbage before the next edit
		}
	}
	post(map[string]any{"type": "idle"}) // ready for an edit (the benchmark reads the memory then)
}

// streamVerdicts writes a plan's verdicts in the compact form, a chunk
// at a time.
func streamVerdicts(plan *engine.Plan, flush func([]byte)) {
	issues := 0
	for i := range plan.Rows {
		issues += len(plan.Rows[i].Issues)
	}
	tablewire.StreamVerdicts(len(plan.Rows), issues, func(i int) tablewire.Verdict {
		r := &plan.Rows[i]
		return tablewire.Verdict{File: r.File, Sheet: r.Sheet, Row: r.Row, Action: string(r.Action), CaseType: r.CaseType, Issues: r.Issues}
	}, answerChunk, flush)
}

// loadExport reads case export files (ours or CommCare's, csv or xlsx) into
// the cases parents are matched against, and tells the page how many.
func loadExport(in js.Value) {
	var all []model.Case
	var names []string
	for i := 0; i < in.Length(); i++ {
		f := in.Index(i)
		name := f.Get("name").String()
		data := make([]byte, f.Get("data").Get("length").Int())
		js.CopyBytesToGo(data, f.Get("data"))
		book, err := sheet.Read(name, data, sheet.Options{})
		if err != nil {
			post(map[string]any{"type": "cases", "error": model.MessageOf(err)})
			return
		}
		for _, sh := range book.Sheets {
			cs, err := engine.CasesFromSheet(sh)
			if err != nil {
				post(map[string]any{"type": "cases", "error": model.MessageOf(err)})
				return
			}
			all = append(all, cs...)
		}
		names = append(names, name)
	}
	existing, fromExport = engine.NewMemoryCases(all), true
	existingN++
	post(map[string]any{"type": "cases", "count": len(all), "files": strings.Join(names, ", ")})
}
