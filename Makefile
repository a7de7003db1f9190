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

# The console on an embedded arena (127.0.0.1:8080, or a free port), as its admin.
run: release
	.build/release/mowai tui $(ARGS)

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest

# Throughput and latency of the arena relay, and frame times of the console (see README).
bench: release
	.build/release/mowai bench arena $(ARGS)
	.build/release/mowai bench tui

clean:
	rm -rf .build
