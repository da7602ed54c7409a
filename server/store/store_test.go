package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"casegate/server/store"
	"casegate/server/storetest"
	"casegate/shared/model"
)

func forEachDB(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := store.Open(context.Background(), storetest.PostgresDSN(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		fn(t, s)
	})
}

func mustUser(t *testing.T, s *store.Store, domain, email string) (store.User, string, string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.FindDomain(ctx, domain); err != nil {
		if err := s.CreateDomain(ctx, domain); err != nil {
			t.Fatal(err)
		}
	}
	u, pw, err := s.CreateUser(ctx, domain, email, "editor")
	if err != nil {
		t.Fatal(err)
	}
	key, err := s.CreateAPIKey(ctx, domain, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u, pw, key
}

func TestStore_Auth(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u, pw, key := mustUser(t, s, "one", "Alice@One.example")
		if got, err := s.AuthenticatePassword(ctx, "alice@one.example", pw); err != nil || got.ID != u.ID {
			t.Fatalf("password: %v", err)
		}
		if got, err := s.AuthenticateAPIKey(ctx, "alice@one.example", key); err != nil || got.Domain != "one" {
			t.Fatalf("key: %v", err)
		}
		_, e1 := s.AuthenticatePassword(ctx, "alice@one.example", "wrong")
		_, e2 := s.AuthenticatePassword(ctx, "nobody@one.example", "wrong")
		_, e3 := s.AuthenticateAPIKey(ctx, "alice@one.example", "wrong")
		if e1 == nil || e2 == nil || e3 == nil || e1.Error() != e2.Error() || model.KindOf(e1) != model.EUnauthorized {
			t.Fatalf("failures must look alike: %v / %v / %v", e1, e2, e3)
		}
		tok, err := s.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.FindSession(ctx, tok); err != nil || got.ID != u.ID {
			t.Fatalf("session: %v", err)
		}
		_ = s.DeleteSession(ctx, tok)
		if _, err := s.FindSession(ctx, tok); err == nil {
			t.Fatal("deleted session still works")
		}
		if _, _, err := s.CreateUser(ctx, "one", "alice@one.example", "editor"); model.KindOf(err) != model.EConflict {
			t.Fatalf("duplicate email: %v", err)
		}
	})
}

func cases(n int, typ, prefix string) []model.Case {
	out := make([]model.Case, n)
	for i := range out {
		out[i] = model.Case{CaseID: fmt.Sprintf("%s%06d", prefix, i), CaseType: typ, ExternalID: fmt.Sprintf("%s-%d", prefix, i),
			Name: "n", ModifiedOn: "2025", Properties: map[string]string{"k": fmt.Sprint(i)}}
	}
	return out
}

func TestStore_CasesAndIsolation(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		one := cases(1000, "household", "h")
		one[1].ExternalID = one[0].ExternalID // two cases share an external id
		one[2].Parent = &model.Index{CaseID: one[0].CaseID, CaseType: "household", Relationship: "child", Identifier: "parent"}
		if err := s.Tx(ctx, func(tx *sql.Tx) error { return s.InsertCases(ctx, tx, "one", one) }); err != nil {
			t.Fatal(err)
		}
		if err := s.Tx(ctx, func(tx *sql.Tx) error { return s.InsertCases(ctx, tx, "two", cases(3, "household", "h")) }); err != nil {
			t.Fatal(err)
		}
		byExt, err := s.FindCasesByExternalID(ctx, s.DB(), "one", "household", []string{one[0].ExternalID, "h-999"})
		if err != nil || len(byExt[one[0].ExternalID]) != 2 || len(byExt["h-999"]) != 1 {
			t.Fatalf("by external id: %v %d %d", err, len(byExt[one[0].ExternalID]), len(byExt["h-999"]))
		}
		ids := make([]string, 1000)
		for i := range ids {
			ids[i] = one[i].CaseID
		}
		byID, err := s.FindCasesByID(ctx, s.DB(), "one", ids)
		if err != nil || len(byID) != 1000 || byID[one[2].CaseID].Parent.CaseID != one[0].CaseID || byID[one[5].CaseID].Properties["k"] != "5" {
			t.Fatalf("by id: %v %d", err, len(byID))
		}
		if n, _ := s.CountCases(ctx, "two", ""); n != 3 {
			t.Fatalf("domain two has %d cases", n)
		}
		// Another domain's cases are not found.
		if got, _ := s.FindCasesByID(ctx, s.DB(), "three", ids[:10]); len(got) != 0 {
			t.Fatalf("domain three sees %d cases", len(got))
		}
		upd := byID[one[5].CaseID]
		upd.Name = "changed"
		if err := s.Tx(ctx, func(tx *sql.Tx) error { return s.UpdateCases(ctx, tx, "one", []model.Case{upd}) }); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindCasesByID(ctx, s.DB(), "one", []string{upd.CaseID})
		if got[upd.CaseID].Name != "changed" {
			t.Fatal("update lost")
		}
		kids, _ := s.FindChildIDs(ctx, s.DB(), "one", []string{one[0].CaseID})
		if len(kids[one[0].CaseID]) != 1 {
			t.Fatalf("children %v", kids)
		}
		// A batch that fails half way leaves nothing.
		bad := append(cases(10, "household", "x"), one[0])
		if err := s.Tx(ctx, func(tx *sql.Tx) error { return s.InsertCases(ctx, tx, "one", bad) }); model.KindOf(err) != model.EConflict {
			t.Fatalf("duplicate insert: %v", err)
		}
		if got, _ := s.FindCasesByID(ctx, s.DB(), "one", []string{"x000000"}); len(got) != 0 {
			t.Fatal("a failed batch left rows")
		}
		page, err := s.ListCases(ctx, "one", store.CaseFilter{CaseType: "household", Limit: 300})
		if err != nil || len(page) != 300 {
			t.Fatalf("list: %v %d", err, len(page))
		}
	})
}

