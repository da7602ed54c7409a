package httpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"casegate/server/httpserver"
	"casegate/server/importer"
	"casegate/server/store"
	"casegate/server/storetest"
	"casegate/shared/api"
	"casegate/shared/engine"
	"casegate/shared/sheet"
	"casegate/shared/spec"
	"casegate/shared/tablewire"
)

// env is a running server with two domains and their users.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	st    *store.Store
	im    *importer.Importer
	key   string // ApiKey header value for alice@one
	other string // ApiKey header value for bob@two
	pass  string // alice's password
	stop  context.CancelFunc
}

func newEnv(t *testing.T, dsn string) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, st: st}
	for _, d := range []string{"one", "two"} {
		if err := st.CreateDomain(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	alice, pw, err := st.CreateUser(ctx, "one", "alice@one.example", "admin")
	if err != nil {
		t.Fatal(err)
	}
	k, err := st.CreateAPIKey(ctx, "one", alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.key, e.pass = "ApiKey alice@one.example:"+k, pw
	bob, _, err := st.CreateUser(ctx, "two", "bob@two.example", "admin")
	if err != nil {
		t.Fatal(err)
	}
	k2, err := st.CreateAPIKey(ctx, "two", bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.other = "ApiKey bob@two.example:" + k2
	e.im = &importer.Importer{Store: st}
	s := &httpserver.Server{Store: st, Importer: e.im, Config: httpserver.DefaultConfig()}
	e.srv = httptest.NewServer(s)
	t.Cleanup(e.srv.Close)
	wctx, cancel := context.WithCancel(ctx)
	e.stop = cancel
	t.Cleanup(cancel)
	go e.im.RunJobs(wctx, "test", 20*time.Millisecond)
	return e
}

func (e *env) do(method, path, auth string, body any, hdr map[string]string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// tables reads a csv into wire tables as the page would.
func tables(t *testing.T, name, caseType, body string) []api.Table {
	t.Helper()
	book, err := sheet.Read(name, []byte(body), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := engine.TablesFromBook(name, book, caseType, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	return api.FromEngine(ts)
}

// commitRequest checks a batch, as the page does, and returns the commit
// request carrying the plan's hash.
func (e *env) commitRequest(tbls []api.Table, sp spec.Spec) api.CommitRequest {
	e.t.Helper()
	code, b := e.do("POST", "/a/one/api/check", e.key, api.CheckRequest{Tables: tbls, Spec: sp}, nil)
	if code != 200 {
		e.t.Fatalf("check: %d %s", code, b)
	}
	var plan engine.Plan
	if err := json.Unmarshal(b, &plan); err != nil {
		e.t.Fatal(err)
	}
	return api.CommitRequest{CheckRequest: api.CheckRequest{Tables: tbls, Spec: sp}, FileName: "test.csv", PlanHash: plan.Hash}
}

// commit checks then commits.
func (e *env) commit(tbls []api.Table, sp spec.Spec, key string) (int, api.CommitResponse) {
	e.t.Helper()
	return e.send(e.commitRequest(tbls, sp), key)
}

// send posts a commit request.
func (e *env) send(req api.CommitRequest, key string) (int, api.CommitResponse) {
	e.t.Helper()
	code, b := e.do("POST", "/a/one/api/imports/", e.key, req, map[string]string{"Idempotency-Key": key})
	var resp api.CommitResponse
	_ = json.Unmarshal(b, &resp)
	if code != 200 {
		e.t.Logf("commit answered %d: %s", code, b)
	}
	return code, resp
}

const householdsCSV = "external_id,name,village\nHH-1,First,Kiambu\nHH-2,Second,Kisumu\n"
const membersCSV = "external_id,name,parent_external_id,parent_type,dob\nM-1,Ann,HH-1,household,2001-02-03\nM-2,Ben,HH-2,household,2002-03-04\n"

var extSpec = spec.Spec{CaseType: "household", SearchField: "external_id", CreateNewCases: true, OnError: "halt"}

func forEachDB(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "test.db")) })
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PostgresDSN(t)
		fn(t, dsn)
	})
}

