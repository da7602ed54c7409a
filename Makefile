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

wasm:
	@if [ -f app/main.go ]; then GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o web/app.wasm ./app; fi
	@if [ -d app/worker ]; then GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o web/worker.wasm ./app/worker; fi

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
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" ./shared/...

# Every Fuzz function in shared/ and server/, FUZZTIME each.
fuzz-short:
	@./.ci/fuzz $(FUZZTIME)

fuzz:
	@./.ci/fuzz 60s

bench: bench-commit
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=2x ./shared/sheet/ ./server/checkcmd/

generate:
	$(GO) generate ./shared/...

clean:
	rm -rf bin web/app.wasm web/worker.wasm

# Commit throughput (SQLite; PostgreSQL too when CASEGATE_TEST_POSTGRES is set).
bench-commit:
	$(GO) test -run='^$$' -bench=Commit -benchtime=1x ./server/importer/
