package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"casegate/server/store"
	"casegate/server/storetest"
	"casegate/shared/model"
)

// mustOpen opens a fresh SQLite store in t.TempDir().
func mustOpen(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// TestStore_DomainIsolation fills domain "one" with one of everything and
// asks for each object through domain "two": every Find is not found, every
// list is empty, every change by id touches nothing.
func TestStore_DomainIsolation(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u, _, _ := mustUser(t, s, "one", "a@one.example")
		mustUser(t, s, "two", "b@two.example")
		if _, err := s.CreateGroup(ctx, "one", "Team A"); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveCaseType(ctx, "one", "household", []byte(`{"name":"household"}`)); err != nil {
			t.Fatal(err)
		}
		cs := cases(3, "household", "c")
		cs[1].Parent = &model.Index{CaseID: cs[0].CaseID, CaseType: "household", Relationship: "child", Identifier: "parent"}
		im := store.Import{ID: "imp-one", Domain: "one", UserID: u.ID, UserEmail: u.Email, Kind: "commit", FileName: "f.csv",
			CaseType: "household", State: "running", CreatedAt: time.Now()}
		if err := s.CreateImport(ctx, im); err != nil {
			t.Fatal(err)
		}
		err := s.Tx(ctx, func(tx *sql.Tx) error {
			if err := s.InsertImportCases(ctx, tx, "one", im.ID, cs); err != nil {
				return err
			}
			return s.InsertChanges(ctx, tx, "one", im.ID, []store.Change{{CaseID: cs[0].CaseID, Op: "create", AfterModifiedOn: "2025"}})
		})
		if err != nil {
			t.Fatal(err)
		}
		spec, err := s.CreateSpec(ctx, "one", "Monthly", "household", []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		_ = s.TouchSpec(ctx, "one", spec.ID)
		if err := s.EnqueueJob(ctx, store.Job{ID: "job-one", Domain: "one", ImportID: im.ID, Params: []byte("{}"), File: []byte("x"), FileName: "f.csv"}); err != nil {
			t.Fatal(err)
		}
		if prev, err := s.BeginIdempotent(ctx, "one", u.ID, "commit", "key-1", "fp"); err != nil || prev != nil {
			t.Fatalf("idempotency: %v %v", prev, err)
		}

		notFound := func(what string, err error) {
			t.Helper()
			if model.KindOf(err) != model.ENotFound {
				t.Errorf("%s through another domain: %v, want not found", what, err)
			}
		}
		empty := func(what string, n int, err error) {
			t.Helper()
			if err != nil || n != 0 {
				t.Errorf("%s through another domain: %d, %v; want none", what, n, err)
			}
		}
		ids := []string{cs[0].CaseID, cs[1].CaseID, cs[2].CaseID}
		_, err = s.FindCaseType(ctx, "two", "household")
		notFound("FindCaseType", err)
		_, err = s.FindImport(ctx, "two", im.ID)
		notFound("FindImport", err)
		notFound("UpdateImportProgress", s.UpdateImportProgress(ctx, "two", im.ID, 1, 3))
		notFound("FinishImport", s.FinishImport(ctx, s.DB(), "two", im.ID, store.ImportFinish{State: "done"}))
		_, err = s.FindJob(ctx, "two", "job-one")
		notFound("FindJob", err)
		_, err = s.FindSpec(ctx, "two", spec.ID)
		notFound("FindSpec", err)
		_, err = s.RenameSpec(ctx, "two", spec.ID, "x")
		notFound("RenameSpec", err)
		_, err = s.DuplicateSpec(ctx, "two", spec.ID)
		notFound("DuplicateSpec", err)
		notFound("DeleteSpec", s.DeleteSpec(ctx, "two", spec.ID))
		_, err = s.CreateAPIKey(ctx, "two", u.ID)
		notFound("CreateAPIKey for another domain's user", err)
		last, err := s.LastSpecForCaseType(ctx, "two", "household")
		if err != nil || last != nil {
			t.Errorf("LastSpecForCaseType through another domain: %+v %v", last, err)
		}
		byID, err := s.FindCasesByID(ctx, s.DB(), "two", ids)
		empty("FindCasesByID", len(byID), err)
		byExt, err := s.FindCasesByExternalID(ctx, s.DB(), "two", "", []string{cs[0].ExternalID})
		empty("FindCasesByExternalID", len(byExt), err)
		kids, err := s.FindChildIDs(ctx, s.DB(), "two", ids)
		empty("FindChildIDs", len(kids), err)
		prov, err := s.FindCaseImports(ctx, s.DB(), "two", ids)
		empty("FindCaseImports", len(prov), err)
		list, err := s.ListCases(ctx, "two", store.CaseFilter{})
		empty("ListCases", len(list), err)
		n, err := s.CountCases(ctx, "two", "")
		empty("CountCases", n, err)
		ch, err := s.FindChanges(ctx, s.DB(), "two", im.ID)
		empty("FindChanges", len(ch), err)
		ims, err := s.ListImports(ctx, "two", 10, "")
		empty("ListImports", len(ims), err)
		specs, err := s.ListSpecs(ctx, "two", "")
		empty("ListSpecs", len(specs), err)
		types, err := s.ListCaseTypes(ctx, "two")
		empty("ListCaseTypes", len(types), err)
		owners, err := s.FindOwners(ctx, "two")
		if err != nil || len(owners) != 1 || owners[0].Name != "b@two.example" {
			t.Errorf("FindOwners(two) = %+v, %v; want only two's user", owners, err)
		}
		// Idempotency keys are per domain: the same key in two is new.
		if prev, err := s.BeginIdempotent(ctx, "two", u.ID, "commit", "key-1", "fp"); err != nil || prev != nil {
			t.Errorf("another domain's key replayed: %+v %v", prev, err)
		}
		// Writes by id through domain two leave one's objects as they were.
		err = s.Tx(ctx, func(tx *sql.Tx) error { return s.DeleteCases(ctx, tx, "two", ids) })
		if err != nil {
			t.Fatal(err)
		}
		_ = s.TouchSpec(ctx, "two", spec.ID)
		if n, _ := s.CountCases(ctx, "one", ""); n != 3 {
			t.Errorf("domain one has %d cases after domain two deleted them, want 3", n)
		}
		// And everything is still there for one.
		if _, err := s.FindImport(ctx, "one", im.ID); err != nil {
			t.Error(err)
		}
		if _, err := s.FindJob(ctx, "one", "job-one"); err != nil {
			t.Error(err)
		}
		if _, err := s.FindCaseType(ctx, "one", "household"); err != nil {
			t.Error(err)
		}
		if owners, _ := s.FindOwners(ctx, "one"); len(owners) != 2 {
			t.Errorf("FindOwners(one) = %+v, want the user and the group", owners)
		}
		if prov, _ := s.FindCaseImports(ctx, s.DB(), "one", ids); prov[cs[2].CaseID] != im.ID {
			t.Errorf("modified_by_import = %+v, want %s", prov, im.ID)
		}
		if doms, err := s.ListDomains(ctx); err != nil || len(doms) != 2 || doms[0] != "one" {
			t.Errorf("ListDomains = %v, %v", doms, err)
		}
	})
}