func TestE2E_ParentsAndChildrenInOneUpload(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tb := append(tables(t, "members.csv", "member", membersCSV), tables(t, "households.csv", "household", householdsCSV)...)
		code, resp := e.commit(tb, extSpec, "k1")
		if code != 200 || resp.Created != 4 {
			t.Fatalf("commit: %d %+v", code, resp)
		}
		code, b := e.do("GET", "/a/one/api/cases/?case_type=member", e.key, nil, nil)
		if code != 200 {
			t.Fatalf("%d %s", code, b)
		}
		var page api.CasesPage
		_ = json.Unmarshal(b, &page)
		if len(page.Cases) != 2 {
			t.Fatalf("members: %d", len(page.Cases))
		}
		for _, c := range page.Cases {
			if c.Parent == nil || c.Parent.CaseType != "household" || c.Parent.CaseID == "" {
				t.Errorf("member %s has parent %+v", c.ExternalID, c.Parent)
			}
		}
	})
}

func TestE2E_TwoUploadsAndIdempotentRetry(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		if code, r := e.commit(tables(t, "households.csv", "household", householdsCSV), extSpec, "a"); code != 200 || r.Created != 2 {
			t.Fatalf("households: %d %+v", code, r)
		}
		req := e.commitRequest(tables(t, "members.csv", "member", membersCSV), extSpec)
		code, first := e.send(req, "b")
		if code != 200 || first.Created != 2 {
			t.Fatalf("members: %d %+v", code, first)
		}
		// The reply was lost; the client retries with the same key and body
		// and gets the same answer, and nothing is committed twice.
		code, again := e.send(req, "b")
		if code != 200 || again != first {
			t.Fatalf("retry: %d %+v, want 200 %+v", code, again, first)
		}
		n, _ := e.st.CountCases(context.Background(), "one", "member")
		if n != 2 {
			t.Fatalf("members stored after retry: %d, want 2", n)
		}
		// A retry with a new key re-checks: every row is unchanged now.
		code, r3 := e.send(req, "c")
		if code != 409 {
			t.Fatalf("stale plan with a new key: %d %+v, want 409", code, r3)
		}
		// Same key, another body: 422.
		code, _ = e.commit(tables(t, "h2.csv", "household", "external_id,name\nHH-9,Nine\n"), extSpec, "b")
		if code != 422 {
			t.Fatalf("same key, other body: %d, want 422", code)
		}
	})
}

func TestE2E_HaltAndSkip(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		bad := "external_id,name,parent_external_id,parent_type\nM-1,Ann,HH-404,household\nM-2,Ben,,\n"
		code, _ := e.commit(tables(t, "m.csv", "member", bad), extSpec, "h")
		if code != 422 {
			t.Fatalf("halt with errors: %d, want 422", code)
		}
		if n, _ := e.st.CountCases(context.Background(), "one", ""); n != 0 {
			t.Fatalf("halt stored %d cases", n)
		}
		skip := extSpec
		skip.OnError = "skip"
		code, r := e.commit(tables(t, "m.csv", "member", bad), skip, "s")
		if code != 200 || r.Created != 1 || r.Failed != 1 {
			t.Fatalf("skip: %d %+v", code, r)
		}
	})
}