func TestStore_Idempotency(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_ = s.CreateDomain(ctx, "one")
		if prev, err := s.BeginIdempotent(ctx, "one", "u", "commit", "k", "fp"); err != nil || prev != nil {
			t.Fatalf("first: %v %v", prev, err)
		}
		prev, err := s.BeginIdempotent(ctx, "one", "u", "commit", "k", "fp")
		if err != nil || prev == nil || prev.State != "running" {
			t.Fatalf("second while running: %+v %v", prev, err)
		}
		// Finishing inside a rolled-back transaction leaves it running.
		_ = s.Tx(ctx, func(tx *sql.Tx) error {
			_ = s.FinishIdempotent(ctx, tx, "one", "k", 200, []byte(`{"a":1}`))
			return errors.New("rollback")
		})
		if prev, _ = s.BeginIdempotent(ctx, "one", "u", "commit", "k", "fp"); prev.State != "running" {
			t.Fatal("rolled-back finish was kept")
		}
		if err := s.Tx(ctx, func(tx *sql.Tx) error { return s.FinishIdempotent(ctx, tx, "one", "k", 200, []byte(`{"a":1}`)) }); err != nil {
			t.Fatal(err)
		}
		prev, _ = s.BeginIdempotent(ctx, "one", "u", "commit", "k", "other")
		if prev.State != "done" || prev.Fingerprint != "fp" || string(prev.Body) != `{"a":1}` || prev.Status != 200 {
			t.Fatalf("done: %+v", prev)
		}
		// Keys are per domain.
		_ = s.CreateDomain(ctx, "two")
		if prev, _ := s.BeginIdempotent(ctx, "two", "u", "commit", "k", "fp"); prev != nil {
			t.Fatal("key shared across domains")
		}
		if err := s.AbandonIdempotent(ctx, "two", "k"); err != nil {
			t.Fatal(err)
		}
		if prev, _ := s.BeginIdempotent(ctx, "two", "u", "commit", "k", "fp"); prev != nil {
			t.Fatal("abandoned key not freed")
		}
	})
}

func TestStore_Jobs(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_ = s.CreateDomain(ctx, "one")
		for i := 0; i < 20; i++ {
			if err := s.EnqueueJob(ctx, store.Job{ID: fmt.Sprintf("j%02d", i), Domain: "one", ImportID: "i", Params: []byte("{}"), File: []byte("x"), FileName: "f"}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		claimed := map[string]int{}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for {
					j, err := s.ClaimJob(ctx, fmt.Sprint("w", w))
					if err != nil {
						t.Error(err)
						return
					}
					if j == nil {
						return
					}
					mu.Lock()
					claimed[j.ID]++
					mu.Unlock()
				}
			}(w)
		}
		wg.Wait()
		if len(claimed) != 20 {
			t.Fatalf("claimed %d jobs", len(claimed))
		}
		for id, n := range claimed {
			if n != 1 {
				t.Fatalf("job %s claimed %d times", id, n)
			}
		}
		// A worker died: its job goes back after the heartbeat goes stale.
		time.Sleep(10 * time.Millisecond)
		if n, err := s.ReclaimStaleJobs(ctx, time.Millisecond); err != nil || n != 20 {
			t.Fatalf("reclaim: %d %v", n, err)
		}
		if j, _ := s.ClaimJob(ctx, "w9"); j == nil || j.Attempts != 2 {
			t.Fatalf("reclaimed job: %+v", j)
		}
		if _, err := s.FindJob(ctx, "two", "j00"); model.KindOf(err) != model.ENotFound {
			t.Fatalf("another domain's job: %v", err)
		}
	})
}

