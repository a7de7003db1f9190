# mowai — `make run` sets up, builds and starts; `make test` sets up, builds and runs every test.
SWIFT ?= swift
ARGS ?=

.PHONY: setup build release run test bench clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# Until the console lands (`mowai tui`), `make run` starts an arena on port 8080 (or $$PORT).
run: release
	.build/release/mowai arena $(ARGS)

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest

# Throughput and latency of the arena relay (see README).
bench: release
	.build/release/mowai bench arena $(ARGS)

clean:
	rm -rf .build
