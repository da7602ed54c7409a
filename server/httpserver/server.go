// Package httpserver is casegate's HTTP layer: the native JSON API under
// /a/{domain}/api/, the CommCare-compatible bulk upload API, auth, limits,
// and the web app's pages. Handlers return errors; one function per API
// renders them.
package httpserver

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"casegate/server/importer"
	"casegate/server/store"
)

// Config holds the server's limits.
type Config struct {
	MaxBodyBytes   int64 // upload and JSON body cap
	MaxParses      int   // file parses at once; more get 503 + Retry-After
	PublicURL      string
	LoginPerMinute int // failed logins per email per minute before 429
}

// DefaultConfig returns the defaults from RELIABILITY.md §3.
func DefaultConfig() Config {
	return Config{MaxBodyBytes: 64 << 20, MaxParses: 2, LoginPerMinute: 10}
}

// Server serves casegate over HTTP.
type Server struct {
	Config   Config
	Store    *store.Store
	Importer *importer.Importer
	Log      *slog.Logger
	Pages    http.Handler // the web app (go-app handler); nil serves a placeholder

	parses   chan struct{}
	limiter  *limiter
	mux      *http.ServeMux
	initOnce sync.Once
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		if s.Log == nil {
			s.Log = slog.Default()
		}
		if s.Config.MaxParses <= 0 {
			s.Config.MaxParses = 2
		}
		if s.Config.MaxBodyBytes <= 0 {
			s.Config.MaxBodyBytes = 64 << 20
		}
		s.parses = make(chan struct{}, s.Config.MaxParses)
		s.limiter = newLimiter(s.Config.LoginPerMinute, time.Minute)
		s.mux = http.NewServeMux()
		s.routes()
	})
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	s.mux.ServeHTTP(w, r)
}

// NewHTTPServer returns an http.Server with the timeouts of RELIABILITY.md §3.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       120 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

func (s *Server) routes() {
	native := func(h handler) http.Handler { return s.wrap(h, s.serveError) }
	cc := func(h handler) http.Handler { return s.wrap(h, s.serveCommCareError) }
	// Cookie-authenticated writes must come from our own pages.
	cop := http.NewCrossOriginProtection()
	guard := func(h http.Handler) http.Handler { return cop.Handler(h) }

	m := s.mux
	m.Handle("POST /api/login", guard(native(s.handleLogin)))
	m.Handle("POST /api/logout", guard(native(s.handleLogout)))
	m.Handle("GET /api/me", native(s.handleMe))
	m.Handle("GET /healthz", native(s.handleHealth))

	d := func(pattern string, h handler) {
		method, path, _ := strings.Cut(pattern, " ")
		m.Handle(method+" /a/{domain}/api"+path, guard(native(s.inDomain(h))))
	}
	d("GET /case-types/", s.handleListCaseTypes)
	d("PUT /case-types/{name}", s.handleSaveCaseType)
	d("GET /case-types/{name}/{file}", s.handleTemplate) // template.csv | template.xlsx
	d("GET /cases/", s.handleListCases)
	d("GET /cases/index", s.handleCaseIndex)
	d("POST /cases/lookup", s.handleLookup)
	d("POST /check", s.handleCheck)
	d("POST /check/{file}", s.handleCheckErrors) // errors.csv | errors.xlsx
	d("POST /imports/", s.handleCommit)
	d("GET /imports/", s.handleListImports)
	d("GET /imports/progress", s.handleProgress)
	d("GET /imports/{id}", s.handleGetImport)
	d("GET /imports/{id}/undo", s.handleUndoPreview)
	d("POST /imports/{id}/undo", s.handleUndo)
	d("GET /imports/{id}/{file}", s.handleImportErrors) // errors.csv | errors.xlsx
	d("GET /specs/", s.handleListSpecs)
	d("POST /specs/", s.handleCreateSpec)
	d("PATCH /specs/{id}", s.handleRenameSpec)
	d("POST /specs/{id}/duplicate", s.handleDuplicateSpec)
	d("DELETE /specs/{id}", s.handleDeleteSpec)
	d("POST /keys", s.handleNewKey)

	// CommCare-compatible: scripts post with ApiKey or Basic auth, no cookie.
	m.Handle("POST /a/{domain}/importer/excel/bulk_upload_api/", cc(s.inDomain(s.handleBulkUpload)))
	m.Handle("GET /a/{domain}/importer/excel/upload_status/{id}/", cc(s.inDomain(s.handleBulkStatus)))

	if s.Pages != nil {
		m.Handle("/", s.Pages)
	} else {
		m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte("<!doctype html><title>casegate</title><h1>casegate</h1><p>The server is running. Build the web app with <code>make build</code>.</p>"))
		})
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// acquireParse takes one of the few file-parse slots, or answers busy.
func (s *Server) acquireParse(ctx context.Context) (func(), error) {
	select {
	case s.parses <- struct{}{}:
		return func() { <-s.parses }, nil
	default:
	}
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	select {
	case s.parses <- struct{}{}:
		return func() { <-s.parses }, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
