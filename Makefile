# bbconnect — build, test, lint, demo.
# `make test` is the whole gate: vet, format, lint, cross-builds, the race-enabled
# test suite and the keychain tests against a real Secret Service.

SHELL         := /bin/bash
GO            ?= go
TOOLS         := $(CURDIR)/.tools
GOLANGCI      := $(TOOLS)/golangci-lint
GOFUMPT       := $(TOOLS)/gofumpt
GOLANGCI_VER  := v2.15.0
GOFUMPT_VER   := v0.9.2
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS       := -s -w -X github.com/bbconnect/bbconnect/cmd/bbconnect/cli.Version=$(VERSION)
PLATFORMS     := darwin/amd64 darwin/arm64 windows/amd64 windows/arm64 linux/amd64 linux/arm64

.PHONY: all build test vet fmt fmt-check lint cross unit keychain-real deadcode tools demo screenshots screenshots-check bench clean

all: build

# bbconnect is built without cgo (nothing in it needs cgo: the keychains
# are reached over D-Bus, the security tool or Windows system calls): a
# static binary starts without the dynamic loader, ~4 ms sooner.
build:
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o bin/bbconnect ./cmd/bbconnect
	$(GO) build -o bin/bbemu ./cmd/bbemu

test: vet fmt-check lint cross unit keychain-real screenshots-check

vet:
	$(GO) vet ./...

$(GOFUMPT):
	GOBIN=$(TOOLS) $(GO) install mvdan.cc/gofumpt@$(GOFUMPT_VER)

$(GOLANGCI):
	GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VER)

tools: $(GOFUMPT) $(GOLANGCI)

fmt: $(GOFUMPT)
	$(GOFUMPT) -w $$(git ls-files -co --exclude-standard '*.go')

fmt-check: $(GOFUMPT)
	@out=$$($(GOFUMPT) -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofumpt would change:"; echo "$$out"; exit 1; fi

lint: $(GOLANGCI)
	$(GOLANGCI) run ./...

# Every user platform must build: macOS and Windows laptops as well as Linux.
cross:
	@for p in $(PLATFORMS); do \
		echo "build $$p"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 $(GO) build ./... || exit 1; \
	done

unit:
	$(GO) test -race -count=1 ./...

# Production code no main package reaches (deadcode is a tool of go.mod:
# `go tool deadcode`). cmd/bbemu/emu is the tests' emulator: its control
# methods (faults, request log) are called by tests only, so it is left out.
deadcode:
	@out=$$($(GO) tool deadcode ./...) || exit 1; \
	out=$$(printf '%s\n' "$$out" | grep -v '^cmd/bbemu/emu/' || true); \
	if [ -n "$$out" ]; then echo "unreached production code (remove it, or move a test-only helper to a _test.go file):"; echo "$$out"; exit 1; fi

# The keychain against a real Secret Service (gnome-keyring in a private D-Bus session).
keychain-real:
	@if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then \
		dbus-run-session -- sh keychain/testdata/with-secret-service.sh \
			env BBCONNECT_REAL_KEYRING=1 $(GO) test -race -count=1 -run Real ./keychain/...; \
	else \
		echo "keychain-real: dbus-run-session or gnome-keyring-daemon missing (run .ci/run to install them)"; exit 1; \
	fi

# Start the emulator and open the wizard pointed at it.
# Ctrl+C in the wizard ends it with status 130: not an error of make's.
demo: build
	@sh cmd/bbemu/demo.sh; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 130 ] || exit $$status

screenshots: build
	$(GO) run ./cmd/screenshots -out screenshots

# Regenerates every screenshot in a temporary folder and fails when one
# differs from screenshots/ (then run make screenshots and commit them).
screenshots-check:
	BBCONNECT_SCREENSHOTS_CHECK=1 $(GO) test -count=1 -run '^TestScreenshotsUpToDate$$' ./cmd/screenshots/

# The project's benchmarks, then the start-up table: bbconnect's first
# screen (silent and answering terminal) and --version against
# `gh auth login` when gh is installed, with a real Secret Service when
# gnome-keyring is there; keystroke, connection test and listing figures
# from the benchmarks; peak RSS of a 10,000-repository listing; binary size.
# Not part of `make test`: it takes a few minutes.
bench: build
	$(GO) build -o bin/benchstart ./cmd/benchstart
	$(GO) test -run '^$$' -bench . -benchmem ./... | tee bin/bench.txt
	@if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then \
		dbus-run-session -- sh keychain/testdata/with-secret-service.sh bin/benchstart -bin bin/bbconnect -gotest bin/bench.txt; \
	else \
		bin/benchstart -bin bin/bbconnect -gotest bin/bench.txt; \
	fi

clean:
	rm -rf bin .tools