func TestE2E_UndoWithConflict(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		_, r1 := e.commit(tables(t, "h.csv", "household", householdsCSV), extSpec, "u1")
		upd := "external_id,name,village\nHH-1,First renamed,Kiambu\nHH-2,Second renamed,Kisumu\n"
		_, r2 := e.commit(tables(t, "h.csv", "household", upd), extSpec, "u2")
		if r2.Updated != 2 {
			t.Fatalf("update: %+v", r2)
		}
		// Someone changes HH-2 after the second import.
		upd3 := "external_id,name,village\nHH-2,Second by hand,Kisumu\n"
		_, r3 := e.commit(tables(t, "h3.csv", "household", upd3), extSpec, "u3")
		if r3.Updated != 1 {
			t.Fatalf("third: %+v", r3)
		}
		code, b := e.do("GET", "/a/one/api/imports/"+r2.ImportID+"/undo", e.key, nil, nil)
		var prev api.UndoPreview
		_ = json.Unmarshal(b, &prev)
		if code != 200 || prev.Restore != 1 || len(prev.Conflicts) != 1 {
			t.Fatalf("preview: %d %s", code, b)
		}
		code, b = e.do("POST", "/a/one/api/imports/"+r2.ImportID+"/undo", e.key, nil, map[string]string{"Idempotency-Key": "undo-1"})
		if code != 200 {
			t.Fatalf("undo: %d %s", code, b)
		}
		cs, _ := e.st.FindCasesByExternalID(context.Background(), e.st.DB(), "one", "household", []string{"HH-1", "HH-2"})
		if cs["HH-1"][0].Name != "First" || cs["HH-2"][0].Name != "Second by hand" {
			t.Fatalf("after undo: HH-1 %q HH-2 %q", cs["HH-1"][0].Name, cs["HH-2"][0].Name)
		}
		// Undo is idempotent.
		code, b2 := e.do("POST", "/a/one/api/imports/"+r2.ImportID+"/undo", e.key, nil, map[string]string{"Idempotency-Key": "undo-2"})
		var u1, u2 api.ImportRecord
		_ = json.Unmarshal(b, &u1)
		_ = json.Unmarshal(b2, &u2)
		if code != 200 || u1.ID != u2.ID {
			t.Fatalf("second undo: %d %s", code, b2)
		}
		// Undoing the first import removes the cases it created (HH-1 only:
		// HH-2 was changed since).
		code, b = e.do("POST", "/a/one/api/imports/"+r1.ImportID+"/undo", e.key, nil, nil)
		if code != 200 {
			t.Fatalf("undo 1: %d %s", code, b)
		}
		if n, _ := e.st.CountCases(context.Background(), "one", "household"); n != 1 {
			t.Fatalf("households left: %d, want 1", n)
		}
	})
}

func TestE2E_ExportReimportUnchanged(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tb := append(tables(t, "h.csv", "household", householdsCSV), tables(t, "m.csv", "member", membersCSV)...)
		if code, _ := e.commit(tb, extSpec, "x1"); code != 200 {
			t.Fatal(code)
		}
		for _, ct := range []string{"household", "member"} {
			code, b := e.do("GET", "/a/one/api/cases/?case_type="+ct+"&format=csv", e.key, nil, nil)
			if code != 200 {
				t.Fatalf("export: %d %s", code, b)
			}
			sp := spec.Spec{SearchField: "case_id", OnError: "halt"}
			code, bb := e.do("POST", "/a/one/api/check", e.key, api.CheckRequest{Tables: tables(t, ct+".csv", ct, string(b)), Spec: sp}, nil)
			var plan engine.Plan
			_ = json.Unmarshal(bb, &plan)
			if code != 200 || plan.Summary.Unchanged != 2 || plan.Summary.Rows != 2 {
				t.Fatalf("%s re-import: %d summary %+v\nexport:\n%s\nplan: %s", ct, code, plan.Summary, b, bb)
			}
		}
	})
}

func TestE2E_CrossDomainRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		_, r := e.commit(tables(t, "h.csv", "household", householdsCSV), extSpec, "c1")
		for _, path := range []string{"/a/one/api/imports/" + r.ImportID, "/a/one/api/cases/", "/a/one/api/imports/"} {
			if code, _ := e.do("GET", path, e.other, nil, nil); code != 404 {
				t.Errorf("bob GET %s: %d, want 404", path, code)
			}
		}
		if code, _ := e.do("GET", "/a/two/api/imports/"+r.ImportID, e.other, nil, nil); code != 404 {
			t.Errorf("bob reading alice's import through his own domain: %d, want 404", code)
		}
		if code, _ := e.do("GET", "/a/one/api/cases/", "", nil, nil); code != 401 {
			t.Errorf("no auth: %d, want 401", code)
		}
		if code, _ := e.do("GET", "/a/one/api/cases/", "ApiKey alice@one.example:wrong", nil, nil); code != 401 {
			t.Errorf("bad key: %d, want 401", code)
		}
		if code, _ := e.do("GET", "/a/one/api/cases/", "ApiKey nobody@x.example:wrong", nil, nil); code != 401 {
			t.Errorf("unknown user: %d, want 401", code)
		}
	})
}