func TestStore_SpecsAndImports(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_ = s.CreateDomain(ctx, "one")
		a, err := s.CreateSpec(ctx, "one", "Monthly", "household", []byte(`{"case_type":"household"}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := s.DuplicateSpec(ctx, "one", a.ID)
		if b.Name != "Monthly (copy)" {
			t.Fatalf("duplicate: %+v", b)
		}
		if _, err := s.RenameSpec(ctx, "one", b.ID, "Weekly"); err != nil {
			t.Fatal(err)
		}
		_ = s.TouchSpec(ctx, "one", b.ID)
		if last, _ := s.LastSpecForCaseType(ctx, "one", "household"); last == nil || last.ID != b.ID {
			t.Fatalf("last used: %+v", last)
		}
		if err := s.DeleteSpec(ctx, "one", a.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.ListSpecs(ctx, "one", ""); len(list) != 1 || list[0].Name != "Weekly" {
			t.Fatalf("list: %+v", list)
		}
		if _, err := s.FindSpec(ctx, "two", b.ID); model.KindOf(err) != model.ENotFound {
			t.Fatalf("cross-domain spec: %v", err)
		}
		im := store.Import{ID: "imp1", Domain: "one", UserID: "u", UserEmail: "e", Kind: "commit", FileName: "f.csv", CaseType: "household", State: "running", CreatedAt: time.Now()}
		if err := s.CreateImport(ctx, im); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindImport(ctx, "two", "imp1"); model.KindOf(err) != model.ENotFound {
			t.Fatalf("cross-domain import: %v", err)
		}
		time.Sleep(2100 * time.Millisecond)
		if n, err := s.FailInterruptedImports(ctx); err != nil || n != 1 {
			t.Fatalf("interrupted: %d %v", n, err)
		}
		got, _ := s.FindImport(ctx, "one", "imp1")
		if got.State != "failed" || got.Error == "" {
			t.Fatalf("interrupted import: %+v", got)
		}
	})
}

// TestStore_SQLiteConcurrentWriters: 8 goroutines × 25 read-then-write
// transactions, split over two Stores on one file (as two processes would
// be, so the Go-side queue of one Store does not hide SQLite's locking):
// immediate transactions mean no SQLITE_BUSY.
func TestStore_SQLiteConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s1, path := mustOpen(t)
	s2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := 0; g < 8; g++ {
		s := s1
		if g%2 == 1 {
			s = s2
		}
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				err := s.Tx(ctx, func(tx *sql.Tx) error {
					if _, err := s.FindCasesByID(ctx, tx, "d", []string{"x"}); err != nil {
						return err
					}
					return s.InsertCases(ctx, tx, "d", cases(1, "t", fmt.Sprintf("g%d_%d_", g, i)))
				})
				if err != nil {
					errs <- err
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	if n, _ := s1.CountCases(ctx, "d", ""); n != 200 {
		t.Fatalf("%d cases, want 200", n)
	}
}

// TestStore_SQLiteDiskFull: a full database refuses the batch cleanly and
// stays intact.
func TestStore_SQLiteDiskFull(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "full.db")
	s, err := store.OpenWith(ctx, path, store.Options{MaxPageCount: 200})
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	var last error
	for i := 0; i < 50; i++ {
		last = s.Tx(ctx, func(tx *sql.Tx) error { return s.InsertCases(ctx, tx, "d", cases(200, "t", fmt.Sprintf("b%02d_", i))) })
		if last != nil {
			break
		}
		ok++
	}
	if model.KindOf(last) != model.EUnavailable {
		t.Fatalf("full database: %v", last)
	}
	s.Close()
	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Integrity(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountCases(ctx, "d", ""); n != ok*200 {
		t.Fatalf("%d cases stored, want %d (whole batches only)", n, ok*200)
	}
}
