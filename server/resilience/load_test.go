package resilience

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"casegate/server/httpserver"
	"casegate/server/importer"
	"casegate/server/store"
	"casegate/server/storetest"
	"casegate/shared/api"
)

// TestLoad runs clients against one server at once: JSON commits from
// several domains, bulk uploads, status pollers, and one idempotency key
// posted by eight clients together. Short by default; CASEGATE_SOAK=N
// multiplies the work (make soak).
func TestLoad(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { load(t, filepath.Join(t.TempDir(), "l.db")) })
	t.Run("postgres", func(t *testing.T) { load(t, storetest.PostgresDSN(t)) })
}

func load(t *testing.T, dsn string) {
	scale := 1
	if s := os.Getenv("CASEGATE_SOAK"); s != "" {
		scale, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	im := &importer.Importer{Store: st}
	srv := httptest.NewServer(&httpserver.Server{Store: st, Importer: im, Config: httpserver.DefaultConfig()})
	defer srv.Close()
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go im.RunJobs(wctx, "load", 50*time.Millisecond)
	domains := []string{"d1", "d2", "d3", "d4"}
	keys := map[string]string{}
	for _, d := range domains {
		_ = st.CreateDomain(ctx, d)
		u, _, _ := st.CreateUser(ctx, d, "u@"+d+".example", "editor")
		k, _ := st.CreateAPIKey(ctx, d, u.ID)
		keys[d] = "ApiKey u@" + d + ".example:" + k
	}
	const clients, perClient, rows = 16, 5, 100
	var mu sync.Mutex
	var lat []time.Duration
	fails := map[int]int{}
	acked := map[string]int{} // domain → rows acknowledged
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			d := domains[c%len(domains)]
			for i := 0; i < perClient*scale; i++ {
				name := fmt.Sprintf("c%02di%03d", c, i)
				start := time.Now()
				code, _, err := post(srv.URL+"/a/"+d+"/api/imports/", keys[d], name, batch(t, name, rows))
				mu.Lock()
				lat = append(lat, time.Since(start))
				if err != nil || code != 200 {
					fails[code]++
				} else {
					acked[d] += rows
				}
				mu.Unlock()
			}
		}(c)
	}
	// Bulk uploads with status pollers.
	var statusURLs []string
	for i := 0; i < 4*scale; i++ {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "bulk.csv")
		fmt.Fprintf(fw, "external_id,name\n")
		for r := 0; r < 200; r++ {
			fmt.Fprintf(fw, "BULK%d-%d,Bulk %d\n", i, r, r)
		}
		_ = mw.WriteField("case_type", "household")
		_ = mw.WriteField("search_field", "external_id")
		_ = mw.WriteField("create_new_cases", "on")
		_ = mw.Close()
		req, _ := http.NewRequest("POST", srv.URL+"/a/d1/importer/excel/bulk_upload_api/", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", keys["d1"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var up api.BulkUploadResponse
		_ = json.NewDecoder(resp.Body).Decode(&up)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("bulk upload %d: %d %+v", i, resp.StatusCode, up)
			continue
		}
		statusURLs = append(statusURLs, up.StatusURL)
	}
	// One key from eight clients at once: exactly one commit.
	shared := batch(t, "shared", rows)
	var sharedCodes []int
	var sw sync.WaitGroup
	for i := 0; i < 8; i++ {
		sw.Add(1)
		go func() {
			defer sw.Done()
			code, _, _ := post(srv.URL+"/a/d2/api/imports/", keys["d2"], "the-same-key", shared)
			mu.Lock()
			sharedCodes = append(sharedCodes, code)
			mu.Unlock()
		}()
	}
	sw.Wait()
	wg.Wait()
	// Pollers until every bulk job is done.
	deadline := time.Now().Add(60 * time.Second)
	for _, u := range statusURLs {
		for {
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("Authorization", keys["d1"])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var stt api.BulkStatus
			_ = json.NewDecoder(resp.Body).Decode(&stt)
			resp.Body.Close()
			if stt.State >= 2 {
				if stt.State != 2 || stt.Result.CreatedCount != 200 {
					t.Errorf("bulk job %s: %+v", u, stt)
				}
				acked["d1"] += stt.Result.CreatedCount
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("bulk job %s did not finish", u)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	ok := 0
	for _, c := range sharedCodes {
		if c == 200 {
			ok++
		} else if c != 409 {
			t.Errorf("the shared key answered %d", c)
		}
	}
	if ok == 0 {
		t.Error("the shared key never committed")
	}
	if n := countBatches(t, st, "d2")["shared"]; n != rows {
		t.Errorf("the shared key stored %d rows, want %d (once)", n, rows)
	} else {
		acked["d2"] += rows
	}
	if len(fails) > 0 {
		t.Errorf("failed requests by status: %v", fails)
	}
	for _, d := range domains {
		n, _ := st.CountCases(ctx, d, "")
		if n != acked[d] {
			t.Errorf("%s: %d rows stored, %d acknowledged", d, n, acked[d])
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))].Round(time.Millisecond) }
	t.Logf("%d commits of %d rows by %d clients in 4 domains, %d bulk jobs of 200 rows, 8 clients on one key (%d answered 200, the others 409): p50 %v, p99 %v, max %v; stored = acknowledged",
		len(lat), rows, clients, len(statusURLs), ok, p(0.5), p(0.99), p(1))
}
