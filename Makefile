# mowai — `make run` sets up, builds and starts; `make test` sets up, builds and runs every test.
SWIFT ?= swift
ARGS ?=

.PHONY: setup build release run test bench agents shaders fuzz clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# The console on an embedded arena (127.0.0.1:8080, or a free port), as its admin, with the five persona agents.
run: release
	.build/release/mowai tui $(ARGS)

# Serial: the end-to-end suites run real arenas and terminals, and on a 2-core machine their timing
# (keepalive, idle timeouts) must not depend on how many other suites run beside them.
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest --no-parallel

# Throughput and latency of the arena relay, frame times of the console, agent and mob overheads (see README).
bench: release
	.build/release/mowai bench arena $(ARGS)
	.build/release/mowai bench tui
	.build/release/mowai bench agents
	.build/release/mowai bench mob

# Rebuilds the shipped agents (wit/agents/*/*.wasm, committed) and embeds the default agent, the built-in mobs and the
# personas into the binary. Needs only the Swift toolchain's clang and wasm-ld; `mowai` itself needs neither.
agents:
	scripts/build-agents.sh
	scripts/embed-assets.py

# Recompiles the Vulkan compute shaders (Sources/CVulkanShaders/glsl) with Debian's glslc into the committed
# Sources/CVulkanShaders/shaders.c; building mowai needs no shader compiler. `make test` checks it is current.
shaders:
	scripts/build-shaders.py

# libFuzzer with AddressSanitizer on every parser of outside input (see docs/FUZZING.md):
# FUZZ_SECONDS per target (default 600), FUZZ_TARGETS to choose (arena-relay arena-console gguf skill-md wasm).
fuzz: setup
	scripts/fuzz.sh

clean:
	rm -rf .build .build-fuzz
