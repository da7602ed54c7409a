package resilience

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casegate/server/httpserver"
	"casegate/server/importer"
	"casegate/server/store"
	"casegate/shared/api"
)

// inProcess starts the HTTP server with its production timeouts on a free
// port and one user in domain "one".
func inProcess(t testing.TB) (addr, auth string, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_ = st.CreateDomain(ctx, "one")
	u, _, _ := st.CreateUser(ctx, "one", "a@one.example", "admin")
	k, _ := st.CreateAPIKey(ctx, "one", u.ID)
	im := &importer.Importer{Store: st}
	hs := httpserver.NewHTTPServer("127.0.0.1:0", &httpserver.Server{Store: st, Importer: im, Config: httpserver.DefaultConfig()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	wctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go im.RunJobs(wctx, "n", 20*time.Millisecond)
	return ln.Addr().String(), "ApiKey a@one.example:" + k, st
}

// TestNetwork_Slowloris: a client that sends its headers a byte at a time
// is cut off by the header timeout (5 s), not held forever.
func TestNetwork_Slowloris(t *testing.T) {
	addr, _, _ := inProcess(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	req := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
	closed := false
	for i := 0; i < 40 && !closed; i++ {
		if _, err := c.Write([]byte{req[i%len(req)]}); err != nil {
			closed = true
			break
		}
		time.Sleep(250 * time.Millisecond)
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		buf := make([]byte, 64)
		if n, err := c.Read(buf); n > 0 || (err != nil && !strings.Contains(err.Error(), "timeout")) {
			closed = true
		}
	}
	took := time.Since(start)
	if !closed || took > 8*time.Second {
		t.Fatalf("slow client held the connection %v (closed %v)", took, closed)
	}
	t.Logf("slowloris connection closed after %v", took.Round(100*time.Millisecond))
}

// TestNetwork_Interrupted: a commit whose client goes away, and an upload
// cut in the middle of its body, leave nothing half-done.
func TestNetwork_Interrupted(t *testing.T) {
	addr, auth, st := inProcess(t)
	// An upload that stops half way through its body, then the client leaves.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	body := "--x\r\nContent-Disposition: form-data; name=\"case_type\"\r\n\r\nhousehold\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"h.csv\"\r\n\r\nexternal_id,name\r\nH-1,a\r\n"
	fmt.Fprintf(c, "POST /a/one/importer/excel/bulk_upload_api/ HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n%s", auth, len(body)+1000, body)
	time.Sleep(200 * time.Millisecond)
	c.Close()
	// A commit whose client cancels while it runs.
	req := batch(t, "cancel", 20000)
	b, _ := json.Marshal(req)
	ctx, cancel := context.WithCancel(context.Background())
	hr, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/a/one/api/imports/", bytes.NewReader(b))
	hr.Header.Set("Authorization", auth)
	hr.Header.Set("Idempotency-Key", "cancelled")
	go func() { time.Sleep(300 * time.Millisecond); cancel() }()
	_, err = http.DefaultClient.Do(hr)
	if err == nil {
		t.Log("the commit finished before the cancel")
	}
	time.Sleep(500 * time.Millisecond)
	counts := countBatches(t, st, "one")
	if n := counts["cancel"]; n != 0 && n != 20000 {
		t.Fatalf("a cancelled commit left %d of 20,000 rows", n)
	}
	if n, _ := st.CountCases(context.Background(), "one", ""); n != counts["cancel"] {
		t.Fatalf("the cut upload stored rows: %d cases", n)
	}
	// The same key afterwards: either the stored answer or a fresh commit, once.
	code, out, err := post("http://"+addr+"/a/one/api/imports/", auth, "cancelled", req)
	if err != nil || code != 200 {
		t.Fatalf("retry after cancel: %d %v %s", code, err, out)
	}
	var r api.CommitResponse
	_ = json.Unmarshal(out, &r)
	if n := countBatches(t, st, "one")["cancel"]; n != 20000 {
		t.Fatalf("after the retry %d rows, want 20,000", n)
	}
	if err := st.Integrity(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("cut upload: no job, no rows; cancelled commit: %d rows before the retry, 20,000 after, once", counts["cancel"])
}

// FuzzCheckHandler posts arbitrary bodies to the check endpoint: it never
// answers 5xx and never panics.
func FuzzCheckHandler(f *testing.F) {
	f.Add(`{"tables":[{"file":"a.csv","sheet":"a","case_type":"household","header":["external_id","name"],"rows":[{"n":2,"c":["H-1","x"]}]}],"spec":{"search_field":"external_id","create_new_cases":true}}`)
	f.Add(`{"tables":[{"header":["name","name"],"rows":[{"n":2,"c":["a"],"k":"AQ=="}]}]}`)
	f.Add(`{"spec":{"search_field":"nope"}}`)
	f.Add(`[]`)
	st, auth := fuzzStore(f)
	srv := httptest.NewServer(&httpserver.Server{Store: st, Importer: &importer.Importer{Store: st}, Config: httpserver.DefaultConfig()})
	f.Cleanup(srv.Close)
	f.Fuzz(func(t *testing.T, body string) {
		req, _ := http.NewRequest("POST", srv.URL+"/a/one/api/check", strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%d for %q", resp.StatusCode, body)
		}
	})
}

// FuzzBulkUpload posts arbitrary files to the bulk API: 200, or the
// documented HTTP 500 JSON, never anything else.
func FuzzBulkUpload(f *testing.F) {
	f.Add([]byte("external_id,name\nH-1,a\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	st, auth := fuzzStore(f)
	srv := httptest.NewServer(&httpserver.Server{Store: st, Importer: &importer.Importer{Store: st}, Config: httpserver.DefaultConfig()})
	f.Cleanup(srv.Close)
	f.Fuzz(func(t *testing.T, file []byte) {
		var body bytes.Buffer
		fmt.Fprintf(&body, "--x\r\nContent-Disposition: form-data; name=\"case_type\"\r\n\r\nhousehold\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\n\r\n")
		body.Write(file)
		body.WriteString("\r\n--x--\r\n")
		req, _ := http.NewRequest("POST", srv.URL+"/a/one/importer/excel/bulk_upload_api/", &body)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out api.BulkUploadResponse
		derr := json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		switch {
		case resp.StatusCode == 200 && out.Code == 200:
		case resp.StatusCode == 500 && out.Code == 500 && out.Message != "" && derr == nil:
		default:
			t.Fatalf("%d %+v (%v)", resp.StatusCode, out, derr)
		}
	})
}

func fuzzStore(f *testing.F) (*store.Store, string) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(f.TempDir(), "fz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	_ = st.CreateDomain(ctx, "one")
	u, _, _ := st.CreateUser(ctx, "one", "a@one.example", "admin")
	k, _ := st.CreateAPIKey(ctx, "one", u.ID)
	return st, "ApiKey a@one.example:" + k
}