// TestE2E_BulkCurl runs the bulk API seed's curl call, as written, with only
// the host and credentials changed, then polls the status URL.
func TestE2E_BulkCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is not installed (.ci/run installs it)")
	}
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		dir := t.TempDir()
		xlsx := filepath.Join(dir, "household_case_upload.xlsx")
		writeHouseholdWorkbook(t, xlsx)
		cmd := exec.Command("curl", "-sS", e.srv.URL+"/a/one/importer/excel/bulk_upload_api/", "-u", "alice@one.example:"+e.pass,
			"-F", "file=@household_case_upload.xlsx", "-F", "case_type=household", "-F", "search_field=external_id",
			"-F", "search_column=household_id", "-F", "create_new_cases=on")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v %s", err, out)
		}
		var up api.BulkUploadResponse
		if err := json.Unmarshal(out, &up); err != nil || up.Code != 200 || up.Message != "success" || up.StatusURL == "" {
			t.Fatalf("upload answer: %s", out)
		}
		var st api.BulkStatus
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			out, err := exec.Command("curl", "-sS", "-u", "alice@one.example:"+e.pass, up.StatusURL).CombinedOutput()
			if err != nil {
				t.Fatalf("status: %v %s", err, out)
			}
			if err := json.Unmarshal(out, &st); err != nil {
				t.Fatalf("status JSON: %s", out)
			}
			if st.State >= 2 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if st.State != 2 || st.Result.CreatedCount != 2 || st.Result.MatchCount != 0 {
			t.Fatalf("status: %+v", st)
		}
		if len(st.Result.Errors) != 1 || st.Result.Errors[0].Title != "Blank External ID" || fmt.Sprint(st.Result.Errors[0].Rows) != "[4]" {
			t.Fatalf("errors: %+v", st.Result.Errors)
		}
		// A file that is not a spreadsheet: HTTP 500 with CommCare's JSON.
		bad := filepath.Join(dir, "notes.txt")
		_ = os.WriteFile(bad, []byte{0, 1, 2, 3, 0xff}, 0o644)
		out, _ = exec.Command("curl", "-sS", "-w", "\n%{http_code}", e.srv.URL+"/a/one/importer/excel/bulk_upload_api/", "-u", "alice@one.example:"+e.pass,
			"-F", "file=@"+bad, "-F", "case_type=household").CombinedOutput()
		if !strings.HasSuffix(strings.TrimSpace(string(out)), "500") || !strings.Contains(string(out), `"code":500`) {
			t.Fatalf("bad file answer: %s", out)
		}
	})
}

func writeHouseholdWorkbook(t *testing.T, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"household_id", "name", "village"}, {"HH-1", "First", "Kiambu"}, {"HH-2", "Second", "Kisumu"}, {"", "Nameless", "Meru"}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestE2E_UpdateByCaseIDAndOwners(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		ctx := context.Background()
		gid, err := e.st.CreateGroup(ctx, "one", "Field team")
		if err != nil {
			t.Fatal(err)
		}
		_, r := e.commit(tables(t, "h.csv", "household", householdsCSV), extSpec, "o1")
		rec := e.getImport(r.ImportID)
		id1 := rec.Results[0].CaseID
		body := "case_id,name,owner_name\n" + id1 + ",First (by id),Field team\n" + id1 + "x,Ghost,\n,New by id,alice@one.example\n"
		sp := spec.Spec{SearchField: "case_id", CreateNewCases: true, OnError: "skip"}
		code, r2 := e.commit(tables(t, "byid.csv", "household", body), sp, "o2")
		if code != 200 || r2.Updated != 1 || r2.Created != 1 || r2.Failed != 1 {
			t.Fatalf("by case_id: %d %+v", code, r2)
		}
		cs, _ := e.st.FindCasesByID(ctx, e.st.DB(), "one", []string{id1})
		if cs[id1].Name != "First (by id)" || cs[id1].OwnerID != gid {
			t.Fatalf("updated case: %+v", cs[id1])
		}
		rec2 := e.getImport(r2.ImportID)
		if rec2.Results[1].Action != "error" || rec2.Results[1].Issues[0].Code != "no_match" {
			t.Fatalf("unknown case_id: %+v", rec2.Results[1])
		}
		// An owner that is not in the project is an error, not a silent skip.
		code, _ = e.commit(tables(t, "o.csv", "household", "external_id,name,owner_name\nHH-7,Seven,nobody@else.example\n"), extSpec, "o3")
		if code != 422 {
			t.Fatalf("invalid owner with halt: %d, want 422", code)
		}
		// The error file of an import lists its rows that were not imported.
		code, b := e.do("GET", "/a/one/api/imports/"+r2.ImportID+"/errors.csv", e.key, nil, nil)
		if code != 200 || !strings.Contains(string(b), id1+"x,Ghost") || !strings.Contains(string(b), "matches no case") {
			t.Fatalf("error file: %d %s", code, b)
		}
		code, b = e.do("GET", "/a/one/api/imports/"+r2.ImportID+"/errors.xlsx", e.key, nil, nil)
		if code != 200 || !bytes.HasPrefix(b, []byte("PK")) {
			t.Fatalf("error workbook: %d", code)
		}
	})
}

