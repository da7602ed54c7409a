package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRun_FirstStart starts the real server on a free port with a fresh
// SQLite database, as `make run` does, and checks the demo it prints works.
func TestRun_FirstStart(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.Addr, cfg.DB, cfg.Examples = "127.0.0.1:0", filepath.Join(dir, "data", "c.db"), filepath.Join(dir, "examples")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), &out, func(a string) { ready <- a })
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(20 * time.Second):
		t.Fatal("server did not start")
	}
	pw := regexp.MustCompile(`password\s+(\S+)`).FindStringSubmatch(out.String())
	if pw == nil {
		t.Fatalf("no password printed:\n%s", out.String())
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/a/demo/api/cases/?case_type=household&limit=1000", nil)
	req.SetBasicAuth("admin@demo.example", pw[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(b), `"external_id":"HH-0007"`) != 2 {
		t.Fatalf("demo households: %d, HH-0007 ×%d", resp.StatusCode, strings.Count(string(b), `"external_id":"HH-0007"`))
	}
	for _, f := range []string{"households.csv", "members.csv", "household_case_upload.xlsx"} {
		if _, err := os.Stat(filepath.Join(cfg.Examples, f)); err != nil {
			t.Errorf("example %s: %v", f, err)
		}
	}
	// The printed check of the examples runs.
	var co, ce bytes.Buffer
	code := run([]string{"check", "-search-field", "external_id", "-create-new-cases", "on",
		"household:" + filepath.Join(cfg.Examples, "households.csv"), "member:" + filepath.Join(cfg.Examples, "members.csv")}, &co, &ce)
	if code != 1 || !strings.Contains(co.String(), "bad_address") || !strings.Contains(co.String(), "invalid_date") {
		t.Fatalf("check of the examples: exit %d\n%s%s", code, co.String(), ce.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A second start finds the demo and does not seed again.
	var uo, ue bytes.Buffer
	if code := run([]string{"user", "add", "-db", cfg.DB, "-domain", "demo", "-email", "new@demo.example", "-role", "viewer"}, &uo, &ue); code != 0 {
		t.Fatalf("user add: %d %s", code, ue.String())
	}
	if !regexp.MustCompile(`password: \S+\nAPI key:  [0-9a-f]{48}`).MatchString(uo.String()) {
		t.Fatalf("user add printed:\n%s", uo.String())
	}
	if code := run([]string{"user", "key", "-db", cfg.DB, "-domain", "demo", "-email", "new@demo.example"}, &uo, &ue); code != 0 {
		t.Fatalf("user key: %d %s", code, ue.String())
	}
}
