//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"casegate/shared/api"
	"casegate/shared/benchdata"
	"casegate/shared/benchdata/benchfile"
	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/model"
	"casegate/shared/sheet"
	"casegate/shared/spec"
	"casegate/shared/tablewire"
)

// posted collects what the worker posts (postMessage is the test's).
var posted []js.Value

func init() {
	self.Set("postMessage", js.FuncOf(func(this js.Value, args []js.Value) any {
		posted = append(posted, args[0])
		return nil
	}))
}

func lastResult(t testing.TB) js.Value {
	t.Helper()
	for i := len(posted) - 1; i >= 0; i-- {
		switch posted[i].Get("type").String() {
		case "result":
			return posted[i]
		case "error", "crash":
			t.Fatalf("worker: %s", posted[i].Get("message").String())
		}
	}
	t.Fatal("no result")
	return js.Undefined()
}

func checkMsg(name string, data []byte, req map[string]any) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	rj, _ := json.Marshal(req)
	return js.ValueOf(map[string]any{"type": "check", "request": string(rj),
		"files": []any{map[string]any{"name": name, "data": arr}}})
}

func baseRequest() map[string]any {
	return map[string]any{"spec": map[string]any{"case_type": "member", "search_field": "external_id", "create_new_cases": true, "on_error": "skip"},
		"case_type": "member", "case_types": casetype.Builtins()}
}

type verdicts struct {
	Summary struct{ Rows, Create, Error int } `json:"summary"`
	Rows    []tablewire.Verdict
}

// decodeResult reads a result's plan (summary) and verdicts (rows).
func decodeResult(t *testing.T, res js.Value) verdicts {
	t.Helper()
	var v verdicts
	if err := json.Unmarshal([]byte(res.Get("plan").String()), &v); err != nil {
		t.Fatal(err)
	}
	rows, err := tablewire.DecodeVerdicts(textOf(res.Get("verdicts")))
	if err != nil {
		t.Fatal(err)
	}
	v.Rows = rows
	return v
}