func (e *env) getImport(id string) api.ImportRecord {
	e.t.Helper()
	code, b := e.do("GET", "/a/one/api/imports/"+id, e.key, nil, nil)
	if code != 200 {
		e.t.Fatalf("import %s: %d %s", id, code, b)
	}
	var rec api.ImportRecord
	_ = json.Unmarshal(b, &rec)
	return rec
}

func TestE2E_SpecsTemplatesCaseTypes(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		code, b := e.do("POST", "/a/one/api/specs/", e.key, map[string]any{"name": "Monthly households", "spec": extSpec}, nil)
		var saved api.SavedSpec
		_ = json.Unmarshal(b, &saved)
		if code != 201 || saved.ID == "" || saved.Spec.SearchColumn != "external_id" {
			t.Fatalf("create spec: %d %s", code, b)
		}
		code, b = e.do("POST", "/a/one/api/specs/"+saved.ID+"/duplicate", e.key, nil, nil)
		var dup api.SavedSpec
		_ = json.Unmarshal(b, &dup)
		if code != 201 || dup.Name != "Monthly households (copy)" {
			t.Fatalf("duplicate: %d %s", code, b)
		}
		if code, _ := e.do("PATCH", "/a/one/api/specs/"+dup.ID, e.key, map[string]string{"name": "Weekly"}, nil); code != 200 {
			t.Fatalf("rename: %d", code)
		}
		// A commit made with the copy makes it the one offered next time.
		req := e.commitRequest(tables(t, "h.csv", "household", householdsCSV), extSpec)
		req.SpecID = dup.ID
		if code, _ := e.send(req, "spec-1"); code != 200 {
			t.Fatalf("commit with a spec: %d", code)
		}
		code, b = e.do("GET", "/a/one/api/specs/?case_type="+saved.Spec.CaseType, e.key, nil, nil)
		var specs api.Specs
		_ = json.Unmarshal(b, &specs)
		if code != 200 || specs.Last != dup.ID {
			t.Fatalf("last spec: %d %s, want %s", code, b, dup.ID)
		}
		if code, _ := e.do("DELETE", "/a/one/api/specs/"+saved.ID, e.key, nil, nil); code != 200 {
			t.Fatalf("delete: %d", code)
		}
		code, b = e.do("GET", "/a/one/api/specs/", e.key, nil, nil)
		if code != 200 || !strings.Contains(string(b), `"Weekly"`) || strings.Contains(string(b), "Monthly households\"") {
			t.Fatalf("list: %d %s", code, b)
		}
		if code, _ := e.do("GET", "/a/two/api/specs/", e.key, nil, nil); code != 404 {
			t.Fatalf("other domain's specs: %d", code)
		}
		code, b = e.do("GET", "/a/one/api/case-types/member/template.csv", e.key, nil, nil)
		if code != 200 || !strings.HasPrefix(string(b), "external_id,name,parent_external_id,parent_type,dob,sex") {
			t.Fatalf("template csv: %d %s", code, b)
		}
		if code, b := e.do("GET", "/a/one/api/case-types/member/template.xlsx", e.key, nil, nil); code != 200 || !bytes.HasPrefix(b, []byte("PK")) {
			t.Fatalf("template xlsx: %d", code)
		}
		ct := map[string]any{"name": "visit", "fields": []map[string]any{{"name": "visit_date", "kind": "date", "required": true}}}
		if code, b := e.do("PUT", "/a/one/api/case-types/visit", e.key, ct, nil); code != 200 {
			t.Fatalf("save case type: %d %s", code, b)
		}
		// The new rule applies at once.
		code, b = e.do("POST", "/a/one/api/check", e.key, api.CheckRequest{Tables: tables(t, "v.csv", "visit", "external_id,visit_date\nV-1,\nV-2,2025-01-02\n"), Spec: extSpec}, nil)
		var plan engine.Plan
		_ = json.Unmarshal(b, &plan)
		if code != 200 || plan.Summary.Error != 1 || plan.Rows[0].Issues[0].Code != "required" {
			t.Fatalf("check with the new case type: %d %s", code, b)
		}
		if code, _ := e.do("PUT", "/a/one/api/case-types/visit", e.key, map[string]any{"name": "visit", "fields": []map[string]any{{"name": "closed"}}}, nil); code != 400 {
			t.Fatalf("reserved field accepted: %d", code)
		}
	})
}

