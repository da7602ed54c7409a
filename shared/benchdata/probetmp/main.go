package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"runtime/pprof"
	"time"

	"casegate/shared/casetype"
	"casegate/shared/engine"
	"casegate/shared/sheet"
	"casegate/shared/spec"
)

func main() {
	path, ct := os.Args[1], os.Args[2]
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	if mb, _ := strconv.Atoi(os.Getenv("PREGROW")); mb > 0 {
		t := time.Now()
		b := make([]byte, mb<<20)
		if os.Getenv("TOUCH") != "" {
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
		}
		b = nil
		runtime.GC()
		fmt.Println("pregrow", time.Since(t))
	}
	if w := os.Getenv("WARM"); w != "" {
		wd, _ := os.ReadFile(w)
		t := time.Now()
		b, _ := sheet.Read(w, wd, sheet.Options{})
		reg := casetype.NewRegistry()
		ts, _ := engine.TablesFromBook(w, b, ct, true, reg)
		engine.Check(engine.Input{Tables: ts, Registry: reg, Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true}})
		fmt.Println("warm", time.Since(t))
	}
	if f := os.Getenv("CPUPROF"); f != "" {
		fh, _ := os.Create(f)
		pprof.StartCPUProfile(fh)
		defer pprof.StopCPUProfile()
	}
	for i := 0; i < 2; i++ {
		runtime.GC()
		t0 := time.Now()
		b, err := sheet.Read(path, data, sheet.Options{})
		if err != nil {
			panic(err)
		}
		t1 := time.Now()
		reg := casetype.NewRegistry()
		ts, err := engine.TablesFromBook(path, b, ct, true, reg)
		if err != nil {
			panic(err)
		}
		p, err := engine.Check(engine.Input{Tables: ts, Registry: reg, Unhashed: true, Spec: spec.Spec{SearchField: "external_id", CreateNewCases: true}})
		if err != nil {
			panic(err)
		}
		t2 := time.Now()
		if os.Getenv("HEAPPROF") != "" && i == 1 {
			runtime.GC()
			f, _ := os.Create(os.Getenv("HEAPPROF"))
			pprof.WriteHeapProfile(f)
			f.Close()
			runtime.KeepAlive(p)
			runtime.KeepAlive(b)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("read %v check %v total %v rows %d errors %d; heap %d MB sys %d MB gcs %d\n", t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), t2.Sub(t0).Round(time.Millisecond), len(p.Rows), p.Summary.Error, ms.HeapAlloc>>20, ms.Sys>>20, ms.NumGC)
	}
}