// TestCheckThenRecheck reads a csv, fixes its bad date the way the page
// does (the edited tables in a recheck request), and sees the row pass.
func TestCheckThenRecheck(t *testing.T) {
	posted = nil
	csv := "external_id,name,dob,sex\nM-1,Akinyi,2001-13-01,female\nM-2,Omondi,1999-05-05,male\n"
	handle(checkMsg("members.csv", []byte(csv), baseRequest()))
	res := lastResult(t)
	v := decodeResult(t, res)
	if v.Summary.Error != 1 || v.Rows[0].Action != "error" || v.Rows[0].Issues[0].Column != "dob" {
		t.Fatalf("first check: %+v", v)
	}
	var tables []api.Table
	if err := decodeTables(textOf(res.Get("tables")), &tables); err != nil {
		t.Fatal(err)
	}
	// The page sends the edit, not the tables.
	req := baseRequest()
	req["edits"] = []edit{{File: "members.csv", Sheet: tables[0].Sheet, Row: 2, Col: 2, Value: "2001-12-01"}}
	rj, _ := json.Marshal(req)
	handle(js.ValueOf(map[string]any{"type": "recheck", "request": string(rj)}))
	res = lastResult(t)
	if !res.Get("tables").IsNull() {
		t.Error("a recheck sends the tables back")
	}
	v = decodeResult(t, res)
	if v.Summary.Error != 0 || v.Summary.Create != 2 {
		t.Fatalf("after the fix: %+v", v.Summary)
	}

	// A restarted worker has no tables: it asks for them.
	lastTables = nil
	handle(js.ValueOf(map[string]any{"type": "recheck", "request": string(rj)}))
	if ty := posted[len(posted)-1].Get("type").String(); ty != "need_tables" {
		t.Fatalf("a worker without tables answered %q", ty)
	}

	// A restored import: the request with the edits, the tables as read.
	tj, _ := json.Marshal(tables)
	handle(js.ValueOf(map[string]any{"type": "recheck", "request": string(rj), "tables": string(tj), "send_tables": true}))
	res = lastResult(t)
	if !strings.Contains(textOf(res.Get("tables")), "2001-12-01") {
		t.Errorf("a restore gets the tables back: %.200s", textOf(res.Get("tables")))
	}
	// As an earlier version kept them: the compact form as text.
	handle(js.ValueOf(map[string]any{"type": "recheck", "request": string(rj), "tables": tablewire.Encode(tables), "send_tables": true}))
	if res = lastResult(t); !strings.Contains(textOf(res.Get("tables")), "2001-12-01") {
		t.Errorf("a restore from the compact form: %.200s", textOf(res.Get("tables")))
	}
	// As the page keeps them now: the compact form's bytes.
	handle(js.ValueOf(map[string]any{"type": "recheck", "request": string(rj), "tables": jsBytes([]byte(tablewire.Encode(tables))), "send_tables": true}))
	if res = lastResult(t); !strings.Contains(textOf(res.Get("tables")), "2001-12-01") {
		t.Errorf("a restore from the compact form's bytes: %.200s", textOf(res.Get("tables")))
	}
	// The index says where each row is: row 3 (M-2) decodes alone.
	var ix tablewire.Index
	if err := json.Unmarshal([]byte(res.Get("index").String()), &ix); err != nil || len(ix.Heads) != 1 || ix.Counts[0] != 2 {
		t.Fatalf("index %s: %v", res.Get("index").String(), err)
	}
	ints := func(v js.Value) []int32 {
		b := make([]byte, v.Length())
		js.CopyBytesToGo(b, v)
		out := make([]int32, len(b)/4)
		for i := range out {
			out[i] = int32(uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24)
		}
		return out
	}
	nums, starts := ints(res.Get("nums")), ints(res.Get("starts"))
	all := textOf(res.Get("tables"))
	r, err := tablewire.DecodeRow(all[starts[1]:starts[2]])
	if err != nil || nums[1] != 3 || r.Num != 3 || r.Cells[0] != "M-2" {
		t.Errorf("row 3 from the index: %+v %v (nums %v)", r, err, nums)
	}
}

// TestBadFileIsReported: a file the reader refuses is an error message,
// never a crash.
func TestBadFileIsReported(t *testing.T) {
	posted = nil
	handle(checkMsg("members.xlsx", []byte("not a zip at all"), baseRequest()))
	if len(posted) == 0 || posted[len(posted)-1].Get("type").String() != "error" || posted[len(posted)-1].Get("message").String() == "" {
		t.Fatalf("posted %d messages; last %v", len(posted), posted[len(posted)-1].Get("type"))
	}
}