func TestE2E_ViewerAndCookies(t *testing.T) {
	e := newEnv(t, filepath.Join(t.TempDir(), "v.db"))
	ctx := context.Background()
	v, pw, err := e.st.CreateUser(ctx, "one", "viewer@one.example", "viewer")
	if err != nil {
		t.Fatal(err)
	}
	_ = v
	// Sign in with a cookie.
	resp, err := http.Post(e.srv.URL+"/api/login", "application/json", strings.NewReader(`{"email":"viewer@one.example","password":"`+pw+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", err, resp.Status)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == httpserver.SessionCookie {
			cookie = c
		}
	}
	resp.Body.Close()
	if cookie == nil || !cookie.HttpOnly {
		t.Fatalf("no HttpOnly session cookie: %+v", resp.Cookies())
	}
	get := func(method, path, origin string) int {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(`{}`))
		req.AddCookie(cookie)
		if origin != "" {
			req.Header.Set("Origin", origin)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if c := get("GET", "/a/one/api/imports/", ""); c != 200 {
		t.Fatalf("viewer reads: %d", c)
	}
	if c := get("POST", "/a/one/api/specs/", ""); c != 403 {
		t.Fatalf("viewer writes: %d, want 403", c)
	}
	if c := get("POST", "/a/one/api/check", "https://evil.example"); c != 403 {
		t.Fatalf("cross-site write with the cookie: %d, want 403", c)
	}
	if code, _ := e.do("POST", "/api/login", "", map[string]string{"email": "viewer@one.example", "password": "nope"}, nil); code != 401 {
		t.Fatalf("bad login: %d", code)
	}
}

// TestE2E_NewParentChosen: two members name a household nobody has; the
// person chooses "a new household" for that key; the commit creates it once,
// links both, and undo takes all three away.
func TestE2E_NewParentChosen(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		body := "external_id,name,parent_external_id,parent_type\nM-1,Ann,HH-NEW,household\nM-2,Ben,HH-NEW,household\n"
		chk := api.CheckRequest{Tables: tables(t, "members.csv", "member", body), Spec: extSpec,
			Choices: []engine.Choice{{ParentType: "household", Key: "HH-NEW", New: true}}}
		code, b := e.do("POST", "/a/one/api/check", e.key, chk, nil)
		var plan engine.Plan
		if err := json.Unmarshal(b, &plan); code != 200 || err != nil || plan.Summary.Error != 0 || plan.Summary.NewParents != 1 {
			t.Fatalf("check: %d %s", code, b)
		}
		code, resp := e.send(api.CommitRequest{CheckRequest: chk, FileName: "members.csv", PlanHash: plan.Hash}, "np")
		if code != 200 || resp.Created != 3 {
			t.Fatalf("commit: %d %+v, want 3 created (the new household and two members)", code, resp)
		}
		hh, _ := e.st.FindCasesByExternalID(context.Background(), e.st.DB(), "one", "household", []string{"HH-NEW"})
		if len(hh["HH-NEW"]) != 1 {
			t.Fatalf("households HH-NEW: %+v", hh)
		}
		ms, _ := e.st.FindCasesByExternalID(context.Background(), e.st.DB(), "one", "member", []string{"M-1", "M-2"})
		for _, id := range []string{"M-1", "M-2"} {
			if m := ms[id]; len(m) != 1 || m[0].Parent == nil || m[0].Parent.CaseID != hh["HH-NEW"][0].CaseID {
				t.Errorf("%s: %+v, want the new household %s as parent", id, m, hh["HH-NEW"][0].CaseID)
			}
		}
		if code, b := e.do("POST", "/a/one/api/imports/"+resp.ImportID+"/undo", e.key, nil, nil); code != 200 {
			t.Fatalf("undo: %d %s", code, b)
		}
		for _, ct := range []string{"household", "member"} {
			if n, _ := e.st.CountCases(context.Background(), "one", ct); n != 0 {
				t.Errorf("%d %s cases left after undo", n, ct)
			}
		}
	})
}

