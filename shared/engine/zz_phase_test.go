package engine_test

import (
	"os"
	"testing"
	"time"

	"casegate/shared/benchdata"
	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

func TestPhases(t *testing.T) {
	dir := t.TempDir()
	p, _ := benchdata.File(dir, 100000, "households.csv")
	for i := 0; i < 4; i++ {
		t0 := time.Now()
		data, _ := os.ReadFile(p)
		book, err := sheet.Read("households.csv", data, sheet.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		reg := casetype.NewRegistry()
		ts, _ := engine.TablesFromBook("households.csv", book, "household", true, reg)
		pl, err := engine.Check(engine.Input{Tables: ts, Registry: reg, Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true}})
		if err != nil {
			t.Fatal(err)
		}
		t2 := time.Now()
		t.Logf("read %v check %v rows %d", t1.Sub(t0), t2.Sub(t1), len(pl.Rows))
	}
}
