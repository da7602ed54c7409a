package engine

import (
	"fmt"
	"strings"
	"testing"

	"casegate/shared/casetype"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

const benchRows = 10000

// BenchmarkCheck10k is the check of a small file; run it under wasm too
// (GOOS=js GOARCH=wasm go test -bench Check10k -exec …) to see the browser's
// fixed costs.
func BenchmarkCheck10k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("external_id,name,parent_external_id,dob,sex,weight_kg\n")
	for i := 0; i < benchRows; i++ {
		fmt.Fprintf(&sb, "M-%05d,Person %d,HH-%04d,1990-01-%02d,female,%d.5\n", i, i, i/4, i%28+1, 40+i%50)
	}
	book, err := sheet.Read("m.csv", []byte(sb.String()), sheet.Options{})
	if err != nil {
		b.Fatal(err)
	}
	reg := casetype.NewRegistry()
	ts, _ := TablesFromBook("m.csv", book, "member", true, reg)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Check(Input{Tables: ts, Registry: reg, Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true}}); err != nil {
			b.Fatal(err)
		}
	}
}