// TestE2E_CompactTablesAndEdits: the page sends the reader's compact form
// and its edits; the server checks and commits the tables as edited.
func TestE2E_CompactTablesAndEdits(t *testing.T) {
	forEachDB(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tb := tables(t, "households.csv", "household", "external_id,name,village\nHH-1,First,Kiambu\nHH-2,,Kisumu\n")
		chk := api.CheckRequest{TablesWire: tablewire.Encode(tb), Spec: extSpec,
			Edits: []tablewire.Edit{{File: tb[0].File, Sheet: tb[0].Sheet, Row: 3, Col: 1, Value: "Second, as fixed"}}}
		code, b := e.do("POST", "/a/one/api/check", e.key, chk, nil)
		var plan engine.Plan
		if err := json.Unmarshal(b, &plan); code != 200 || err != nil || plan.Summary.Error != 0 || plan.Summary.Create != 2 {
			t.Fatalf("check: %d %s", code, b)
		}
		code, resp := e.send(api.CommitRequest{CheckRequest: chk, FileName: "households.csv", PlanHash: plan.Hash}, "cw")
		if code != 200 || resp.Created != 2 {
			t.Fatalf("commit: %d %+v", code, resp)
		}
		cs, _ := e.st.FindCasesByExternalID(context.Background(), e.st.DB(), "one", "household", []string{"HH-2"})
		if len(cs["HH-2"]) != 1 || cs["HH-2"][0].Name != "Second, as fixed" {
			t.Errorf("HH-2 as committed: %+v", cs["HH-2"])
		}
		both := chk
		both.Tables = tb
		if code, b := e.do("POST", "/a/one/api/check", e.key, both, nil); code != 400 || !strings.Contains(string(b), "send one") {
			t.Errorf("tables and tables_wire together: %d %s", code, b)
		}
		if code, b := e.do("POST", "/a/one/api/check", e.key, api.CheckRequest{TablesWire: "tw1\n1,garbage", Spec: extSpec}, nil); code != 400 || !strings.Contains(string(b), "tables_wire cannot be read") {
			t.Errorf("a damaged tables_wire: %d %s", code, b)
		}
	})
}

// TestE2E_CheckErrorWorkbook: before any commit, the review's batch (the
// compact tables and the edits) comes back as the marked workbook: the bad
// rows as the person has them, each bad cell filled and commented.
func TestE2E_CheckErrorWorkbook(t *testing.T) {
	e := newEnv(t, filepath.Join(t.TempDir(), "test.db"))
	tb := tables(t, "members.csv", "member", "external_id,name,dob\nM-1,Ann,2001-02-03\nM-2,Ben,1990-13-01\nM-3,,2000-01-01\n")
	req := api.CheckRequest{TablesWire: tablewire.Encode(tb), Spec: extSpec,
		Edits: []tablewire.Edit{{File: "members.csv", Sheet: tb[0].Sheet, Row: 4, Col: 1, Value: "Cy"}}}
	code, b := e.do("POST", "/a/one/api/check/errors.xlsx", e.key, req, nil)
	if code != 200 || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("workbook: %d %.300s", code, b)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sh := f.GetSheetName(0)
	rows, _ := f.GetRows(sh)
	if len(rows) != 2 || rows[1][0] != "M-2" || rows[1][2] != "1990-13-01" {
		t.Fatalf("rows %q: want the header and M-2 only (M-3 was fixed by the edit)", rows)
	}
	comments, _ := f.GetComments(sh)
	if len(comments) == 0 || comments[0].Cell != "C2" {
		t.Errorf("comments %+v, want one on C2 (the bad date)", comments)
	}
	if code, _ := e.do("POST", "/a/one/api/check/errors.pdf", e.key, req, nil); code != 404 {
		t.Errorf("errors.pdf: %d, want 404", code)
	}
}