// TestStore_MigrationsIdempotent: reopening applies nothing twice and keeps
// the data.
func TestStore_MigrationsIdempotent(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatalf("open #%d: %v", i+1, err)
			}
			if i == 0 {
				if err := s.CreateDomain(ctx, "one"); err != nil {
					t.Fatal(err)
				}
			}
			var applied, distinct int
			if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT name) FROM schema_migrations`).Scan(&applied, &distinct); err != nil {
				t.Fatal(err)
			}
			if applied < 2 || applied != distinct {
				t.Fatalf("open #%d: %d migrations recorded (%d distinct)", i+1, applied, distinct)
			}
			if _, err := s.FindDomain(ctx, "one"); err != nil {
				t.Fatalf("open #%d lost data: %v", i+1, err)
			}
			if err := s.Integrity(ctx); err != nil {
				t.Fatal(err)
			}
			s.Close()
		}
	})
}

// TestStore_ImportProgress: progress reported while a commit's transaction
// is open is visible to a poller at once (not after the commit), and the
// last figures are stored when the import finishes.
func TestStore_ImportProgress(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_ = s.CreateDomain(ctx, "one")
		im := store.Import{ID: "imp", Domain: "one", UserID: "u", UserEmail: "e", Kind: "commit", FileName: "f", CaseType: "t", State: "running", CreatedAt: time.Now()}
		if err := s.CreateImport(ctx, im); err != nil {
			t.Fatal(err)
		}
		err := s.Tx(ctx, func(tx *sql.Tx) error {
			all := cases(1000, "t", "p")
			for i := 0; i < len(all); i += 250 {
				if err := s.InsertImportCases(ctx, tx, "one", im.ID, all[i:i+250]); err != nil {
					return err
				}
				pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
				err := s.UpdateImportProgress(pctx, "one", im.ID, i+250, 1000)
				if err == nil {
					var got store.Import
					got, err = s.FindImport(pctx, "one", im.ID)
					if err == nil && (got.ProgressDone != i+250 || got.ProgressTotal != 1000) {
						err = fmt.Errorf("poller sees %d/%d, want %d/1000", got.ProgressDone, got.ProgressTotal, i+250)
					}
				}
				cancel()
				if err != nil {
					return fmt.Errorf("progress during the commit: %w", err)
				}
			}
			return s.FinishImport(ctx, tx, "one", im.ID, store.ImportFinish{State: "done", FinishedAt: time.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.FindImport(ctx, "one", im.ID)
		if err != nil || got.State != "done" || got.ProgressDone != 1000 || got.ProgressTotal != 1000 {
			t.Fatalf("finished import: %+v %v", got, err)
		}
	})
}

// TestStore_ReclaimGivesUp: a job interrupted three times fails, visibly,
// with its import record.
func TestStore_ReclaimGivesUp(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_ = s.CreateDomain(ctx, "one")
		if err := s.CreateImport(ctx, store.Import{ID: "imp", Domain: "one", Kind: "bulk_api", State: "queued", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := s.EnqueueJob(ctx, store.Job{ID: "j", Domain: "one", ImportID: "imp", Params: []byte("{}"), File: []byte("x"), FileName: "f"}); err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= store.MaxJobAttempts; attempt++ {
			j, err := s.ClaimJob(ctx, fmt.Sprint("w", attempt))
			if err != nil || j == nil || j.Attempts != attempt {
				t.Fatalf("claim #%d: %+v %v", attempt, j, err)
			}
			time.Sleep(5 * time.Millisecond) // the worker dies; its heartbeat goes stale
			if n, err := s.ReclaimStaleJobs(ctx, time.Millisecond); err != nil || n != 1 {
				t.Fatalf("reclaim #%d: %d %v", attempt, n, err)
			}
		}
		j, err := s.FindJob(ctx, "one", "j")
		if err != nil || j.State != 3 || j.Error == "" {
			t.Fatalf("job after three interruptions: %+v %v", j, err)
		}
		if again, _ := s.ClaimJob(ctx, "w9"); again != nil {
			t.Fatalf("a failed job was claimed again: %+v", again)
		}
		im, err := s.FindImport(ctx, "one", "imp")
		if err != nil || im.State != "failed" || im.Error == "" {
			t.Fatalf("import of the failed job: %+v %v", im, err)
		}
	})
}

// TestStore_ConflictAndAuthErrors: driver errors become model errors.
func TestStore_ConflictAndAuthErrors(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.CreateDomain(ctx, "one"); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateDomain(ctx, "one"); model.KindOf(err) != model.EConflict {
			t.Fatalf("second domain of the same name: %v", err)
		}
		u, _, key := mustUser(t, s, "one", "a@one.example")
		if len(key) != 64 {
			t.Fatalf("api key %q: want 32 random bytes in hex", key)
		}
		// A second key works, and the first still does.
		key2, err := s.CreateAPIKey(ctx, "one", u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{key, key2} {
			if got, err := s.AuthenticateAPIKey(ctx, "a@one.example", k); err != nil || got.ID != u.ID {
				t.Fatalf("key: %v", err)
			}
		}
		_, e1 := s.AuthenticateAPIKey(ctx, "nobody@one.example", key)
		wrong := key[:63] + "0" // the key with its last digit changed (1 in 16 keys ends in 0 already)
		if key[63] == '0' {
			wrong = key[:63] + "1"
		}
		_, e2 := s.AuthenticateAPIKey(ctx, "a@one.example", wrong)
		if e1 == nil || e2 == nil || e1.Error() != e2.Error() || model.KindOf(e1) != model.EUnauthorized {
			t.Fatalf("unknown user and wrong key must look alike: %v / %v", e1, e2)
		}
		if _, err := s.CreateSession(ctx, "no-such-user"); model.KindOf(err) != model.ENotFound {
			t.Fatalf("session for no user: %v", err)
		}
		if _, err := s.FindSession(ctx, "not-a-token"); model.KindOf(err) != model.EUnauthorized {
			t.Fatalf("unknown session: %v", err)
		}
	})
}

// forEachDSN runs fn with a fresh SQLite path and, when configured, a fresh
// PostgreSQL database, for tests that open and reopen the store themselves.
func forEachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "t.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.PostgresDSN(t)) })
}
