package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// buildWeb builds the two wasm programs into a fresh root/web beside copies
// of the static files, as `make build` does.
func buildWeb(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	web := filepath.Join(root, "web")
	if err := os.MkdirAll(web, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../web/*")
	for _, f := range files {
		switch filepath.Ext(f) {
		case ".js", ".css", ".png", ".svg":
			if filepath.Base(f) == "wasm_exec.js" {
				continue
			}
			b, _ := os.ReadFile(f)
			_ = os.WriteFile(filepath.Join(web, filepath.Base(f)), b, 0o644)
		}
	}
	goroot, _ := exec.Command("go", "env", "GOROOT").Output()
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(web, "wasm_exec.js"), b, 0o644)
	for pkg, out := range map[string]string{"../app": "app.wasm", "../app/worker": "worker.wasm"} {
		args := []string{"build", "-trimpath", "-ldflags=-s -w"}
		if os.Getenv("CASEGATE_PAGE_PROFILE") != "" { // names kept, for the profile
			args = []string{"build", "-trimpath"}
		}
		if out == "app.wasm" { // as the Makefile builds it: no inlining is 95 KB smaller compressed
			args = append(args, "-gcflags=all=-l")
		}
		cmd := exec.Command("go", append(args, "-o", filepath.Join(web, out), pkg)...)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOWASM=satconv,signext") // as the Makefile builds them
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", pkg, err, o)
		}
	}
	return root
}

func browser(t *testing.T, extra ...chromedp.ExecAllocatorOption) (context.Context, context.CancelFunc) {
	t.Helper()
	path, err := exec.LookPath("chromium") // Debian's package
	if err != nil {
		if os.Getenv("CASEGATE_CI") != "" {
			t.Fatal("chromium is not installed (.ci/run installs it)")
		}
		t.Skip("chromium is not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000))
	opts = append(opts, extra...)
	actx, cancel1 := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel2 := chromedp.NewContext(actx)
	ctx, cancel3 := context.WithTimeout(ctx, browserTimeout)
	return ctx, func() { cancel3(); cancel2(); cancel1() }
}

// browserTimeout bounds a browser's whole life: a test's few minutes; the
// benchmark sets its own (it ran past 3 minutes on a slow host).
var browserTimeout = 3 * time.Minute

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := os.Getenv("CASEGATE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	_ = os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
}

// js evaluates an expression and returns its value.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		shot(t, ctx, "failed-"+regexp.MustCompile(`\W+`).ReplaceAllString(what, "-"))
		status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + ' | ' + JSON.stringify(window.casegateLog || []) + ' | ' + document.body.innerText.slice(0, 2000)`))
		t.Fatalf("waiting for %s: %v (page says: %s)", what, err, status)
	}
}

// signIn signs the demo admin in with the form and waits for the home page.
func signIn(t *testing.T, ctx context.Context, base, pw string) {
	t.Helper()
	open(t, ctx, base+"/login")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("login-email")),
		chromedp.SendKeys(chromedp.ID("login-email"), "admin@demo.example"), chromedp.SendKeys(chromedp.ID("login-password"), pw),
		chromedp.Click(chromedp.ID("login-btn"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "home", `!!document.getElementById('start-import')`)
}

// open loads a page and waits until the app's wasm runs.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	waitJS(t, ctx, "the app to start", `!document.getElementById('app-wasm-loader')`)
}

// demoServer runs the real server on a free port with a fresh database and
// the web app built into root; it returns its URL, the demo password, a
// stop func, and a channel that gets Run's result.
func demoServer(t *testing.T, root string) (base, password string, stop context.CancelFunc, done chan error) {
	t.Helper()
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.Addr, cfg.DB, cfg.Examples, cfg.Root = "127.0.0.1:0", filepath.Join(dir, "c.db"), filepath.Join(dir, "examples"), root
	sctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	var out bytes.Buffer
	ready := make(chan string, 1)
	done = make(chan error, 1)
	go func() {
		done <- Run(sctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), &out, func(a string) { ready <- a })
	}()
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("server: %v", err)
	}
	return base, regexp.MustCompile(`password\s+(\S+)`).FindStringSubmatch(out.String())[1], stop, done
}

// TestBrowser_ImportFlow drives the page as a person would: sign in, drop
// households and members, see each problem in its cell, fix a date in the
// grid, pick an ambiguous parent, commit, find the import in the history,
// undo it, and, with the server stopped, check a file offline.
func TestBrowser_ImportFlow(t *testing.T) {
	ctx, cancel := browser(t)
	defer cancel()
	base, pw, stop, done := demoServer(t, buildWeb(t))
	dir := t.TempDir()

	files := filepath.Join(dir, "upload")
	_ = os.MkdirAll(files, 0o755)
	hh := filepath.Join(files, "households.csv")
	mm := filepath.Join(files, "members.csv")
	_ = os.WriteFile(hh, []byte("external_id,name,village,address\nHH-9001,Atieno household,Kisumu,\"1 Main St, Denver, CO, 90210, US\"\nHH-9002,Baraka household,Nakuru,\"12 Moi Ave, Nairobi, , 00100, KE\"\n"), 0o644)
	_ = os.WriteFile(mm, []byte("external_id,name,parent_external_id,parent_type,dob,sex\nM-9001,Akinyi,HH-9002,household,2001-13-01,female\nM-9002,Omondi,HH-0007,household,1999-05-05,male\nM-9003,Wafula,HH-9001,household,1998-04-04,male\nM-9004,Njeri,HH-7777,household,2000-01-01,female\n"), 0o644)

	signIn(t, ctx, base, pw)
	shot(t, ctx, "1-home")
	open(t, ctx, base+"/import")
	waitJS(t, ctx, "case types and the case index", `document.querySelectorAll('#case-type option').length >= 4 && document.getElementById('index-state').textContent.includes('existing cases (as of') && !document.getElementById('check-btn').disabled`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-input"), []string{hh, mm}), chromedp.Click(chromedp.ID("check-btn"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the review", `!!document.getElementById('summary')`)
	shot(t, ctx, "2-review")
	// Each problem is in its cell, with the reason.
	dob := js[string](t, ctx, `(document.querySelector('td.bad[data-col="dob"]')||{}).title || ''`)
	if !strings.Contains(dob, "not a real date") {
		t.Errorf("bad date cell: %q", dob)
	}
	addrReason := js[string](t, ctx, `(document.querySelector('td.bad[data-col="address"]')||{}).title || ''`)
	if !strings.Contains(addrReason, "California") {
		t.Errorf("bad address cell: %q", addrReason)
	}
	// HH-0007 is two households, and the offer of a new one; HH-7777 is
	// nobody, so only the offer.
	if n := js[int](t, ctx, `document.querySelectorAll('#parent-picker li[data-key="HH-0007"] .pick-all').length`); n != 3 {
		t.Errorf("parent picker candidates for HH-0007: %d, want 3", n)
	}
	if b := js[string](t, ctx, `Array.from(document.querySelectorAll('#parent-picker li[data-key="HH-7777"] .pick-all')).map(b => b.textContent).join('|')`); b != "Create for every row with HH-7777" {
		t.Errorf("parent picker for the missing HH-7777: %q", b)
	}
	// The mapping (opened) shows every column; the address problem offers its fix.
	js[bool](t, ctx, `(document.querySelector('#mapping summary').click(), true)`)
	waitJS(t, ctx, "the mapping opened", `document.querySelectorAll('#mapping select[data-column]').length > 0`)
	if n := js[int](t, ctx, `document.querySelectorAll('#mapping select[data-column]').length`); n != 10 {
		t.Errorf("mapping selects: %d, want 10", n)
	}
	if v := js[string](t, ctx, `document.querySelector('#mapping select[data-column="dob"]').value`); v != "field:dob" {
		t.Errorf("dob maps to %q", v)
	}
	if fix := js[string](t, ctx, `(document.querySelector('button.fix')||{}).textContent || ''`); !strings.Contains(fix, "CA, 90210") {
		t.Errorf("address fix button: %q", fix)
	}
	if !js[bool](t, ctx, `!!document.getElementById('errors-btn')`) {
		t.Error("no error file download")
	} else {
		js[bool](t, ctx, `(document.getElementById('errors-btn').click(), true)`)
		waitJS(t, ctx, "the error file", `document.getElementById('status').textContent.includes('error file was downloaded')`)
		// The marked workbook comes from the server, with the tables as the page has them.
		js[bool](t, ctx, `(document.getElementById('workbook-btn').click(), true)`)
		waitJS(t, ctx, "the error workbook", `document.getElementById('status').textContent.includes('bad cells marked was downloaded')`)
	}
	// Ignoring a column re-checks at once.
	js[bool](t, ctx, `(() => { const s = document.querySelector('#mapping select[data-column="village"]'); s.value = 'ignore'; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	waitJS(t, ctx, "the village column ignored", `document.querySelector('#mapping select[data-column="village"]').value === 'ignore' && !document.querySelector('#check-btn').disabled`)
	// Fix the date in the grid.
	js[bool](t, ctx, `document.querySelector('td.bad[data-col="dob"]').dispatchEvent(new MouseEvent('dblclick', {bubbles: true}))`)
	waitJS(t, ctx, "the cell editor", `!!document.querySelector('#grid input')`)
	js[bool](t, ctx, `(() => { const i = document.querySelector('#grid input'); i.value = '2001-12-01'; i.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	waitJS(t, ctx, "the date fixed", `!document.querySelector('td.bad[data-col="dob"]') && !!document.getElementById('summary')`)
	// A reload loses nothing: the files as read, the mapping and the edit
	// come back from the browser's storage and are checked again.
	open(t, ctx, base+"/import")
	waitJS(t, ctx, "the work restored", `!!document.getElementById('summary') && document.getElementById('status').textContent.includes('as you left it')`)
	if js[bool](t, ctx, `!!document.querySelector('td.bad[data-col="dob"]')`) {
		t.Error("after a reload the fixed date is bad again")
	}
	js[bool](t, ctx, `(document.querySelector('#mapping summary').click(), true)`)
	waitJS(t, ctx, "the mapping opened", `document.querySelectorAll('#mapping select[data-column]').length > 0`)
	if v := js[string](t, ctx, `document.querySelector('#mapping select[data-column="village"]').value`); v != "ignore" {
		t.Errorf("after a reload the village column maps to %q, want ignore", v)
	}
	// A new household for HH-7777, then an existing one for every row with HH-0007.
	js[bool](t, ctx, `(document.querySelector('#parent-picker li[data-key="HH-7777"] .pick-all').click(), true)`)
	waitJS(t, ctx, "the new parent chosen", `!document.querySelector('#parent-picker li[data-key="HH-7777"]') && !!document.querySelector('#parent-picker li[data-key="HH-0007"]')`)
	js[bool](t, ctx, `(document.querySelector('#parent-picker .pick-all').click(), true)`)
	waitJS(t, ctx, "the parent chosen", `!document.getElementById('parent-picker')`)
	label := js[string](t, ctx, `document.getElementById('commit-btn').textContent`)
	// HH-9001 (bad address) and its child M-9003 are skipped; 4 rows and
	// the new HH-7777 commit.
	if label != "Commit 4 cases and 1 new parent; 2 rows will be skipped" {
		t.Errorf("commit button: %q", label)
	}
	shot(t, ctx, "3-fixed")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("commit-btn"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the commit", `!!document.getElementById('commit-result')`)
	status := js[string](t, ctx, `document.getElementById('status').textContent`)
	if !strings.Contains(status, "5 created") {
		t.Errorf("status after commit: %q", status)
	}
	shot(t, ctx, "4-committed")
	open(t, ctx, base+"/history")
	waitJS(t, ctx, "the history", `!!document.querySelector('#history .undo-btn')`)
	// The import's detail lists every row with its result.
	js[bool](t, ctx, `(document.querySelector('#history .detail-btn').click(), true)`)
	waitJS(t, ctx, "the import detail", `!!document.getElementById('import-detail')`)
	if n := js[int](t, ctx, `document.querySelectorAll('#import-detail tbody tr').length`); n != 6 {
		t.Errorf("import detail rows: %d, want 6", n)
	}
	if href := js[string](t, ctx, `document.querySelector('#import-detail a[href$="errors.xlsx"]').getAttribute('href')`); !strings.HasSuffix(href, "/errors.xlsx") {
		t.Errorf("error workbook link: %q", href)
	}
	js[bool](t, ctx, `(document.querySelector('#history .undo-btn').click(), true)`)
	waitJS(t, ctx, "the undo confirmation", `!!document.getElementById('undo-btn')`)
	confirm := js[string](t, ctx, `document.getElementById('undo-confirm').textContent`)
	if !strings.Contains(confirm, "removes 5 cases") {
		t.Errorf("undo confirmation: %q", confirm)
	}
	shot(t, ctx, "5-undo")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("undo-btn"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the undo", `document.getElementById('status').textContent.includes('undone')`)
	// Offline: the server stops; the page, its worker and the case index
	// come from the browser's caches and still check a file.
	stop()
	<-done
	open(t, ctx, base+"/")
	js[bool](t, ctx, `(document.querySelector('header a[href="/import"]').click(), true)`)
	waitJS(t, ctx, "the offline page", `!!document.getElementById('file-input') && document.getElementById('index-state').textContent.includes('existing cases (as of') && !document.getElementById('check-btn').disabled`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-input"), []string{mm}), chromedp.Click(chromedp.ID("check-btn"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the offline check", `!!document.getElementById('summary')`)
	shot(t, ctx, "6-offline")
	if n := js[int](t, ctx, `document.querySelectorAll('#grid tr[data-row]').length`); n != 4 {
		t.Errorf("offline grid rows: %d, want 4", n)
	}
	// Offline, the cached case index still finds HH-0007 twice.
	if n := js[int](t, ctx, `document.querySelectorAll('#parent-picker li[data-key="HH-0007"] .pick-all').length`); n != 3 {
		t.Errorf("offline parent candidates: %d, want 3 (two households and a new one)", n)
	}
}

// tabTo presses Tab until the element with id has focus (at most 60 times):
// the page must be reachable in order with the keyboard alone.
func tabTo(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	for i := 0; i < 60; i++ {
		if js[bool](t, ctx, `document.activeElement && document.activeElement.id === `+strconvQuote(id)) {
			return
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("Tab never reached #%s (focus is on %s)", id, js[string](t, ctx, `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : 'nothing'`))
}

func strconvQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }

// TestBrowser_Keyboard does the flow with the keyboard alone: sign in, check
// a file, open a bad cell with Enter, fix it, and commit. (Choosing the file
// itself is the browser's own dialog; the test sets it as the dialog would.)
func TestBrowser_Keyboard(t *testing.T) {
	ctx, cancel := browser(t)
	defer cancel()
	base, pw, _, _ := demoServer(t, buildWeb(t))
	dir := t.TempDir()
	file := filepath.Join(dir, "households.csv")
	_ = os.WriteFile(file, []byte("external_id,name,village,date_registered,address\nHH-7001,Keyboard household,Meru,2024-02-30,\"1 Main St, Denver, CO, 90210, US\"\n"), 0o644)

	open(t, ctx, base+"/login")
	tabTo(t, ctx, "login-email")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("admin@demo.example")); err != nil {
		t.Fatal(err)
	}
	tabTo(t, ctx, "login-password")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(pw+kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "home", `!!document.getElementById('start-import')`)
	tabTo(t, ctx, "start-import")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the import page", `!!document.getElementById('file-input') && !document.getElementById('check-btn').disabled`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-input"), []string{file})); err != nil {
		t.Fatal(err)
	}
	// The reader worker starts as the file is chosen, before Check, and is
	// told to prepare for it.
	waitJS(t, ctx, "the worker started by the file's choice", `(window.casegateLog || []).includes("worker: ready")`)
	if log := js[string](t, ctx, `(window.casegateLog || []).join("|")`); !strings.Contains(log, "post: prepare") {
		t.Errorf("the page did not ask the worker to prepare: %s", log)
	}
	tabTo(t, ctx, "check-btn")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the review", `!!document.querySelector('td.bad[data-col="date_registered"]')`)
	if s := js[string](t, ctx, `document.getElementById('status').textContent`); !strings.Contains(s, "1 with errors") {
		t.Errorf("the live region says %q", s)
	}
	// The bad cell is focusable; Enter opens its editor.
	js[bool](t, ctx, `(document.querySelector('td.bad[data-col="date_registered"]').focus(), true)`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the editor", `!!document.querySelector('#grid input')`)
	js[bool](t, ctx, `(document.querySelector('#grid input').focus(), document.querySelector('#grid input').select(), true)`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("2024-02-28"+kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the date fixed", `!document.querySelector('#grid input') && !document.querySelector('td.bad[data-col="date_registered"]') && !!document.querySelector('button.fix')`)
	// The grid was redrawn with the new verdict; the keyboard focus stayed on the edited cell.
	if id := js[string](t, ctx, `document.activeElement ? document.activeElement.id : ''`); !strings.HasPrefix(id, "cell-") {
		t.Errorf("after the re-check the focus is on %q, not the edited cell", id)
	}
	// The address's suggested fix, from the keyboard: focus the button, Enter.
	js[bool](t, ctx, `(document.querySelector('button.fix').focus(), true)`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the fix", `!document.querySelector('td.bad') && !document.getElementById('commit-btn').disabled`)
	if v := js[string](t, ctx, `document.querySelector('td[data-col="address"]').textContent`); v != "1 Main St, Denver, CA, 90210, US" {
		t.Errorf("the address after its fix: %q", v)
	}
	tabTo(t, ctx, "commit-btn")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the commit", `document.getElementById('status').textContent.includes('1 created')`)
}

// TestBrowser_ReadingSettings: a Windows-1252 file from Excel is read as
// such and previewed; changing the delimiter or the encoding reads it again
// at once, and the preview shows what the setting did.
func TestBrowser_ReadingSettings(t *testing.T) {
	ctx, cancel := browser(t)
	defer cancel()
	base, pw, _, _ := demoServer(t, buildWeb(t))
	file := filepath.Join(t.TempDir(), "households.csv")
	// "Kraków" and "São Tomé" in Windows-1252, as Excel's "CSV" saves them.
	_ = os.WriteFile(file, []byte("external_id;name;village\r\nHH-8001;Nowak household;Krak\xf3w\r\nHH-8002;Silva household;S\xe3o Tom\xe9\r\n"), 0o644)
	signIn(t, ctx, base, pw)
	open(t, ctx, base+"/import")
	waitJS(t, ctx, "the import page", `document.getElementById('index-state').textContent.includes('existing cases (as of') && !document.getElementById('check-btn').disabled`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-input"), []string{file}), chromedp.Click(chromedp.ID("check-btn"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the preview", `!!document.querySelector('#preview table')`)
	shot(t, ctx, "7-preview")
	cap := js[string](t, ctx, `document.querySelector('#preview caption').textContent`)
	if !strings.Contains(cap, "windows-1252") || !strings.Contains(cap, "semicolon") {
		t.Errorf("preview caption %q: want the detected encoding and delimiter", cap)
	}
	if txt := js[string](t, ctx, `document.getElementById('preview').textContent`); !strings.Contains(txt, "Kraków") || !strings.Contains(txt, "São Tomé") {
		t.Errorf("preview %q: the Windows-1252 letters are wrong", txt)
	}
	// A comma as the delimiter: the whole line is one column, at once.
	js[bool](t, ctx, `(() => { const s = document.getElementById('delimiter'); s.value = ','; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	waitJS(t, ctx, "the preview with commas", `!!document.querySelector('#preview table') && document.querySelectorAll('#preview th').length === 1`)
	// Read as UTF-8, the file is refused with the reason and a way out.
	js[bool](t, ctx, `(() => { const s = document.getElementById('delimiter'); s.value = ''; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	waitJS(t, ctx, "the preview back to three columns", `!!document.querySelector('#preview table') && document.querySelectorAll('#preview th').length === 3`)
	js[bool](t, ctx, `(() => { const s = document.getElementById('encoding'); s.value = 'utf-8'; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	waitJS(t, ctx, "the encoding error", `!!document.getElementById('error') && document.getElementById('error').textContent.includes('not valid UTF-8')`)
	shot(t, ctx, "8-encoding")

	// A file dropped on the page, not on the input, is the file chosen: the
	// page allows the drop, the input holds the file, the worker prepares,
	// and Check reads it.
	js[bool](t, ctx, `(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["external_id,name,village\nHH-8101,Dropped household,Meru\n"], "dropped.csv", { type: "text/csv" }));
		const at = document.querySelector('h1');
		const over = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
		at.dispatchEvent(over);
		window.__dropAllowed = over.defaultPrevented && document.body.classList.contains('dropping');
		const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
		at.dispatchEvent(drop);
		window.__dropTaken = drop.defaultPrevented && !document.body.classList.contains('dropping');
		return true })()`)
	if !js[bool](t, ctx, `window.__dropAllowed && window.__dropTaken`) {
		t.Error("the page did not take the dropped file")
	}
	if n := js[string](t, ctx, `Array.from(document.getElementById('file-input').files, (f) => f.name).join()`); n != "dropped.csv" {
		t.Fatalf("after the drop the file input holds %q", n)
	}
	waitJS(t, ctx, "the worker told of the dropped file", `window.casegateLog.includes('post: prepare') || window.casegateLog.includes('post: prepare (queued)')`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("check-btn"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the dropped file checked", `!!document.getElementById('summary') && document.getElementById('grid').textContent.includes('Dropped household')`)
}
