//go:build js && wasm

package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"casegate/shared/api"
	"casegate/shared/benchdata"
	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

// warmUp reads and checks a small made-up file of each chosen format
// (csv, xlsx) once, the answer thrown away, when a big file is chosen and
// before Check is pressed (see prepare). The browser compiles wasm in
// tiers: code runs first as quickly made baseline code, and only code that
// has run a while is compiled again, optimised, in the background; a big
// file's first check ran mostly on baseline code: a worker's second check
// of the same 100k-row file took 1.2 s where its first took 2.0 s (csv),
// 2.2 s against 3.9 s (xlsx). Measured in headless chromium, three runs
// each way at 100k rows, the first check after a warm-up: csv 1.4–1.8 s
// (2.2–2.3 s without), xlsx 3.0–4.5 s (4.2–5.2 s). The warm-up itself
// takes ~0.5–1.5 s on baseline code, more than a small file's whole check:
// small files go without.
func warmUp(rows int, xlsx, text bool) {
	defer func() { _ = recover() }() // only ever a head start: never a reason for the worker to fail
	warmed++
	reg := casetype.NewRegistry(casetype.Builtins()...)
	for _, f := range warmFiles(rows, xlsx, text) {
		book, err := sheet.ReadAt(f.name, bytes.NewReader(f.data), int64(len(f.data)), sheet.Options{})
		if err != nil {
			continue
		}
		ts, err := engine.TablesFromBook(f.name, book, f.caseType, true, reg)
		if err != nil {
			continue
		}
		_, plan, err := engine.NewSession(engine.Input{Tables: ts, Registry: reg, Unhashed: true,
			Spec: spec.Spec{CaseType: f.caseType, SearchField: "external_id", CreateNewCases: true}})
		if err != nil {
			continue
		}
		api.StreamTables(ts, answerChunk, func([]byte) {})
		streamVerdicts(plan, func([]byte) {})
		plan.Seal()
	}
}

// warmed counts warm-ups (for the tests).
var warmed int

type warmFile struct {
	name, caseType string
	data           []byte
}

// warmFiles are the made-up files of the formats asked for (see
// warmData): the csv checked as members, the workbook as households
// (addresses typed), so between them they run each reader and each kind
// of field.
func warmFiles(rows int, xlsx, text bool) []warmFile {
	var fs []warmFile
	if text {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write(benchdata.Header)
		for _, r := range warmData(rows) {
			w.Write(r.cells)
		}
		w.Flush() // (a bytes.Buffer takes every write)
		fs = append(fs, warmFile{"warm.csv", "member", b.Bytes()})
	}
	if xlsx {
		fs = append(fs, warmFile{"warm.xlsx", "household", warmXLSX(rows)})
	}
	return fs
}

type warmRow struct {
	cells []string
	dob   time.Time
}

// warmData is benchdata's members (ids, names, parents, dates in two
// orders, numbers, addresses, quoted text), with what the benchmark's
// rows lack for a warm-up of every path: a member without a household
// every fourth row (created, not refused) and an address in a province
// that does not exist every fifth.
func warmData(n int) []warmRow {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	out := make([]warmRow, n)
	for i := range out {
		cells, dob := benchdata.Row(rng, i)
		if i%4 == 3 {
			cells[warmParent] = ""
		}
		if i%5 == 1 {
			cells[warmAddress] = "5 King St, Toronto, XX, M5H 1A1, CA"
		}
		out[i] = warmRow{cells, dob}
	}
	return out
}

// The columns of benchdata's rows a workbook holds as a date (an Excel
// serial in a date style) and as numbers, the parent's (its type the
// next, both left out of the households workbook) and the address.
const warmDate, warmParent, warmAddress = 4, 2, 9

var warmNumbers = map[int]bool{6: true, 12: true}

// warmXLSX is warmData, without parents, as a workbook as Excel
// writes one: shared strings, numbers, dates as serials in a date style
// (excelize, which benchfile writes with, is no part of the worker).
func warmXLSX(rows int) []byte {
	var sst []string
	index := map[string]int{}
	var sh strings.Builder
	sh.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	excelEpoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	data := warmData(rows)
	for r := 0; r <= rows; r++ {
		cells := benchdata.Header
		if r > 0 {
			cells = data[r-1].cells
			cells[warmDate] = strconv.Itoa(int(data[r-1].dob.Sub(excelEpoch).Hours() / 24))
		}
		sh.WriteString(`<row r="` + strconv.Itoa(r+1) + `">`)
		col := 0
		for c, v := range cells {
			if c == warmParent || c == warmParent+1 {
				continue // households have no parent
			}
			ref := sheet.ColName(col+1) + strconv.Itoa(r+1)
			col++
			switch {
			case r > 0 && c == warmDate:
				sh.WriteString(`<c r="` + ref + `" s="1"><v>` + v + `</v></c>`)
			case r > 0 && warmNumbers[c]:
				sh.WriteString(`<c r="` + ref + `"><v>` + v + `</v></c>`)
			case v != "":
				k, ok := index[v]
				if !ok {
					k = len(sst)
					index[v] = k
					sst = append(sst, v)
				}
				sh.WriteString(`<c r="` + ref + `" t="s"><v>` + strconv.Itoa(k) + `</v></c>`)
			}
		}
		sh.WriteString(`</row>`)
	}
	sh.WriteString(`</sheetData></worksheet>`)
	var ss strings.Builder
	ss.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for _, s := range sst {
		ss.WriteString(`<si><t>`)
		_ = xml.EscapeText(&ss, []byte(s))
		ss.WriteString(`</t></si>`)
	}
	ss.WriteString(`</sst>`)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range []struct{ name, body string }{
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="members" sheetId="1"/></sheets></workbook>`},
		{"xl/styles.xml", `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`},
		{"xl/sharedStrings.xml", ss.String()},
		{"xl/worksheets/sheet1.xml", sh.String()},
	} {
		w, err := zw.Create(p.name)
		if err == nil {
			_, _ = w.Write([]byte(p.body))
		}
	}
	_ = zw.Close()
	return b.Bytes()
}
