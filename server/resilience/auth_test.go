package resilience

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"casegate/server/httpserver"
	"casegate/server/importer"
	"casegate/server/store"
	"casegate/shared/api"
)

// TestAuth_Attacks tries RELIABILITY.md's attacks on auth and isolation.
func TestAuth_Attacks(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, d := range []string{"one", "two"} {
		_ = st.CreateDomain(ctx, d)
	}
	a, apw, _ := st.CreateUser(ctx, "one", "a@one.example", "admin")
	ak, _ := st.CreateAPIKey(ctx, "one", a.ID)
	b, _, _ := st.CreateUser(ctx, "two", "b@two.example", "admin")
	bk, _ := st.CreateAPIKey(ctx, "two", b.ID)
	im := &importer.Importer{Store: st}
	srv := httptest.NewServer(&httpserver.Server{Store: st, Importer: im, Config: httpserver.DefaultConfig()})
	defer srv.Close()
	// b's import and job, which a must not reach.
	secret := batch(t, "secret", 3)
	res, err := im.Commit(ctx, importer.Batch{Domain: "two", User: b, Tables: api.ToEngine(secret.Tables), Spec: secret.Spec, Kind: "commit"})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, auth string, hdr ...string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	akey := "ApiKey a@one.example:" + ak
	cases := []struct {
		name, method, path, auth string
		hdr                      []string
		want                     int
	}{
		{"A1 no credentials", "GET", "/a/one/api/imports/", "", nil, 401},
		{"A2 another domain's import by id", "GET", "/a/one/api/imports/" + res.ImportID, akey, nil, 404},
		{"A2 through the other domain's path", "GET", "/a/two/api/imports/" + res.ImportID, akey, nil, 404},
		{"A3 encoded traversal in the domain", "GET", "/a/one%2F..%2Ftwo/api/imports/", akey, nil, 404},
		{"A3 dot segments", "GET", "/a/two/../one/api/imports/", akey, nil, 200},
		{"A3 case of the domain", "GET", "/a/ONE/api/imports/", akey, nil, 404},
		{"A4 a guessed job id", "GET", "/a/one/importer/excel/upload_status/00000000000000000000000000000000/", akey, nil, 404},
		{"A5 the other domain's undo", "POST", "/a/two/api/imports/" + res.ImportID + "/undo", akey, nil, 404},
		{"A6 b's key used as a's", "GET", "/a/one/api/imports/", "ApiKey a@one.example:" + bk, nil, 401},
		{"A7 cross-site write with a cookie is refused", "POST", "/api/logout", "", []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, 403},
		{"A8 the bulk API of another domain", "POST", "/a/two/importer/excel/bulk_upload_api/", akey, nil, 404},
	}
	for _, c := range cases {
		code, body := do(c.method, c.path, c.auth, c.hdr...)
		// A dot segment is cleaned by the server's mux, with a redirect.
		if c.want == 200 && (code == 301 || code == 307) {
			code = 200
		}
		if code != c.want {
			t.Errorf("%s: %s %s → %d %s, want %d", c.name, c.method, c.path, code, body, c.want)
		} else {
			t.Logf("%-45s → %d", c.name, code)
		}
	}
	// A9: wrong secrets give the same answer whether the user exists or not.
	_, known := do("GET", "/a/one/api/imports/", "ApiKey a@one.example:wrong")
	_, unknown := do("GET", "/a/one/api/imports/", "ApiKey nobody@one.example:wrong")
	if known != unknown {
		t.Errorf("401 bodies differ: %q vs %q", known, unknown)
	}
	// Brute force: after 10 failures in a minute the right password is
	// refused too (503 + Retry-After) until the window passes.
	for i := 0; i < 10; i++ {
		req, _ := http.NewRequest("GET", srv.URL+"/a/one/api/imports/", nil)
		req.SetBasicAuth("a@one.example", "guess")
		resp, _ := http.DefaultClient.Do(req)
		resp.Body.Close()
	}
	req, _ := http.NewRequest("GET", srv.URL+"/a/one/api/imports/", nil)
	req.SetBasicAuth("a@one.example", apw)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("after 10 failed guesses the right password got %d (Retry-After %q), want 503", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// The limit is per email: b is not locked out by a's attacker.
	if code, _ := do("GET", "/a/two/api/imports/", "ApiKey b@two.example:"+bk); code != 200 {
		t.Errorf("another user after a's lockout: %d", code)
	}
}
