package resilience

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"casegate/server/importer"
	"casegate/server/store"
)

// TestFaults_PanicInJob: a panic while a bulk job runs fails that job with
// a message, and the worker goes on with the next one.
func TestFaults_PanicInJob(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_ = st.CreateDomain(ctx, "one")
	u, _, _ := st.CreateUser(ctx, "one", "a@one.example", "admin")
	var once sync.Once
	im := &importer.Importer{Store: st, Failpoint: func(name string) error {
		if name == "before_tx" {
			once.Do(func() { panic("injected reader panic") })
		}
		return nil
	}}
	params := importer.BulkParams{CaseType: "household"}
	params.Spec.CaseType, params.Spec.SearchField, params.Spec.CreateNewCases = "household", "external_id", true
	params.Spec, _ = params.Spec.Normalize()
	first, err := im.Enqueue(ctx, u, "a.csv", []byte("external_id,name\nA-1,a\n"), params)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := im.Enqueue(ctx, u, "b.csv", []byte("external_id,name\nB-1,b\n"), params)
	wctx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	go im.RunJobs(wctx, "p", 20*time.Millisecond)
	deadline := time.Now().Add(20 * time.Second)
	for {
		a, _ := im.JobStatus(ctx, "one", first)
		b, _ := im.JobStatus(ctx, "one", second)
		if a.State >= 2 && b.State >= 2 {
			if a.State != 3 || len(a.Result.Errors) == 0 || !strings.Contains(a.Result.Errors[0].Description, "nothing of it was stored") {
				t.Errorf("the panicking job: %+v", a)
			}
			if b.State != 2 || b.Result.CreatedCount != 1 {
				t.Errorf("the next job: %+v", b)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs did not finish: %+v %+v", a, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
