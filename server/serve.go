package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"casegate/server/demo"
	"casegate/server/httpserver"
	"casegate/server/importer"
	"casegate/server/store"
)

// Config is the server's configuration: flags over environment over defaults.
type Config struct {
	Addr      string // -addr, PORT
	DB        string // -db, DATABASE_URL: a SQLite path or postgres://…
	PublicURL string // -public-url, CASEGATE_PUBLIC_URL
	Demo      bool   // -demo: seed the demo project on first start
	Examples  string // -examples: where the demo's sample files go
	Workers   int    // -workers: bulk API job workers
	MaxBody   int64  // -max-upload-mb
	Root      string // folder holding web/ (the built app)
}

// DefaultConfig reads the environment.
func DefaultConfig() Config {
	c := Config{Addr: ":8080", DB: "data/casegate.db", Demo: true, Examples: "examples", Workers: 1, MaxBody: 64 << 20, Root: "."}
	if p := os.Getenv("PORT"); p != "" {
		c.Addr = ":" + p
	}
	if d := os.Getenv("DATABASE_URL"); d != "" {
		c.DB = d
	}
	c.PublicURL = os.Getenv("CASEGATE_PUBLIC_URL")
	return c
}

func parseServeFlags(args []string, stderr io.Writer) (Config, error) {
	c := DefaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (or PORT)")
	fs.StringVar(&c.DB, "db", c.DB, "SQLite file, or postgres://… (or DATABASE_URL)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "base URL for links in answers (default: from the request)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "create the demo project on first start")
	fs.StringVar(&c.Examples, "examples", c.Examples, "folder for the demo's sample files")
	fs.IntVar(&c.Workers, "workers", c.Workers, "bulk upload job workers")
	mb := fs.Int64("max-upload-mb", c.MaxBody>>20, "largest upload or request body, in MiB")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.MaxBody = *mb << 20
	if c.Workers < 0 || c.MaxBody <= 0 {
		return c, errors.New("workers must be ≥ 0 and max-upload-mb > 0")
	}
	return c, nil
}

func serve(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseServeFlags(args, stderr)
	if err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, cfg, log, stdout, nil); err != nil {
		log.Error("casegate stopped", slog.Any("err", err))
		return 1
	}
	return 0
}

// Run starts the server and blocks until ctx ends. ready, when set, gets
// the listening address.
func Run(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer, ready func(addr string)) error {
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	log.Info("database ready", slog.String("dialect", st.Dialect()), slog.String("db", redact(cfg.DB)))
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	base := cfg.PublicURL
	if base == "" {
		base = "http://" + displayAddr(ln.Addr().String())
	}
	if cfg.Demo && !demo.Seeded(ctx, st) {
		if err := demo.Seed(ctx, st, stdout, cfg.Examples, base); err != nil {
			return err
		}
	}
	im := &importer.Importer{Store: st, Log: log}
	// Requests that were running when the server last stopped committed
	// nothing; free their idempotency keys so the clients' retries run. A
	// SQLite database has one server, so all of them; on PostgreSQL other
	// replicas may be running requests, so only those older than any can be.
	stale := time.Duration(0)
	if st.Dialect() != "sqlite" {
		stale = store.StaleRequest
	}
	if n, err := st.AbandonInterrupted(ctx, stale); err != nil {
		return err
	} else if n > 0 {
		log.Warn("requests interrupted by the last stop can be retried", slog.Int("keys", n))
	}
	if n, err := st.FailInterruptedImports(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Warn("imports interrupted by the last stop were marked failed; nothing of theirs was committed", slog.Int("imports", n))
	}
	srv := &httpserver.Server{Store: st, Importer: im, Log: log, Pages: pages(cfg.Root),
		Config: httpserver.Config{MaxBodyBytes: cfg.MaxBody, MaxParses: 2, PublicURL: cfg.PublicURL, LoginPerMinute: 10}}
	hs := httpserver.NewHTTPServer(cfg.Addr, srv)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	host, _ := os.Hostname()
	for i := 0; i < cfg.Workers; i++ {
		go im.RunJobs(wctx, fmt.Sprintf("%s-%d-%d", host, os.Getpid(), i), 300*time.Millisecond)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "casegate is running at %s (database: %s)\n", base, redact(cfg.DB))
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, c2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer c2()
	return hs.Shutdown(sctx)
}

func displayAddr(a string) string {
	if strings.HasPrefix(a, "[::]") {
		return "localhost" + strings.TrimPrefix(a, "[::]")
	}
	if strings.HasPrefix(a, "0.0.0.0") {
		return "localhost" + strings.TrimPrefix(a, "0.0.0.0")
	}
	return a
}

// redact hides a password in a database URL.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			cred := dsn[i+3 : at]
			if u, _, ok := strings.Cut(cred, ":"); ok {
				return dsn[:i+3] + u + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

// pages returns the web app's handler.
var pages = func(root string) http.Handler { return webApp(root) }
