package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"casegate/app/ui"
)

// webApp serves the go-app pages (pre-rendered; the same routes as the
// browser) and the static files under root/web. go-app's handler does not
// compress: wasm and scripts are served from their precompressed .br or .gz
// twins when the browser takes them.
func webApp(root string) http.Handler {
	ui.Register()
	h := ui.Handler(buildVersion(root))
	h.Resources = webResources{http.FileServer(http.Dir(root))}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/web/") && serveCompressed(w, r, root) {
			return
		}
		if path.Ext(r.URL.Path) == "" { // a page: its app's wasm starts downloading with it
			w.Header().Add("Link", appWasmPreload)
		}
		if r.URL.Path == "/app.js" || r.URL.Path == "/goapp.js" {
			serveAppJS(w, r, h)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// serveAppJS serves go-app's app.js with its service worker registered
// once the app's wasm runs, not as the page starts: on a first visit the
// worker's install fetches every cacheable file (the reader worker's 2 MB
// among them), which shared the link with the app's own wasm and held the
// page's start back. The page works offline from the same install, a
// moment later.
func serveAppJS(w http.ResponseWriter, r *http.Request, h http.Handler) {
	var b bufferedResponse
	b.header = http.Header{}
	h.ServeHTTP(&b, r)
	body := b.body.Bytes()
	if b.code == 0 || b.code == http.StatusOK {
		body = registerAfterRun(body)
	}
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(max(b.code, http.StatusOK))
	_, _ = w.Write(body)
}

// The lines of go-app's app.js (v10) registerAfterRun moves: one call as
// the script starts, and the app's start.
const (
	swAtStart = "\ngoappInitServiceWorker();\n"
	appRun    = "go.run(wasm.instance);"
)

// registerAfterRun moves app.js's service worker registration after the
// app's start, or leaves the script as it is when its lines are not
// go-app's (TestAppJSRegistersAfterRun notices).
func registerAfterRun(js []byte) []byte {
	if bytes.Count(js, []byte(swAtStart)) != 1 || bytes.Count(js, []byte(appRun)) != 1 {
		return js
	}
	js = bytes.Replace(js, []byte(swAtStart), []byte("\n"), 1)
	return bytes.Replace(js, []byte(appRun), []byte(appRun+" goappInitServiceWorker(); // casegate: after the app's wasm is fetched"), 1)
}

// bufferedResponse holds a handler's answer.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(code int)        { b.code = code }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }

// appWasmPreload has the browser fetch the app's wasm as it receives a
// page, rather than once app.js has run and the service worker's install
// has started fetching too (interactive at 20 Mbit/s: 1.99–2.17 s against
// 2.25–2.43 s without). go-app's app.js fetches it with a plain fetch (a
// "cors" request with same-origin credentials), which only
// crossorigin=anonymous matches: use-credentials fetched it twice.
const appWasmPreload = "</web/app.wasm>; rel=preload; as=fetch; crossorigin=anonymous"

// buildVersion names the build after the app's wasm, so browsers update
// when it changes and not otherwise.
func buildVersion(root string) string {
	b, err := os.ReadFile(filepath.Join(root, "web", "app.wasm"))
	if err != nil {
		return "dev"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func serveCompressed(w http.ResponseWriter, r *http.Request, root string) bool {
	rel := path.Clean(strings.TrimPrefix(r.URL.Path, "/"))
	if strings.Contains(rel, "..") {
		return false
	}
	file := filepath.Join(root, filepath.FromSlash(rel))
	ae := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !strings.Contains(ae, enc.name) {
			continue
		}
		if _, err := os.Stat(file + enc.ext); err != nil {
			continue
		}
		ct := mime.TypeByExtension(path.Ext(rel))
		if path.Ext(rel) == ".wasm" {
			ct = "application/wasm"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Encoding", enc.name)
		w.Header().Set("Vary", "Accept-Encoding")
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFile(w, r, file+enc.ext)
		return true
	}
	if _, err := os.Stat(file); err == nil {
		w.Header().Set("Vary", "Accept-Encoding")
	}
	return false
}

// webResources serves root/web at /web/ and leaves the URLs as they are
// (app.LocalDir writes the folder into them, which breaks any root but ".").
type webResources struct{ http.Handler }

func (webResources) Resolve(location string) string { return location }
