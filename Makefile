# casegate: `make run` starts the product, `make test` runs every test.
GO        ?= go
WASMEXEC  := $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
FUZZTIME  ?= 5s
# Fuzz targets as package:Target; each runs briefly in `make test`, longer in `make fuzz`.
FUZZ_TARGETS := $(shell grep -rhoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+' shared server 2>/dev/null | wc -l)

.PHONY: all build server wasm run test test-native test-wasm fuzz-short fuzz vet fmt bench clean generate

all: build

build: server wasm

server:
	$(GO) build -o bin/casegate ./server

# The UI (web/app.wasm) and the reader worker (web/worker.wasm), with
# wasm_exec.js from this Go, and precompressed twins served as they are.
# The UI is built without inlining (-l): larger raw (8.7 MB against 8.0) but
# 95 KB smaller brotli-compressed (1.47 MB against 1.57), which is what is
# downloaded; the page's thread only renders. The worker keeps inlining.
# Both use WebAssembly's sign-extension and saturating conversion
# instructions (every current browser has them; Go emulates them
# otherwise), and brotli's 4 MiB window, which compresses the UI ~3 KB
# smaller than the default 16 MiB: app.wasm sits at its 1.5 MB budget
# (measured in docs/BENCHMARKS.md), and a change of code layout alone moves
# it by ±4 KB.
APP_GCFLAGS ?= all=-l
WASM_FEATURES ?= satconv,signext
BROTLI ?= brotli -k -f -q 11 -w 22
wasm:
	GOOS=js GOARCH=wasm GOWASM=$(WASM_FEATURES) $(GO) build -trimpath -ldflags="-s -w" -gcflags="$(APP_GCFLAGS)" -o web/app.wasm ./app
	GOOS=js GOARCH=wasm GOWASM=$(WASM_FEATURES) $(GO) build -trimpath -ldflags="-s -w" -o web/worker.wasm ./app/worker
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" web/wasm_exec.js
	@for f in web/app.wasm web/worker.wasm web/wasm_exec.js; do \
		gzip -k -9 -f $$f; \
		if command -v brotli >/dev/null; then $(BROTLI) $$f; fi; \
	done

run: build
	./bin/casegate serve

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./shared/...

fmt:
	gofmt -l -w $$(git ls-files '*.go')

test: vet test-native test-wasm fuzz-short

test-native:
	$(GO) test -count=1 ./...

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" ./shared/... ./app/worker/

# Every Fuzz function in shared/ and server/, FUZZTIME each.
fuzz-short:
	@./.ci/fuzz $(FUZZTIME)

fuzz:
	@./.ci/fuzz 60s

# make bench: native figures, then the browser benchmark (1k, 10k, 100k
# rows), which writes docs/BENCHMARKS.md and docs/benchmarks.svg.
BENCH_DIR ?= $(CURDIR)/.cache/bench
bench:
	mkdir -p $(BENCH_DIR)
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=2x ./shared/sheet/ | tee $(BENCH_DIR)/native.txt
	$(GO) test -run='^$$' -bench='CheckCommand|BareCSV' -benchmem -benchtime=2x ./server/checkcmd/ | tee -a $(BENCH_DIR)/native.txt
	# Whole processes vary by a few ms a run: more of them.
	$(GO) test -run='^$$' -bench=Process -benchtime=15x ./server/checkcmd/ | tee -a $(BENCH_DIR)/native.txt
	$(GO) test -run='^$$' -bench=Commit -benchtime=1x ./server/importer/ | tee -a $(BENCH_DIR)/native.txt
	CASEGATE_BENCH_DIR=$(BENCH_DIR) CASEGATE_BENCH_ROWS=1000,10000,100000 CASEGATE_BENCH_NATIVE=$(BENCH_DIR)/native.txt \
		CASEGATE_BENCH_OUT=$(CURDIR)/docs/BENCHMARKS.md $(GO) test -count=1 -timeout=30m -run=TestBrowserBench -v ./server/

generate:
	$(GO) generate ./shared/...

clean:
	rm -rf bin web/app.wasm web/worker.wasm

# Commit throughput (SQLite; PostgreSQL too when CASEGATE_TEST_POSTGRES is set).
bench-commit:
	$(GO) test -run='^$$' -bench=Commit -benchtime=1x ./server/importer/

# Longer load and fault runs than make test's.
soak:
	CASEGATE_SOAK=20 $(GO) test -count=1 -run 'TestLoad|TestFaults' -v -timeout 30m ./server/resilience/
