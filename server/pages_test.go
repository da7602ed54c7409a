package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestServeCompressed: wasm and scripts go out as their precompressed twin
// the browser takes (brotli first, then gzip), with the right type and
// Vary; a browser taking neither, or a file without twins, gets the file.
func TestServeCompressed(t *testing.T) {
	root := t.TempDir()
	web := filepath.Join(root, "web")
	for name, body := range map[string]string{"app.wasm": "raw", "app.wasm.br": "brotli", "app.wasm.gz": "gzip", "x.js": "js", "x.js.gz": "js-gzip"} {
		if err := os.MkdirAll(web, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(web, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ path, accept, body, encoding, ctype string }{
		{"/web/app.wasm", "gzip, deflate, br", "brotli", "br", "application/wasm"},
		{"/web/app.wasm", "gzip", "gzip", "gzip", "application/wasm"},
		{"/web/app.wasm", "", "raw", "", "application/wasm"},
		{"/web/x.js", "br, gzip", "js-gzip", "gzip", "text/javascript; charset=utf-8"},
	} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Encoding", c.accept)
		}
		rec := httptest.NewRecorder()
		webApp(root).ServeHTTP(rec, req)
		h := rec.Header()
		if rec.Code != http.StatusOK || rec.Body.String() != c.body || h.Get("Content-Encoding") != c.encoding || h.Get("Vary") != "Accept-Encoding" || h.Get("Content-Type") != c.ctype {
			t.Errorf("%s with %q: %d %q, encoding %q, vary %q, type %q; want %q %q %q", c.path, c.accept, rec.Code, rec.Body.String(),
				h.Get("Content-Encoding"), h.Get("Vary"), h.Get("Content-Type"), c.body, c.encoding, c.ctype)
		}
	}
}

// TestAppWasmPreload: a page tells the browser to fetch the app's wasm as
// it arrives (matching go-app's own fetch of it, so it is fetched once);
// other files do not.
func TestAppWasmPreload(t *testing.T) {
	root := t.TempDir()
	for _, c := range []struct {
		path    string
		preload bool
	}{{"/login", true}, {"/", true}, {"/import", true}, {"/app.js", false}, {"/manifest.webmanifest", false}} {
		rec := httptest.NewRecorder()
		webApp(root).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		link := rec.Header().Get("Link")
		if got := strings.Contains(link, "</web/app.wasm>; rel=preload; as=fetch; crossorigin=anonymous"); got != c.preload {
			t.Errorf("%s: Link %q; preload wanted: %v", c.path, link, c.preload)
		}
	}
}

// TestAppJSRegistersAfterRun: go-app's app.js is served with its service
// worker registered once, after the app's wasm runs (a go-app whose app.js
// changed would be served unchanged: this notices).
func TestAppJSRegistersAfterRun(t *testing.T) {
	rec := httptest.NewRecorder()
	webApp(t.TempDir()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app.js", nil))
	js := rec.Body.String()
	run, reg := strings.Index(js, "go.run(wasm.instance);"), strings.Index(js, "goappInitServiceWorker();")
	if rec.Code != http.StatusOK || strings.Count(js, "goappInitServiceWorker();") != 1 || run < 0 || reg < run {
		t.Fatalf("%d: the registration at %d, the app's start at %d, %d registrations", rec.Code, reg, run, strings.Count(js, "goappInitServiceWorker();"))
	}
	if rec.Header().Get("Content-Length") != strconv.Itoa(len(js)) || !strings.Contains(rec.Header().Get("Content-Type"), "javascript") {
		t.Errorf("headers %v", rec.Header())
	}
}
