# netmera-mock: the common tasks. `make help` lists them.
GO      ?= go
BIN     ?= bin/netmera-mock
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: help run build test test-race check lint fmt bench perf startup cover clean soak fuzz

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## run the fake on :8080 with the default key and 1000 seeded users
	$(GO) run ./cmd/netmera-mock

build: ## build a static binary into bin/
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/netmera-mock

test: ## the tests, quick: no race detector, no million-user runs (~45 s built, ~2 min from a cold cache)
	$(GO) test -short -count=1 ./...

test-race: ## every test with the race detector, the million-user runs included (~2.5 min built, ~4 min cold)
	$(GO) test -race -count=1 ./...

check: ## what CI runs but the container: lint, test, test-race and 10 s of each fuzz target
	$(MAKE) lint
	$(MAKE) test
	$(MAKE) test-race
	$(MAKE) fuzz FUZZTIME=10s

lint: ## gofmt and go vet must be silent
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

bench: ## the hot-path benchmarks (figures go in docs/performance.md)
	$(GO) test -run '^$$' -bench . -benchmem ./state/ ./mockserver/ ./fixtures/

perf: ## the fake's request path against a bare handler, alternating rounds (docs/performance.md)
	$(GO) run ./internal/cmd/perf $(PERFFLAGS)

startup: ## time to ready and peak memory with USERS users (default a million), RUNS times
	scripts/startup.sh $(or $(USERS),1000000) $(or $(RUNS),3)

soak: ## SIGKILL the fake SOAK_KILLS times (default 50); then clients against a model for SOAK_DURATION (default 2m)
	NETMERA_MOCK_SOAK_KILLS=$(or $(SOAK_KILLS),50) $(GO) test -count=1 -run '^TestSIGKILL$$' -v ./cmd/netmera-mock/
	NETMERA_MOCK_SOAK_DURATION=$(or $(SOAK_DURATION),2m) $(GO) test -count=1 -timeout 0 -run '^TestModelSoak$$' -v ./mockserver/

FUZZTIME ?= 1m
# Packages holding fuzz targets, and their targets, found in the sources.
FUZZ_DIRS = $(sort $(dir $(shell git grep --untracked -l '^func Fuzz' -- '*_test.go')))

fuzz: ## run every fuzz target for FUZZTIME each (default 1m; CI runs 10s)
	@set -e; for dir in $(FUZZ_DIRS); do \
	  for fn in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir*_test.go | sed 's/^func //'); do \
	    echo "== ./$$dir $$fn for $(FUZZTIME)"; \
	    $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) ./$$dir; \
	  done; \
	done

cover: ## test coverage summary
	$(GO) test -count=1 -coverprofile=coverage.out ./... && $(GO) tool cover -func=coverage.out | tail -1

clean: ## remove build output
	rm -rf bin coverage.out

.PHONY: docker-test
docker-test: ## as root: image, health, contract suite and the README's compose command, with podman (installs it if missing)
	bash scripts/docker-test.sh
