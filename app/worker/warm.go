//go:build js && wasm

package main

import (
	"archive/zip"
	"bytes"
	"strconv"
	"strings"

	"casegate/shared/api"
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

// warmFiles are the made-up files of the formats asked for: the csv
// checked as members (dates, numbers, choices, missing parents), the
// workbook as households (addresses good and bad), so between them they
// run each reader and each kind of field.
func warmFiles(rows int, xlsx, text bool) []warmFile {
	var fs []warmFile
	if text {
		fs = append(fs, warmFile{"warm.csv", "member", warmCSV(rows)})
	}
	if xlsx {
		fs = append(fs, warmFile{"warm.xlsx", "household", warmXLSX(rows)})
	}
	return fs
}

// warmHeader and warmRow make a members file of the kinds of cells real
// ones hold: ids, names, parents (mostly missing), dates in two orders,
// numbers, good and bad addresses, quoted text.
var warmHeader = []string{"external_id", "name", "parent_external_id", "parent_type", "dob", "sex", "weight_kg", "phone",
	"village", "address", "date_registered", "members", "notes"}

// warmDate and warmNumber are the columns a workbook holds as dates (Excel
// serials) and numbers.
const warmDate, warmNumber = 4, 6

// warmParent is the parent's column (its type the next), left out of the
// workbook.
const warmParent = 2

func warmRow(i int) []string {
	it := strconv.Itoa
	parent := "HH-" + it(i/4)
	if i%4 == 3 {
		parent = "" // a member without a household
	}
	return []string{"M-" + it(i), "Person " + it(i%97), parent, "household",
		it(1950+i%60) + "-0" + it(1+i%9) + "-1" + it(i%10), []string{"female", "male"}[i%2], it(3+i%90) + ".5",
		"+254 7" + it(10000000+i), "Village " + it(i%13),
		[]string{"1 Main St, Denver, CO, 80202, US", "5 King St, Toronto, XX, M5H 1A1, CA", "12 Moi Ave, Nairobi, , 00100, KE", ""}[i%4],
		it(10+i%18) + "/0" + it(1+i%9) + "/2024", it(50 + i%120), "a note, with a comma"}
}

func warmCSV(rows int) []byte {
	var b bytes.Buffer
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(c, ",\"") {
				b.WriteString(strconv.Quote(c)) // no quote or backslash in warmRow's cells
			} else {
				b.WriteString(c)
			}
		}
		b.WriteByte('\n')
	}
	line(warmHeader)
	for i := range rows {
		line(warmRow(i))
	}
	return b.Bytes()
}

// warmXLSX is the same rows, without parents, as a workbook as Excel
// writes one: shared strings, numbers, dates as serials in a date style.
func warmXLSX(rows int) []byte {
	var sst []string
	index := map[string]int{}
	var sh strings.Builder
	sh.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for r := 0; r <= rows; r++ {
		cells := warmHeader
		if r > 0 {
			cells = warmRow(r - 1)
			cells[warmDate] = strconv.Itoa(20000 + r%20000)
		}
		sh.WriteString(`<row r="` + strconv.Itoa(r+1) + `">`)
		col := 0
		for c, v := range cells {
			if c == warmParent || c == warmParent+1 {
				continue // households have no parent
			}
			ref := string(rune('A'+col)) + strconv.Itoa(r+1)
			col++
			switch {
			case r > 0 && c == warmDate:
				sh.WriteString(`<c r="` + ref + `" s="1"><v>` + v + `</v></c>`)
			case r > 0 && c == warmNumber:
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
		ss.WriteString(`<si><t>` + s + `</t></si>`) // no markup in warmRow's cells
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
