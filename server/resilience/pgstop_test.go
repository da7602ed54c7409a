package resilience

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"casegate/server/httpserver"
	"casegate/server/importer"
	"casegate/server/store"
	"casegate/shared/api"
)

// pgCluster is a private PostgreSQL cluster this test may stop and start
// (the shared one of .ci/postgres serves other packages at the same time).
type pgCluster struct {
	bin, dir string
	port     int
}

func (c *pgCluster) run(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(c.bin, args[0]), args[1:]...)
	if os.Geteuid() == 0 { // PostgreSQL refuses to run as root
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(c.bin, args[0])}, args[1:]...)...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func newCluster(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	if len(bins) == 0 {
		if os.Getenv("CASEGATE_CI") != "" {
			t.Fatal("PostgreSQL is not installed (.ci/run installs it)")
		}
		t.Skip("PostgreSQL is not installed")
	}
	sort.Strings(bins)
	dir, err := os.MkdirTemp("", "casegate-pgstop")
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		_ = exec.Command("chown", "postgres", dir).Run()
	}
	c := &pgCluster{bin: bins[len(bins)-1], dir: filepath.Join(dir, "data"), port: freePort(t)}
	if os.Geteuid() == 0 {
		_ = exec.Command("runuser", "-u", "postgres", "--", "mkdir", c.dir).Run()
	}
	c.run(t, "initdb", "-D", c.dir, "-U", "postgres", "-A", "trust", "--no-sync")
	c.start(t)
	t.Cleanup(func() {
		cmd := exec.Command("runuser", "-u", "postgres", "--", filepath.Join(c.bin, "pg_ctl"), "-D", c.dir, "-m", "immediate", "stop")
		if os.Geteuid() != 0 {
			cmd = exec.Command(filepath.Join(c.bin, "pg_ctl"), "-D", c.dir, "-m", "immediate", "stop")
		}
		_ = cmd.Run()
		os.RemoveAll(dir)
	})
	return c
}

func (c *pgCluster) start(t *testing.T) {
	c.run(t, "pg_ctl", "-D", c.dir, "-l", filepath.Join(c.dir, "log"), "-w", "-o",
		fmt.Sprintf("-p %d -k /tmp -c listen_addresses=127.0.0.1", c.port), "start")
}

func (c *pgCluster) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// TestFaults_PostgresStopped stops PostgreSQL (immediate mode: like a
// crash) while 2,000-row batches are committed, starts it again, and
// retries what failed: every batch whole or absent before the retries, all
// present once after.
func TestFaults_PostgresStopped(t *testing.T) {
	c := newCluster(t)
	ctx := context.Background()
	st, err := store.Open(ctx, c.dsn())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_ = st.CreateDomain(ctx, "one")
	u, _, _ := st.CreateUser(ctx, "one", "a@one.example", "admin")
	k, _ := st.CreateAPIKey(ctx, "one", u.ID)
	auth := "ApiKey a@one.example:" + k
	srv := httptest.NewServer(&httpserver.Server{Store: st, Importer: &importer.Importer{Store: st}, Config: httpserver.DefaultConfig()})
	defer srv.Close()
	url := srv.URL + "/a/one/api/imports/"
	var mu sync.Mutex
	failed := map[string]api.CommitRequest{}
	acked := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			key := fmt.Sprintf("p%03d", i)
			req := batch(t, key, 2000)
			code, _, err := post(url, auth, key, req)
			mu.Lock()
			if err == nil && code == 200 {
				acked++
			} else {
				failed[key] = req
			}
			n := len(failed)
			mu.Unlock()
			if n >= 3 { // the database is down: stop piling up batches
				return
			}
		}
	}()
	time.Sleep(1500 * time.Millisecond)
	c.run(t, "pg_ctl", "-D", c.dir, "-m", "immediate", "stop")
	time.Sleep(700 * time.Millisecond) // commits fail while it is down
	close(stop)
	wg.Wait()
	c.start(t)
	counts := countBatches(t, st, "one")
	for key, n := range counts {
		if n != 2000 {
			t.Errorf("batch %s has %d rows after the crash: not all-or-nothing", key, n)
		}
	}
	for key, req := range failed {
		var code int
		var err error
		for try := 0; try < 20; try++ { // the pool reconnects
			if code, _, err = post(url, auth, key, req); err == nil && code == 200 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if code != 200 {
			t.Fatalf("retry of %s after the restart: %d %v", key, code, err)
		}
	}
	final := countBatches(t, st, "one")
	for key, n := range final {
		if n != 2000 {
			t.Errorf("batch %s has %d rows after the retries", key, n)
		}
	}
	t.Logf("PostgreSQL stopped mid-commit: %d batches acknowledged before, %d failed and retried, %d stored in the end, 0 partial, 0 duplicated", acked, len(failed), len(final))
}
