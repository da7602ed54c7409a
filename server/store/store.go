// Package store keeps casegate's state in SQLite (embedded, the default) or
// PostgreSQL (for several replicas), with one set of SQL using $N
// placeholders (modernc's SQLite binds them by number, as PostgreSQL does).
// Every query takes the domain: another domain's object is not found.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"modernc.org/sqlite"               // SQLite driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"casegate/shared/model"
)

//go:embed migrations
var migrations embed.FS

// Querier runs queries; *sql.DB and *sql.Tx both are.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a transaction.
type Tx = *sql.Tx

// Store is the database.
type Store struct {
	db      *sql.DB
	dialect string // sqlite | postgres
	// writers queues SQLite's transactions in Go: SQLite has one writer,
	// and its busy handler retries with sleeps, which starved requests
	// for over 10 s under load (measured: 16 committing clients).
	writers sync.Mutex
	// progress holds running imports' progress on SQLite, where the commit
	// holds the write lock (see UpdateImportProgress).
	progress sync.Map // domain+"\x00"+import id → [2]int{done, total}
}

// Options tune Open.
type Options struct {
	// MaxPageCount caps an SQLite database's pages (tests use it to
	// simulate a full disk).
	MaxPageCount int
}

// Open opens (creating and migrating) the database named by dsn: a
// postgres:// URL, or a SQLite file path.
func Open(ctx context.Context, dsn string) (*Store, error) { return OpenWith(ctx, dsn, Options{}) }

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, opt Options) (*Store, error) {
	s := &Store{}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.dialect = "postgres"
		if s.db, err = sql.Open("pgx", dsn); err != nil {
			return nil, err
		}
		s.db.SetMaxOpenConns(16)
	} else {
		s.dialect = "sqlite"
		path := strings.TrimPrefix(dsn, "sqlite:")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
		}
		// Immediate transactions: measured here, deferred ones gave 703
		// SQLITE_BUSY of 1,600 under contention, immediate ones 0. The busy
		// timeout is 10 s, not 5: single statements outside Tx (a job
		// claim, an idempotency key) wait behind a whole commit, and a
		// 100,000-row commit with its checks can hold the lock for longer
		// than 5 s on two cores.
		q := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
		if opt.MaxPageCount > 0 {
			q += fmt.Sprintf("&_pragma=max_page_count(%d)", opt.MaxPageCount)
		}
		if s.db, err = sql.Open("sqlite", q); err != nil {
			return nil, err
		}
		s.db.SetMaxOpenConns(8)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to %s: %w", s.dialect, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB returns the pool, for reads outside a transaction.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect is sqlite or postgres.
func (s *Store) Dialect() string { return s.dialect }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Integrity runs SQLite's integrity check (PostgreSQL: nothing to do).
func (s *Store) Integrity(ctx context.Context) error {
	if s.dialect != "sqlite" {
		return nil
	}
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// migrate applies the dialect's embedded migrations in order, each in its
// own transaction, recording them in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	dir := "migrations/" + s.dialect
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, _ := migrations.ReadFile(dir + "/" + name)
		err := s.Tx(ctx, func(tx *sql.Tx) error {
			for _, stmt := range strings.Split(string(body), ";\n") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, now())
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return nil
}

// serialize queues a write behind the others on SQLite (see writers); it
// returns the unlock.
func (s *Store) serialize() func() {
	if s.dialect != "sqlite" {
		return func() {}
	}
	s.writers.Lock()
	return s.writers.Unlock
}

// exec runs one write statement outside a transaction, queued on SQLite.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	defer s.serialize()()
	return s.db.ExecContext(ctx, query, args...)
}

// Tx runs fn in a transaction (BEGIN IMMEDIATE on SQLite), committing when
// it returns nil.
func (s *Store) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.dialect == "sqlite" {
		s.writers.Lock()
		defer s.writers.Unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(fmt.Errorf("begin: %w", err))
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	if err := tx.Commit(); err != nil {
		return mapErr(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// mapErr turns driver errors a user can act on into model errors, keeping
// the driver error (for logs) underneath. Codes first, messages as a
// fallback for errors that reach us as text.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var me *model.Error
	if errors.As(err, &me) {
		return err
	}
	msg := err.Error()
	var code int // SQLite result code, extended
	var se *sqlite.Error
	if errors.As(err, &se) {
		code = se.Code()
	}
	var pgState string
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		pgState = pe.Code
	}
	switch {
	case code&0xff == sqlite3.SQLITE_FULL || pgState == "53100" || strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "No space left"):
		return &wrapped{errFull, err}
	case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED || strings.Contains(msg, "database is locked") ||
		pgState == "40001" || pgState == "40P01" || pgState == "55P03":
		return &wrapped{errBusy, err}
	case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || pgState == "23505" ||
		strings.Contains(msg, "UNIQUE constraint") || strings.Contains(msg, "duplicate key value"):
		return &wrapped{errExists, err}
	}
	return err
}

var (
	errFull   = model.Errorf(model.EUnavailable, "The database is full; nothing of this request was stored. Free disk space and try again.")
	errBusy   = model.Errorf(model.EUnavailable, "The database is busy; try again in a few seconds.")
	errExists = model.Errorf(model.EConflict, "That already exists.")
)

// wrapped keeps the driver error for logs while showing the model error.
type wrapped struct {
	me    *model.Error
	cause error
}

func (w *wrapped) Unwrap() []error { return []error{w.me, w.cause} }
func (w *wrapped) Error() string   { return w.me.Message + " (" + w.cause.Error() + ")" }

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTS(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// ph returns n placeholders from $start: "?" on SQLite, where modernc binds
// "$N" by looking each name up (measured: binding and parsing 5,600 named
// parameters per statement took 86% of a commit), "$N" on PostgreSQL.
func (s *Store) ph(start, n int) string {
	if s.dialect == "sqlite" {
		return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
	}
	return placeholders(start, n)
}

// placeholders returns "$a, $a+1, …" n times.
func placeholders(start, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}

func notFound(what string) error { return model.Errorf(model.ENotFound, "No such %s.", what) }