// TestRecheckTime measures what an edit costs: the page sends the edited
// tables and the worker re-runs engine.Check on the whole import.
// CASEGATE_RECHECK_ROWS=100000 for the big figure (under node).
func TestRecheckTime(t *testing.T) {
	n := 2000
	if s := os.Getenv("CASEGATE_RECHECK_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	var buf bytes.Buffer
	if err := benchdata.WriteCSV(&buf, n, false); err != nil {
		t.Fatal(err)
	}
	posted = nil
	start := time.Now()
	handle(checkMsg("members.csv", buf.Bytes(), baseRequest()))
	res := lastResult(t)
	first := time.Since(start)
	t.Logf("first answer after %d ms (read %d ms, check %d ms)", res.Get("total_ms").Int(), res.Get("read_ms").Int(), res.Get("check_ms").Int())
	var tables []api.Table
	if err := decodeTables(textOf(res.Get("tables")), &tables); err != nil {
		t.Fatal(err)
	}
	req := baseRequest()
	req["edits"] = []edit{{File: "members.csv", Sheet: tables[0].Sheet, Row: 2, Col: 4, Value: "1990-02-30"}}
	start = time.Now()
	rj, _ := json.Marshal(req) // the page's part
	marshal := time.Since(start)
	handle(js.ValueOf(map[string]any{"type": "recheck", "request": string(rj)}))
	res = lastResult(t)
	total := time.Since(start)
	t.Logf("%d rows: first check %v; recheck after an edit %v (request %d bytes marshalled in %v; worker check %v ms, answer %.1f MB)",
		n, first.Round(time.Millisecond), total.Round(time.Millisecond), len(rj), marshal.Round(time.Microsecond),
		res.Get("check_ms").Int(), float64(len(textOf(res.Get("verdicts"))))/1e6)
	if !strings.Contains(textOf(res.Get("verdicts")), "invalid_date") {
		t.Error("the edit to an impossible date was not flagged")
	}
	// A second edit fixes it: the session re-reads that row again.
	req["edits"] = []edit{{File: "members.csv", Sheet: tables[0].Sheet, Row: 2, Col: 4, Value: "1990-02-30"},
		{File: "members.csv", Sheet: tables[0].Sheet, Row: 2, Col: 4, Value: "1990-02-28"}}
	rj, _ = json.Marshal(req)
	handle(js.ValueOf(map[string]any{"type": "recheck", "request": string(rj)}))
	if strings.Contains(textOf(lastResult(t).Get("verdicts")), "invalid_date") {
		t.Error("the fixed date is still flagged")
	}
}

// TestErrorFile: the page's "rows that will not be imported" is the error
// csv of shared/errfile, written from the tables as edited: the bad row as
// it was, its reason, formulas neutralised; the good row left out.
func TestErrorFile(t *testing.T) {
	posted = nil
	csv := "external_id,name,dob,sex\nM-1,=HYPERLINK(\"x\"),2001-13-01,female\nM-2,Omondi,1999-05-05,male\n"
	handle(checkMsg("members.csv", []byte(csv), baseRequest()))
	lastResult(t)
	handle(js.ValueOf(map[string]any{"type": "errors"}))
	last := posted[len(posted)-1]
	if last.Get("type").String() != "errors" {
		t.Fatalf("answered %q: %s", last.Get("type").String(), last.Get("message").String())
	}
	got := last.Get("csv").String()
	for _, want := range []string{"external_id,name,dob,sex,casegate_errors\n", `M-1,"'=HYPERLINK(""x"")",2001-13-01,female,"row 2: Column dob: ""2001-13-01"" is not a real date."`} {
		if !strings.Contains(got, want) {
			t.Errorf("error csv lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "M-2") {
		t.Errorf("a good row is in the error file:\n%s", got)
	}
}

// TestHashFollowsResult: the worker answers first and hashes after; the
// hash it posts is the plan hash the engine gives the same import (what the
// server compares at commit).
func TestHashFollowsResult(t *testing.T) {
	body := "external_id,name,parent_external_id,dob\nM-1,Ann,HH-1,2001-02-03\nM-2,Ben,,1990-13-01\n"
	posted = nil
	handle(checkMsg("members.csv", []byte(body), baseRequest()))
	var got string
	for i, m := range posted {
		if m.Get("type").String() == "hash" {
			if i == 0 || posted[i-1].Get("type").String() != "result" {
				t.Error("the hash does not follow the result")
			}
			got = m.Get("hash").String()
		}
	}
	if strings.Contains(lastResult(t).Get("plan").String(), `"hash":"`+got) {
		t.Error("the result already carries the hash")
	}
	reg := casetype.NewRegistry(casetype.Builtins()...)
	book, err := sheet.Read("members.csv", []byte(body), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := engine.TablesFromBook("members.csv", book, "member", true, reg)
	want, err := engine.Check(engine.Input{Tables: ts, Registry: reg, Spec: spec.Spec{CaseType: "member", SearchField: "external_id", CreateNewCases: true, OnError: "skip"}})
	if err != nil {
		t.Fatal(err)
	}
	if got == "" || got != want.Hash {
		t.Errorf("posted hash %q, want the engine's %q", got, want.Hash)
	}
}

// TestWorkbookReadWhereItIs: a workbook is read from the page's bytes
// where they are (the zip reader takes the ranges it needs), and its
// tables are the ones sheet.Read makes of a copy; the idle message follows
// the answer.
func TestWorkbookReadWhereItIs(t *testing.T) {
	var buf bytes.Buffer
	if err := benchfile.WriteXLSX(&buf, 300); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	posted = nil
	handle(checkMsg("members.xlsx", data, baseRequest()))
	res := lastResult(t)
	if v := decodeResult(t, res); v.Summary.Rows != 300 {
		t.Fatalf("%d rows checked, want 300", v.Summary.Rows)
	}
	var got []api.Table
	if err := decodeTables(textOf(res.Get("tables")), &got); err != nil {
		t.Fatal(err)
	}
	book, err := sheet.Read("members.xlsx", data, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := book.Sheets[0]
	if len(got) != 1 || len(got[0].Rows) != len(want.Rows) || strings.Join(got[0].Header, ",") != strings.Join(want.Header, ",") {
		t.Fatalf("tables: %d, want the sheet's %d rows", len(got), len(want.Rows))
	}
	for i, r := range want.Rows {
		if g := got[0].Rows[i]; g.Num != r.Num || strings.Join(g.Cells, "\x00") != strings.Join(r.Texts(), "\x00") {
			t.Fatalf("row %d: %q, want %q", r.Num, g.Cells, r.Texts())
		}
	}
	if last := posted[len(posted)-1].Get("type").String(); last != "idle" {
		t.Errorf("the last message is %q, want idle", last)
	}
}

// TestJSFileReadsAsBytes: reads at any offset and length, across and
// within the cached block and past the end, give what a bytes.Reader gives.
func TestJSFileReadsAsBytes(t *testing.T) {
	data := make([]byte, 3*jsBlock+123)
	for i := range data {
		data[i] = byte(i * 7)
	}
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	f := &jsFile{a: arr, n: int64(len(data))}
	want := bytes.NewReader(data)
	for _, c := range []struct{ off, n int }{{0, 10}, {5, 4096}, {jsBlock - 3, 10}, {jsBlock - 3, 10}, {100, jsBlock}, {len(data) - 5, 10},
		{len(data), 1}, {2 * jsBlock, 4096}, {1, 1}, {len(data) - 4096, 4096}, {0, 2 * jsBlock}} {
		p, q := make([]byte, c.n), make([]byte, c.n)
		n, err := f.ReadAt(p, int64(c.off))
		m, werr := want.ReadAt(q, int64(c.off))
		if n != m || (err == nil) != (werr == nil) || !bytes.Equal(p[:n], q[:m]) {
			t.Errorf("ReadAt(%d bytes at %d) = %d, %v; want %d, %v", c.n, c.off, n, err, m, werr)
		}
	}
}

// TestWindows1252CSV: a csv that is not UTF-8 is read where it is and
// decoded as it lands: the page is told its encoding, and its cells read
// as a person sees them.
func TestWindows1252CSV(t *testing.T) {
	data := []byte("external_id,name,parent_external_id\r\nM-1,Zo\xeb K\xf6hler,HH-1\r\n")
	posted = nil
	handle(checkMsg("members.csv", data, baseRequest()))
	res := lastResult(t)
	var files []fileInfo
	if err := json.Unmarshal([]byte(res.Get("files").String()), &files); err != nil || len(files) != 1 || files[0].Encoding != "windows-1252" || files[0].Sheets[0].Name != "members" {
		t.Fatalf("files %+v (%v)", files, err)
	}
	var tables []api.Table
	if err := decodeTables(textOf(res.Get("tables")), &tables); err != nil {
		t.Fatal(err)
	}
	if got := tables[0].Rows[0].Cells[1]; got != "Zoë Köhler" {
		t.Errorf("name %q", got)
	}
}

// TestWarmUp: the made-up files read and check as real ones would (the
// code they warm is the code a real file runs: typed cells, dates, missing
// parents, bad addresses), and warming leaves nothing behind for the first
// real check.
func TestWarmUp(t *testing.T) {
	reg := casetype.NewRegistry(casetype.Builtins()...)
	want := map[string]model.Code{"warm.csv": model.CodeParentNotFound, "warm.xlsx": model.CodeBadAddress}
	if fs := warmFiles(40, false, true); len(fs) != 1 || fs[0].name != "warm.csv" {
		t.Errorf("a csv's warm-up makes %d files", len(fs))
	}
	for _, f := range warmFiles(40, true, true) {
		book, err := sheet.ReadAt(f.name, bytes.NewReader(f.data), int64(len(f.data)), sheet.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		rows := book.Sheets[0].Rows
		if len(rows) != 40 || rows[0].Len() < len(benchdata.Header)-2 {
			t.Fatalf("%s: %d rows, %d cells", f.name, len(rows), rows[0].Len())
		}
		if f.name == "warm.xlsx" && rows[0].Cell(warmDate-2).Kind != sheet.KindDate {
			t.Errorf("%s: the date cell reads as %v %q", f.name, rows[0].Cell(warmDate-2).Kind, rows[0].Cell(warmDate-2).Value)
		}
		ts, err := engine.TablesFromBook(f.name, book, f.caseType, true, reg)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := engine.Check(engine.Input{Tables: ts, Registry: reg, Spec: spec.Spec{CaseType: f.caseType, SearchField: "external_id", CreateNewCases: true}})
		if err != nil {
			t.Fatal(err)
		}
		codes := map[model.Code]int{}
		for _, r := range plan.Rows {
			for _, is := range r.Issues {
				codes[is.Code]++
			}
		}
		if codes[want[f.name]] == 0 || plan.Summary.Create == 0 {
			t.Errorf("%s: issues %v, summary %+v; want %s and cases created", f.name, codes, plan.Summary, want[f.name])
		}
	}
	session, lastTables, lastPlan = nil, nil, nil
	warmUp(50, true, true)
	if session != nil || lastTables != nil || lastPlan != nil || existing != nil {
		t.Error("warming up left a check behind")
	}
}

// TestPrepare: a chosen file's "prepare" grows the heap to about what its
// check will take, before the check (whose own reserve then finds it).
func TestPrepare(t *testing.T) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	size := 16 << 20
	posted = nil
	handle(js.ValueOf(map[string]any{"type": "prepare", "files": []any{map[string]any{"name": "m.csv", "size": size}}}))
	runtime.ReadMemStats(&after)
	if len(posted) != 1 || posted[0].Get("type").String() != "prepared" {
		t.Errorf("prepare posted %d messages, want one \"prepared\"", len(posted))
	}
	want := expectedMemory("m.csv", int64(size))
	if got := int64(after.HeapIdle); got < want-8<<20 {
		t.Errorf("after prepare %d MB of the heap is free, want about %d MB", got>>20, want>>20)
	}
	if after.HeapSys-before.HeapSys < uint64(want)/2 {
		t.Errorf("the heap grew %d MB, want about %d MB", (after.HeapSys-before.HeapSys)>>20, want>>20)
	}
	// A file over the reader's size limit gets nothing: reading refuses it.
	runtime.ReadMemStats(&before)
	handle(js.ValueOf(map[string]any{"type": "prepare", "files": []any{map[string]any{"name": "huge.csv", "size": 1 << 30}}}))
	runtime.ReadMemStats(&after)
	if after.HeapSys > before.HeapSys+32<<20 || !rooms[0].IsUndefined() {
		t.Errorf("a 1 GiB file: the heap grew %d MB, arrays made: %v", (after.HeapSys-before.HeapSys)>>20, !rooms[0].IsUndefined())
	}
	// A big file warms the code up first; a small one does not.
	for _, c := range []struct {
		size int
		warm bool
	}{{size, true}, {200 << 10, false}} {
		n := warmed
		handle(js.ValueOf(map[string]any{"type": "prepare", "files": []any{map[string]any{"name": "m.xlsx", "size": c.size}}}))
		if (warmed > n) != c.warm {
			t.Errorf("a %d KB file: warmed up %v, want %v", c.size>>10, warmed > n, c.warm)
		}
	}
}

// TestAnswerRooms: a check's tables and verdicts are the same whether the
// arrays for them were made when the file was chosen, at a size too small
// (a workbook's shared strings written out in every cell) or too big, or
// not at all; an estimate well over the tables is cut to size.
func TestAnswerRooms(t *testing.T) {
	p, err := benchfile.File(t.TempDir(), 300, "csv")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(prepared int) (tables, verdicts string, slack int) {
		posted = nil
		if prepared >= 0 {
			handle(js.ValueOf(map[string]any{"type": "prepare", "files": []any{map[string]any{"name": "members.csv", "size": prepared}}}))
		}
		res := lastResultOf(t, checkMsg("members.csv", data, baseRequest()))
		tb := res.Get("tables")
		return textOf(tb), textOf(res.Get("verdicts")), tb.Get("buffer").Get("byteLength").Int() - tb.Length()
	}
	wantT, wantV, _ := answer(-1)
	if !strings.Contains(wantT, "M-0000299") || len(wantV) < 300 {
		t.Fatalf("unprepared: tables %d bytes, verdicts %d", len(wantT), len(wantV))
	}
	for _, size := range []int{10, len(data), 20 * len(data)} {
		gotT, gotV, slack := answer(size)
		if gotT != wantT || gotV != wantV {
			t.Errorf("prepared for %d bytes: tables %d bytes (want %d), verdicts %d (want %d)", size, len(gotT), len(wantT), len(gotV), len(wantV))
		}
		if slack > len(gotT)/8 {
			t.Errorf("prepared for %d bytes: the page gets %d bytes it does not use", size, slack)
		}
		if !rooms[0].IsUndefined() || !rooms[1].IsUndefined() {
			t.Errorf("prepared for %d bytes: the arrays were not used", size)
		}
	}
}

func lastResultOf(t *testing.T, msg js.Value) js.Value {
	t.Helper()
	handle(msg)
	return lastResult(t)
}

// TestKeepsTables: after a check's answer the worker hands the page's
// store (web/worker.js) the same tables the page got, once, when the page
// keeps them (it gave a save key); a re-check that sends no tables hands
// over nothing.
func TestKeepsTables(t *testing.T) {
	var kept []string
	self.Set("keepTables", js.FuncOf(func(_ js.Value, args []js.Value) any {
		kept = append(kept, textOf(args[0]))
		return nil
	}))
	defer self.Delete("keepTables")
	csv := "external_id,name,dob\nM-1,Akinyi,2001-13-01\nM-2,Zoé,1999-05-05\n"
	lastResultOf(t, checkMsg("members.csv", []byte(csv), baseRequest()))
	if len(kept) != 0 {
		t.Fatal("tables kept for a page that keeps none (no save key)")
	}
	msg := checkMsg("members.csv", []byte(csv), baseRequest())
	msg.Set("save_key", "casegate.work.demo")
	res := lastResultOf(t, msg)
	if want := textOf(res.Get("tables")); len(kept) != 1 || kept[0] != want {
		t.Fatalf("kept %q, want the tables sent: %q", kept, want)
	}
	rj, _ := json.Marshal(baseRequest())
	lastResultOf(t, js.ValueOf(map[string]any{"type": "recheck", "request": string(rj)}))
	if len(kept) != 1 {
		t.Errorf("a re-check without tables kept %d times", len(kept)-1)
	}
}
