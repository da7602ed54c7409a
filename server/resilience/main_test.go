// Package resilience holds the reliability suite (RELIABILITY.md's plan):
// hostile files through the real binary with their memory and time, faults
// during commits (failpoints and kill -9), and attacks on auth and domain
// isolation. Figures are logged; docs/RELIABILITY.md records them.
package resilience

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"
)

var bin string // the casegate binary, built once

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "casegate-resilience")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "casegate")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	code   int
	stdout string
	stderr string
	rssMB  float64
	took   time.Duration
}

// runBin runs the binary with a 60 s cap and reports its peak RSS.
func runBin(t *testing.T, dir string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: o.String(), stderr: e.String(), took: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssMB = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return r
}

// freePort returns a free TCP port on loopback.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// server is a running casegate serve process.
type server struct {
	cmd  *exec.Cmd
	url  string
	db   string
	key  string // "ApiKey email:key"
	port int
}

// startServer starts `casegate serve` on db (creating a user the first
// time) and waits until it answers.
func startServer(t *testing.T, db string, port int) *server {
	t.Helper()
	s := &server{db: db, port: port, url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	s.cmd = exec.Command(bin, "serve", "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-db", db, "-demo=false")
	s.cmd.Stdout, s.cmd.Stderr = os.Stderr, os.Stderr
	if os.Getenv("CASEGATE_RESILIENCE_VERBOSE") == "" {
		s.cmd.Stdout, s.cmd.Stderr = nil, nil
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server did not start")
	return nil
}

// addUser creates a user and returns its ApiKey header value.
func addUser(t *testing.T, db, domain, email string) string {
	t.Helper()
	r := runBin(t, "", "user", "add", "-db", db, "-domain", domain, "-email", email, "-role", "admin")
	m := regexp.MustCompile(`API key:\s+([0-9a-f]+)`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("user add: %d %s %s", r.code, r.stdout, r.stderr)
	}
	return "ApiKey " + email + ":" + m[1]
}

func (s *server) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
}
