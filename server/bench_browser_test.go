package main

// The browser benchmark of issue 7: in one headless chromium, one page per
// contender, the same generated files: casegate's reader worker (read, map,
// check), SheetJS (default and tuned, parse only, on the page's thread),
// Papa Parse (parse only) and excelize compiled to wasm (the reference
// reader), with wall time, memory and the longest frame gap on the page.
// `make test` runs it on 1,000 rows as a smoke test so the harness cannot
// rot; `make bench` runs 1k, 10k and 100k and writes docs/BENCHMARKS.md.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"

	"casegate/shared/benchdata/benchfile"
)

const benchPage = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script src="/lib/xlsx.full.min.js"></script><script src="/lib/papaparse.min.js"></script>
<body><div id="out"></div><script>
// Frames: the longest gap between animation frames while a contender runs.
let last = performance.now(), gap = 0, frames = true;
function tick(t) { gap = Math.max(gap, t - last); last = t; if (frames) requestAnimationFrame(tick); }
function heap() { return performance.memory ? performance.memory.usedJSHeapSize : 0; }
async function run(tool, file) {
  const buf = await (await fetch("/files/" + file)).arrayBuffer();
  await new Promise((r) => setTimeout(r, 50));
  gap = 0; last = performance.now(); requestAnimationFrame(tick);
  const h0 = heap();
  let t0 = performance.now(), startup = 0;
  let rows = 0, mem = 0, phases = [];
  let result = null, done = 0, casegateMS = -1;
  if (tool === "casegate") {
    const res = await new Promise((resolve, reject) => {
      // As the page does (web/casegate.js): the worker starts, warms up and
      // prepares the file's memory when the file is chosen ("start", the
      // person then choosing and pressing Check); the time is from Check.
      const w = new Worker("/web/worker.js");
      // The page hands a new worker the project's case index first (here
      // 450 cases, as the demo's): parents and updates are matched there.
      const cs = [];
      for (let i = 0; i < 150; i++) {
        const hh = ("a" + i).padStart(32, "0");
        cs.push([hh, "household", "HH-" + String(i).padStart(4, "0"), "Household " + i, "owner", "", "", "2024-01-01"]);
        for (let j = 0; j < 2; j++) cs.push([("b" + i + "x" + j).padStart(32, "0"), "member", "M-" + i + "-" + j, "Member " + i, "owner", hh, "household", "2024-01-01"]);
      }
      w.postMessage({ type: "index", index: JSON.stringify({ domain: "demo", generated: "2026-01-01T00:00:00Z", cases: cs }) });
      w.postMessage({ type: "prepare", files: [{ name: file, size: buf.byteLength }] });
      w.onerror = (e) => reject(e.message);
      w.onmessage = (e) => {
        if (e.data.type === "ready") {
          startup = performance.now() - t0; t0 = performance.now();
          const ct = file.startsWith("households") ? "household" : "member";
          // The file's bytes move to the worker, as the page's do (web/casegate.js).
          w.postMessage({ type: "check", files: [{ name: file, data: new Uint8Array(buf) }],
            request: JSON.stringify({ spec: { case_type: ct, search_field: "external_id", create_new_cases: true }, case_type: ct }) }, [buf]);
        } else if (e.data.type === "result") { result = e.data; done = performance.now(); }
        else if (e.data.type === "idle") { result.memory = e.data.memory; resolve(result); w.terminate(); }
        else if (e.data.type === "error" || e.data.type === "crash") { reject(e.data.message); }
      };
    });
    // The time is until the answer; the memory once the worker is idle
    // again (hashed, rows read again for quick re-checks): its peak, as
    // wasm memory never shrinks.
    casegateMS = done - t0;
    rows = JSON.parse(res.plan).summary.rows;
    mem = res.memory || 0;
    console.log("worker phases", res.read_ms, res.check_ms, res.tables_ms, res.total_ms);
    phases = [res.read_ms, res.check_ms, res.tables_ms, res.total_ms];
  } else if (tool === "sheetjs") {
    const wb = XLSX.read(buf);
    rows = XLSX.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]], { header: 1 }).length - 1;
  } else if (tool === "sheetjs-tuned") {
    const wb = XLSX.read(buf, { dense: true, cellFormula: false, cellHTML: false, cellText: false, cellStyles: false });
    const s = wb.Sheets[wb.SheetNames[0]];
    rows = (s["!data"] ? s["!data"].length : XLSX.utils.decode_range(s["!ref"]).e.r + 1) - 1;
  } else if (tool === "papaparse") {
    rows = Papa.parse(new TextDecoder().decode(buf), { skipEmptyLines: true }).data.length - 1;
  } else if (tool === "excelize") {
    const res = await new Promise((resolve, reject) => {
      const w = new Worker("/lib/excelize.js");
      w.onerror = (e) => reject(e.message);
      w.onmessage = (e) => {
        if (e.data.type === "ready") { startup = performance.now() - t0; t0 = performance.now(); w.postMessage(new Uint8Array(buf)); }
        else if (e.data.type === "result") { resolve(e.data); w.terminate(); }
      };
    });
    if (typeof res.rows === "string") throw res.rows;
    rows = res.rows - 1; mem = res.memory;
  }
  const ms = casegateMS >= 0 ? casegateMS : performance.now() - t0;
  await new Promise((r) => setTimeout(r, 100));
  return { tool, file, ms, startup, rows, gap, heap: Math.max(0, heap() - h0), mem, phases };
}
requestAnimationFrame(tick);
</script>`

const excelizeWorker = `importScripts("/web/wasm_exec.js");
const go = new Go();
WebAssembly.instantiateStreaming(fetch("/lib/excelize.wasm"), go.importObject).then((r) => {
  go.run(r.instance);
  self.onmessage = (e) => {
    const rows = self.excelizeRead(e.data);
    self.postMessage({ type: "result", rows, memory: r.instance.exports.mem.buffer.byteLength });
  };
});`

type benchResult struct {
	Tool    string  `json:"tool"`
	File    string  `json:"file"`
	MS      float64 `json:"ms"`
	Startup float64 `json:"startup"`
	Rows    int     `json:"rows"`
	Gap     float64 `json:"gap"`
	Heap    float64 `json:"heap"`
	Mem     float64 `json:"mem"`
	// casegate page: the longest frame gap in the 2 s after the review
	// is on screen
	After float64 `json:"after,omitempty"`
	// casegate: the worker's own read, check and total times (ms)
	Phases []float64 `json:"phases,omitempty"`
}

// npmLibs installs the JavaScript contenders once into dir.
func npmLibs(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "xlsx", "dist", "xlsx.full.min.js")); err == nil {
		return
	}
	_ = os.MkdirAll(dir, 0o755)
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--prefix", dir, "xlsx@0.18.5", "papaparse@5.7.1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install: %v\n%s", err, out)
	}
}

func TestBrowserBench(t *testing.T) {
	sizes := []int{1000}
	if s := os.Getenv("CASEGATE_BENCH_ROWS"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	full := os.Getenv("CASEGATE_BENCH_ROWS") != ""
	cache := os.Getenv("CASEGATE_BENCH_DIR")
	if cache == "" {
		cache = filepath.Join(os.TempDir(), "casegate-bench")
	}
	npmLibs(t, cache)
	root := buildWeb(t)
	lib := filepath.Join(root, "lib")
	_ = os.MkdirAll(lib, 0o755)
	for _, f := range []string{"xlsx/dist/xlsx.full.min.js", "papaparse/papaparse.min.js"} {
		b, err := os.ReadFile(filepath.Join(cache, "node_modules", f))
		if err != nil {
			t.Fatal(err)
		}
		_ = os.WriteFile(filepath.Join(lib, filepath.Base(f)), b, 0o644)
	}
	tools := []string{"casegate", "sheetjs", "sheetjs-tuned", "papaparse"}
	if full {
		cmd := exec.Command("go", "build", "-ldflags=-s -w", "-o", filepath.Join(lib, "excelize.wasm"), "../shared/benchdata/excelizewasm")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build excelize wasm: %v\n%s", err, out)
		}
		_ = os.WriteFile(filepath.Join(lib, "excelize.js"), []byte(excelizeWorker), 0o644)
		tools = append(tools, "excelize")
	}
	// Profiling the page (or CASEGATE_BENCH_PAGE_ONLY): only its runs.
	pageOnly := os.Getenv("CASEGATE_PAGE_PROFILE") != "" || os.Getenv("CASEGATE_BENCH_PAGE_ONLY") != ""
	if pageOnly {
		tools = nil
	}
	// CASEGATE_BENCH_TOOLS=casegate,papaparse: only those contenders'
	// runs, no page runs and no report (a quick look at one change).
	only := os.Getenv("CASEGATE_BENCH_TOOLS")
	if only == "load" {
		tools = nil
	} else if only != "" {
		tools = strings.Split(only, ",")
	}
	files := filepath.Join(cache, "files")
	_ = os.MkdirAll(files, 0o755)
	mux := http.NewServeMux()
	mux.HandleFunc("/bench.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(benchPage))
	})
	mux.Handle("/web/", http.FileServer(http.Dir(root)))
	mux.Handle("/lib/", http.FileServer(http.Dir(root)))
	mux.Handle("/files/", http.StripPrefix("/files/", http.FileServer(http.Dir(files))))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	browserTimeout = 30 * time.Minute
	defer func() { browserTimeout = 3 * time.Minute }()
	ctx, cancel := browser(t, chromedp.Flag("enable-precise-memory-info", true), chromedp.Flag("js-flags", "--expose-gc"))
	defer cancel()
	var results []benchResult
	for _, n := range sizes {
		for _, kind := range []string{"xlsx", "csv", "cp1252.csv"} {
			p, err := benchfile.File(files, n, kind)
			if err != nil {
				t.Fatal(err)
			}
			for _, tool := range tools {
				if (tool == "papaparse") != strings.HasSuffix(kind, "csv") && tool != "casegate" {
					continue
				}
				if (tool == "sheetjs" || tool == "sheetjs-tuned" || tool == "excelize") && kind != "xlsx" {
					continue
				}
				if tool == "papaparse" && kind != "csv" {
					continue
				}
				var runs []benchResult
				for range repeats(n, tool) {
					// A fresh page per run, so one's memory does not count against another.
					if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/bench.html")); err != nil {
						t.Fatal(err)
					}
					r, err := chromedp.Run(ctx, chromedp.Evaluate[benchResult](fmt.Sprintf(`run(%q, %q)`, tool, filepath.Base(p)),
						chromedp.EvalAwaitPromise))
					if err != nil {
						t.Fatalf("%s on %s: %v", tool, filepath.Base(p), err)
					}
					if r.Rows != n {
						t.Errorf("%s on %s: %d rows, want %d", tool, filepath.Base(p), r.Rows, n)
					}
					t.Logf("%-14s %-22s %9.0f ms (+%4.0f ms start)  gap %6.0f ms  heap %6.1f MB  wasm %6.1f MB  worker phases %v", tool, filepath.Base(p), r.MS, r.Startup, r.Gap, r.Heap/1e6, r.Mem/1e6, r.Phases)
					runs = append(runs, r)
				}
				results = append(results, median(runs))
			}
		}
	}
	if only != "" {
		if strings.Contains(only, "load") { // CASEGATE_BENCH_TOOLS=load: the page load alone
			pageLoad(t, ctx, root)
		}
		return
	}
	results = append(results, pageRuns(t, ctx, root, files, sizes)...)
	if pageOnly {
		return
	}
	load := pageLoad(t, ctx, root)
	if out := os.Getenv("CASEGATE_BENCH_OUT"); out != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		_ = os.WriteFile(strings.TrimSuffix(out, ".md")+".json", b, 0o644)
		native, _ := os.ReadFile(os.Getenv("CASEGATE_BENCH_NATIVE"))
		if err := os.WriteFile(out, []byte(benchReport(results, load, string(native), root)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// pageRuns times the product itself: the signed-in import page of a real
// server, a file set in its file input, Check pressed, until the review is
// on screen (the worker's read and check, the answer decoded and rendered
// on the page's thread), with the page's own longest frame gap.
func pageRuns(t *testing.T, ctx context.Context, root, files string, sizes []int) []benchResult {
	base, pw, _, _ := demoServer(t, root)
	signIn(t, ctx, base, pw)
	var out []benchResult
	for _, n := range sizes {
		for _, run := range []struct{ kind, tool string }{{"xlsx", "casegate page"}, {"xlsx", "casegate page at once"}, {"csv", "casegate page"}, {"csv", "casegate page at once"}} {
			var runs []benchResult
			for range repeats(n, run.tool) {
				kind := run.kind
				p, err := benchfile.File(files, n, kind)
				if err != nil {
					t.Fatal(err)
				}
				// No working import to restore: each run starts clean.
				js[bool](t, ctx, `(localStorage.removeItem('casegate.work.demo'), true)`)
				open(t, ctx, base+"/import")
				waitJS(t, ctx, "the import page", `document.getElementById('index-state').textContent.includes('existing cases (as of') && !document.getElementById('check-btn').disabled`)
				// The page may still re-render as it settles: a node it replaced
				// is looked up again.
				for try := 0; ; try++ {
					err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-input"), []string{p}))
					if err == nil && js[bool](t, ctx, `document.getElementById('file-input').files.length === 1`) {
						break
					}
					if try == 5 {
						t.Fatalf("setting the file: %v", err)
					}
					time.Sleep(200 * time.Millisecond)
				}
				// As a person does, the case type chosen and Check pressed once
				// the page has made the worker ready for the file ("casegate
				// page"), or Check pressed with the file's choice ("at once").
				if run.tool == "casegate page" {
					waitJS(t, ctx, "the worker ready for the file", `window.casegateLog.includes('worker: prepared')`)
				}
				// CASEGATE_PAGE_PROFILE=DIR writes the page thread's CPU profile
				// of each run there (open it in Chrome's DevTools).
				prof := os.Getenv("CASEGATE_PAGE_PROFILE")
				if prof != "" {
					if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
						if _, err := chromedp.Call(ctx, profiler.Enable, cdp.Empty{}); err != nil {
							return err
						}
						if _, err := chromedp.Call(ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 500}); err != nil {
							return err
						}
						_, err := chromedp.Call(ctx, profiler.Start, cdp.Empty{})
						return err
					})); err != nil {
						t.Fatal(err)
					}
				}
				js[bool](t, ctx, `(() => {
					window.__gap = 0; window.__after = -1; window.__done = false; let last = performance.now();
					const tick = () => { const now = performance.now();
						if (window.__after < 0) window.__gap = Math.max(window.__gap, now - last); else window.__after = Math.max(window.__after, now - last);
						last = now; if (!window.__done) requestAnimationFrame(tick); };
					requestAnimationFrame(tick);
					window.__t0 = performance.now();
					document.getElementById('check-btn').click();
					return true })()`)
				if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.getElementById('summary') || !!document.getElementById('error')`,
					chromedp.WithPollingTimeout(5*time.Minute), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
					t.Fatalf("the page on %s: %v", filepath.Base(p), err)
				}
				r := js[[]float64](t, ctx, `(window.__after = 0, [performance.now() - window.__t0, window.__gap, performance.memory ? performance.memory.usedJSHeapSize : 0])`)
				// The page settling after: its longest frame in the next 2 s
				// (the collector resuming, the grid's first scroll handlers).
				time.Sleep(2 * time.Second)
				after := js[float64](t, ctx, `(window.__done = true, window.__after)`)
				if prof != "" {
					var pr profiler.StopResult
					if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
						pr, err = chromedp.Call(ctx, profiler.Stop, cdp.Empty{})
						return err
					})); err != nil {
						t.Fatal(err)
					}
					b, _ := json.Marshal(pr.Profile)
					_ = os.WriteFile(filepath.Join(prof, strings.ReplaceAll(run.tool, " ", "-")+"-"+filepath.Base(p)+".cpuprofile"), b, 0o644)
				}
				if msg := js[string](t, ctx, `document.getElementById('error') ? document.getElementById('error').textContent : ''`); msg != "" {
					t.Fatalf("the page on %s: %s", filepath.Base(p), msg)
				}
				all := js[string](t, ctx, `document.querySelector('#summary .filter').textContent`)
				res := benchResult{Tool: run.tool, File: filepath.Base(p), MS: r[0], Gap: r[1], Heap: r[2], After: after}
				if all == fmt.Sprintf("All %s", thousandsSep(n)) {
					res.Rows = n
				} else {
					t.Errorf("the page on %s says %q", filepath.Base(p), all)
				}
				t.Logf("%-14s %-22s %9.0f ms  gap %6.0f ms  heap %6.1f MB  gap in the 2 s after %6.0f ms", res.Tool, res.File, res.MS, res.Gap, res.Heap/1e6, res.After)
				runs = append(runs, res)
			}
			out = append(out, median(runs))
		}
	}
	return out
}

// repeats is how many times a contender runs on a file of n rows: at 100k
// rows the host's noise (±30% from one run to the next) is as large as
// the differences measured, so each contender but excelize (30 s a run,
// its ratio no target) runs three times and the median run is reported.
func repeats(n int, tool string) int {
	if n >= 100000 && tool != "excelize" {
		return 3
	}
	return 1
}

// median is the run of median time, whole (its memory and frames with it).
func median(runs []benchResult) benchResult {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b benchResult) int { return cmp.Compare(a.MS, b.MS) })
	return sorted[len(sorted)/2]
}

func thousandsSep(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
