package resilience

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"casegate/server/httpserver"
	"casegate/server/importer"
	"casegate/server/store"
	"casegate/shared/api"
	"casegate/shared/engine"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

// batch makes a commit request of n new households, all marked with the
// batch's name, so a batch can be counted in the database afterwards.
func batch(t *testing.T, name string, n int) api.CommitRequest {
	t.Helper()
	var b strings.Builder
	b.WriteString("external_id,name,batch\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s-%05d,Household %d,%s\n", name, i, i, name)
	}
	book, err := sheet.Read(name+".csv", []byte(b.String()), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := engine.TablesFromBook(name+".csv", book, "household", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	return api.CommitRequest{CheckRequest: api.CheckRequest{Tables: api.FromEngine(ts),
		Spec: spec.Spec{CaseType: "household", SearchField: "external_id", CreateNewCases: true, OnError: "halt"}}, FileName: name + ".csv"}
}

func post(url, auth, key string, body any) (int, []byte, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Authorization", auth)
	req.Header.Set("Idempotency-Key", key)
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// countBatches counts, per batch marker, the cases stored.
func countBatches(t *testing.T, st *store.Store, domain string) map[string]int {
	t.Helper()
	out := map[string]int{}
	f := store.CaseFilter{Limit: 5000}
	for {
		page, err := st.ListCases(context.Background(), domain, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			out[c.Properties["batch"]]++
		}
		if len(page) < f.Limit {
			return out
		}
		f.After = page[len(page)-1].CaseID
	}
}

// TestFaults_Failpoints fails a commit before its transaction, inside it,
// and after it committed but before the reply: the first two store nothing
// and free the key; the third replays its answer on retry and commits once.
func TestFaults_Failpoints(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_ = st.CreateDomain(ctx, "one")
	u, _, _ := st.CreateUser(ctx, "one", "a@one.example", "admin")
	k, _ := st.CreateAPIKey(ctx, "one", u.ID)
	auth := "ApiKey a@one.example:" + k
	var fail sync.Map
	im := &importer.Importer{Store: st, Failpoint: func(name string) error {
		if _, ok := fail.Load(name); ok {
			return errors.New("failpoint " + name)
		}
		return nil
	}}
	srv := httptest.NewServer(&httpserver.Server{Store: st, Importer: im, Config: httpserver.DefaultConfig()})
	defer srv.Close()
	url := srv.URL + "/a/one/api/imports/"
	for _, point := range []string{"before_tx", "in_tx"} {
		fail.Store(point, true)
		code, _, _ := post(url, auth, point, batch(t, point, 500))
		fail.Delete(point)
		if code != 500 {
			t.Fatalf("%s: %d, want 500", point, code)
		}
		if n := countBatches(t, st, "one")[point]; n != 0 {
			t.Fatalf("%s stored %d cases", point, n)
		}
		code, body, _ := post(url, auth, point, batch(t, point, 500)) // the same key again
		if code != 200 {
			t.Fatalf("%s retry: %d %s", point, code, body)
		}
		if n := countBatches(t, st, "one")[point]; n != 500 {
			t.Fatalf("%s after retry: %d cases", point, n)
		}
	}
	fail.Store("after_commit", true)
	code, _, _ := post(url, auth, "lost", batch(t, "lost", 500))
	fail.Delete("after_commit")
	if code != 500 {
		t.Fatalf("after_commit: %d", code)
	}
	code, body, _ := post(url, auth, "lost", batch(t, "lost", 500))
	var r api.CommitResponse
	_ = json.Unmarshal(body, &r)
	if code != 200 || r.Created != 500 {
		t.Fatalf("retry after a lost reply: %d %s", code, body)
	}
	if n := countBatches(t, st, "one")["lost"]; n != 500 {
		t.Fatalf("a lost reply then a retry stored %d cases, want 500", n)
	}
	if err := st.Integrity(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestFaults_KillDuringCommits kills the server with SIGKILL at random
// moments while a client commits 2,000-row batches, restarts it, and
// retries every unacknowledged batch with its key. Afterwards the database
// is intact, every batch is whole or absent, every acknowledged batch is
// there, and none is there twice.
func TestFaults_KillDuringCommits(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	auth := addUser(t, db, "one", "a@one.example")
	port := freePort(t)
	rounds := 6
	acked := map[string]bool{}
	pending := map[string]api.CommitRequest{}
	n := 0
	committedUnacked := 0
	for round := 0; round < rounds; round++ {
		s := startServer(t, db, port)
		url := s.url + "/a/one/api/imports/"
		// First retry what the last round left unanswered.
		for key, req := range pending {
			code, _, err := post(url, auth, key, req)
			if err == nil && code == 200 {
				acked[key] = true
				delete(pending, key)
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				n++
				key := fmt.Sprintf("b%03d", n)
				mu.Unlock()
				req := batch(t, key, 2000)
				code, _, err := post(url, auth, key, req)
				mu.Lock()
				if err == nil && code == 200 {
					acked[key] = true
				} else {
					pending[key] = req
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
		time.Sleep(time.Duration(300+rand.IntN(900)) * time.Millisecond)
		s.kill()
		close(stop)
		wg.Wait()
	}
	// Before the last retries: how many unacknowledged batches committed anyway?
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	counts := countBatches(t, st, "one")
	for key := range pending {
		if counts[key] == 2000 {
			committedUnacked++
		}
	}
	st.Close()
	s := startServer(t, db, port)
	for key, req := range pending {
		code, body, err := post(s.url+"/a/one/api/imports/", auth, key, req)
		if err != nil || code != 200 {
			t.Fatalf("final retry of %s: %d %v %s", key, code, err, body)
		}
		acked[key] = true
	}
	s.kill()
	st, err = store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Integrity(context.Background()); err != nil {
		t.Fatal(err)
	}
	counts = countBatches(t, st, "one")
	for key, c := range counts {
		if c != 2000 {
			t.Errorf("batch %s has %d cases: not all-or-nothing, or committed twice", key, c)
		}
	}
	for key := range acked {
		if counts[key] != 2000 {
			t.Errorf("acknowledged batch %s is missing", key)
		}
	}
	t.Logf("%d kills, %d batches sent, %d acknowledged in the end, %d committed but unacknowledged when killed (retried: replayed, not duplicated), %d stored, 0 partial, 0 duplicated",
		rounds, n, len(acked), committedUnacked, len(counts))
}
