package resilience

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// zipParts builds an xlsx-like zip.
func zipParts(parts map[string][]byte, method uint16) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	for _, n := range names {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: method})
		_, _ = w.Write(parts[n])
	}
	_ = zw.Close()
	return buf.Bytes()
}

const wb = `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="household" sheetId="1" r:id="rId1"/></sheets></workbook>`
const rels = `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`

func workbook(sheet []byte) []byte {
	return zipParts(map[string][]byte{"xl/workbook.xml": []byte(wb), "xl/_rels/workbook.xml.rels": []byte(rels), "xl/worksheets/sheet1.xml": sheet}, zip.Deflate)
}

var (
	bombOnce sync.Once
	bombData []byte
)

// bombBytes is a 1 MB-ish xlsx whose sheet inflates to 300 MB of spaces,
// deflated as it is written so the test itself stays small.
func bombBytes() []byte {
	bombOnce.Do(func() {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string]string{"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels} {
			w, _ := zw.Create(name)
			_, _ = w.Write([]byte(body))
		}
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		_, _ = w.Write([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>external_id</t></is></c></row>`))
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for i := 0; i < 300; i++ {
			_, _ = w.Write(chunk)
		}
		_, _ = w.Write([]byte("</sheetData></worksheet>"))
		_ = zw.Close()
		bombData = buf.Bytes()
	})
	return bombData
}

// hostile lists the files of RELIABILITY.md §4.4, generated here.
func hostile() []struct {
	name string
	data []byte
	exit int    // the check command's exit status
	want string // in its output
} {
	var rows strings.Builder
	rows.WriteString("<worksheet><sheetData>")
	header := `<row r="1"><c r="A1" t="inlineStr"><is><t>external_id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>`
	rows.WriteString(header)
	for i := 2; i < 2002; i++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>H%d</t></is></c><c r="XFD%d"><v>1</v></c></row>`, i, i, i, i)
	}
	rows.WriteString("</sheetData></worksheet>")
	bomb := bombBytes()
	wide := "a" + strings.Repeat(",a", 16383) + "\n"
	longLine := append([]byte("external_id,name\n"), bytes.Repeat([]byte("a"), 32<<20)...)
	commas := append([]byte("external_id,name\n"), bytes.Repeat([]byte(","), 32<<20)...)
	laughs := workbook([]byte(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>`))
	dup := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := 0; i < 2; i++ {
			w, _ := zw.Create("xl/workbook.xml")
			_, _ = w.Write([]byte(wb))
		}
		_ = zw.Close()
		return buf.Bytes()
	}()
	cols301 := strings.Repeat("c,", 300) + "c\n" + strings.Repeat("1,", 300) + "1\n"
	var many strings.Builder
	many.WriteString("external_id,name\n")
	for i := 0; i < 100001; i++ {
		fmt.Fprintf(&many, "H-%d,n\n", i)
	}
	longID := "external_id,name\n" + strings.Repeat("x", 300) + ",too long an id\n"
	unicode := "external_id,name,village\nU-1,\u202eمرحبا\u202c,👩‍👩‍👧\nU-2,e\u0301le\u0300ve,Ω\n"
	injection := "external_id,name,village\nH-1,=HYPERLINK(\"http://evil.example\"),+cmd|' /C calc'!A0\n"
	return []struct {
		name string
		data []byte
		exit int
		want string
	}{
		{"bomb.xlsx", bomb, 2, "zip bomb"},
		{"xfd.xlsx", workbook([]byte(rows.String())), 2, "beyond the limit of 300 columns"},
		{"wide.csv", []byte("external_id,name\n" + wide), 2, "more than 300 columns"},
		{"longline.csv", longLine, 2, "longer than 1.0 MiB"},
		{"commas.csv", commas, 2, "more than 300 columns"},
		{"laughs.xlsx", laughs, 2, "DOCTYPE"},
		{"duplicated.xlsx", dup, 2, "appears twice"},
		{"missing.xlsx", zipParts(map[string][]byte{"xl/workbook.xml": []byte(wb)}, zip.Deflate), 2, "missing"},
		{"encrypted.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), 2, "password-protected"},
		{"renamed.xlsx", []byte("external_id,name\nH-1,a\n"), 2, "not a zip"},
		{"invalid-utf8.csv", []byte("external_id,name\nH-1,caf\xe9 \xff\xfe mixed \xc3\xa9\n"), 0, ""},
		{"nul.csv", []byte("external_id,name\nH-1,a\x00b\n"), 2, "binary"},
		{"cols301.csv", []byte(cols301), 2, "more than 300 columns"},
		{"rows100001.csv", []byte(many.String()), 2, "over the limit of 100,000 rows"},
		{"longid.csv", []byte(longID), 1, "at most 255 are allowed"},
		{"unicode.csv", []byte(unicode), 0, ""},
		{"injection.csv", []byte(injection), 0, ""},
	}
}

// TestHostile_Check runs every hostile file through the check command:
// a clear message or row issue, the right exit status, no panic, under
// 512 MiB and 30 s.
func TestHostile_Check(t *testing.T) {
	dir := t.TempDir()
	type file struct {
		name, want string
		exit, size int
	}
	var files []file
	for _, h := range hostile() {
		if err := os.WriteFile(filepath.Join(dir, h.name), h.data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file{h.name, h.want, h.exit, len(h.data)})
	}
	// The child's peak RSS, as wait4 reports it, counts the pages it shared
	// with this process before exec: keep this process small.
	runtime.GC()
	debug.FreeOSMemory()
	for _, h := range files {
		t.Run(h.name, func(t *testing.T) {
			r := runBin(t, dir, "check", "-case-type", "household", "-search-field", "external_id", "-create-new-cases", "on", h.name)
			out := r.stdout + r.stderr
			t.Logf("%-18s %8d bytes → exit %d in %v, peak RSS %.0f MiB: %s", h.name, h.size, r.code, r.took.Round(time.Millisecond), r.rssMB, firstLine(out))
			if r.code != h.exit {
				t.Errorf("exit %d, want %d: %s", r.code, h.exit, out)
			}
			if h.want != "" && !strings.Contains(out, h.want) {
				t.Errorf("output does not say %q: %s", h.want, out)
			}
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
				t.Errorf("panicked: %s", out)
			}
			if r.rssMB > 512 {
				t.Errorf("peak RSS %.0f MiB > 512 MiB", r.rssMB)
			}
			if r.took > 30*time.Second {
				t.Errorf("took %v > 30 s", r.took)
			}
		})
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 140 {
		s = s[:140] + "…"
	}
	return s
}

// upload posts a file to the bulk API.
func upload(t *testing.T, s *server, key, name string, data []byte) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	for k, v := range map[string]string{"case_type": "household", "search_field": "external_id", "create_new_cases": "on"} {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", s.url+"/a/one/importer/excel/bulk_upload_api/", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

// TestHostile_BulkAPI sends the same files to the bulk upload API of a real
// server process: refusals are HTTP 500 JSON as CommCare answers, accepted
// files become jobs, and the server's RSS stays bounded.
func TestHostile_BulkAPI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	key := addUser(t, db, "one", "a@one.example")
	s := startServer(t, db, freePort(t))
	defer s.kill()
	for _, h := range hostile() {
		if len(h.data) > 60<<20 { // over the upload limit: answered 413 before parsing
			code, out := upload(t, s, key, h.name, h.data)
			if code != 413 {
				t.Errorf("%s: %d %v, want 413", h.name, code, out)
			}
			continue
		}
		code, out := upload(t, s, key, h.name, h.data)
		msg, _ := out["message"].(string)
		switch {
		case h.exit == 2:
			if code != 500 || out["code"] != float64(500) || !strings.Contains(msg, h.want) {
				t.Errorf("%s: %d %v, want 500 naming %q", h.name, code, out, h.want)
			}
		default:
			if code != 200 || out["status_url"] == nil {
				t.Errorf("%s: %d %v, want a job", h.name, code, out)
			}
		}
		t.Logf("%-18s → HTTP %d %s", h.name, code, firstLine(msg))
	}
	// The server is alive and small after all of it.
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err == nil {
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				t.Logf("server peak RSS after the hostile files: %s", strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")))
				var kb int
				fmt.Sscan(strings.Fields(l)[1], &kb)
				if kb > 512<<10 {
					t.Errorf("server peak RSS %d KiB > 512 MiB", kb)
				}
			}
		}
	}
	// An injected formula comes back neutralised in the export.
	req, _ := http.NewRequest("GET", s.url+"/a/one/api/cases/?case_type=household&format=csv", nil)
	req.Header.Set("Authorization", key)
	var export string
	for i := 0; i < 100; i++ { // the jobs run in the background
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		export = string(b)
		if strings.Contains(export, "HYPERLINK") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(export, `'=HYPERLINK`) || !strings.Contains(export, `'+cmd`) || strings.Contains(export, `,=HYPERLINK`) {
		t.Errorf("export not neutralised:\n%s", export)
	}
	if !strings.Contains(export, "👩‍👩‍👧") || !strings.Contains(export, "e\u0301le\u0300ve") {
		t.Errorf("unicode did not round-trip:\n%s", export)
	}
}
