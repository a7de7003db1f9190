#!/usr/bin/env bash
# Builds the agents that ship with mowai, each into wit/agents/<name>/<name>.wasm (committed, so running
# mowai needs no Wasm toolchain). Needs only the Swift toolchain: its clang and wasm-ld for the C agents,
# its swiftc (Embedded Swift) for template-swift. template-rust is rebuilt when a rustc with the
# wasm32-unknown-unknown standard library is found (Debian: apt-get install rustc libstd-rust-dev-wasm32
# lld-14) and kept as committed otherwise.
#
# The output is reproducible: every compiler runs inside the agent's folder on relative paths, with no
# debug information, so a rebuild gives the same bytes. Each module is then validated by WasmKit and
# checked against the ABI (scripts/check-agent-abi.py). Run through `make agents`, which also embeds default.wasm in the binary.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
agents="$root/wit/agents"

# The toolchain that provides swiftc also provides clang, wasm-ld (and wasmkit) for wasm32.
toolchain_bin() {
    local candidate
    for candidate in "$(dirname "$(readlink -f "$(command -v swiftc || echo /nonexistent)")")" /opt/swift/usr/bin; do
        if [[ -x "$candidate/swiftc" && -x "$candidate/clang" && -x "$candidate/wasm-ld" ]]; then
            echo "$candidate"
            return
        fi
    done
    echo "build-agents: no Swift toolchain with clang and wasm-ld (swiftc on PATH or /opt/swift/usr/bin);" \
        "a swift.org toolchain 6.2 or later has them: run scripts/setup.sh" >&2
    exit 1
}
bin="$(toolchain_bin)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# MVP WebAssembly (plus mutable globals) runs on any engine; no libc, so -ffreestanding keeps clang from
# turning our own memcpy loops into calls to memcpy.
c_flags=(--target=wasm32 -mcpu=mvp -ffreestanding -nostdlib -Oz -std=c11 -Wall -Wextra)
# A 64 KiB stack below the static data (an overflow traps instead of corrupting data); the heap grows
# with memory.grow. Exports come from export_name attributes, memory is exported by default.
link_flags=(--no-entry --stack-first -z stack-size=65536 --strip-all)

modules=()

install_agent() {
    local name="$1" module="$2"
    cp "$module" "$agents/$name/$name.wasm"
    chmod 0644 "$agents/$name/$name.wasm"
    modules+=("$agents/$name/$name.wasm")
}

# A freestanding C agent: every .c file in its folder.
build_c() {
    local name="$1" objects=() source object
    for source in "$agents/$name"/*.c; do
        source="$(basename "$source")"
        object="$work/$name-${source%.c}.o"
        (cd "$agents/$name" && "$bin/clang" "${c_flags[@]}" -c "$source" -o "$object")
        objects+=("$object")
    done
    "$bin/wasm-ld" "${link_flags[@]}" "${objects[@]}" -o "$work/$name.wasm"
    install_agent "$name" "$work/$name.wasm"
}

# An Embedded Swift agent: its .swift files, the host's imports from include/ (a C module), and
# runtime.c (allocator and memory functions).
build_swift() {
    local name="$1"
    (
        cd "$agents/$name"
        # swiftc hashes the output path into the object (.swift_modhash): a relative one keeps the bytes
        # the same wherever the repository is, so the object is written here and moved out at once.
        "$bin/swiftc" -target wasm32-unknown-none-wasm -target-cpu mvp -enable-experimental-feature Embedded \
            -wmo -Osize -parse-as-library -Xfrontend -disable-stack-protector -module-name Agent \
            -module-cache-path "$work/module-cache" -I include -c ./*.swift -o "$name-swift.o"
        mv "$name-swift.o" "$work/$name-swift.o"
        "$bin/clang" "${c_flags[@]}" -c runtime.c -o "$work/$name-runtime.o"
    )
    # The Unicode tables are linked only if the agent's String operations need them (==, lowercased, ...).
    local tables="$bin/../lib/swift/embedded/wasm32-unknown-none-wasm/libswiftUnicodeDataTables.a" libraries=()
    [[ -f "$tables" ]] && libraries+=("$tables")
    "$bin/wasm-ld" "${link_flags[@]}" "$work/$name-swift.o" "$work/$name-runtime.o" "${libraries[@]}" \
        -o "$work/$name.wasm"
    install_agent "$name" "$work/$name.wasm"
}

# A rustc whose sysroot has the wasm32-unknown-unknown standard library, if there is one.
find_rustc() {
    local candidate
    for candidate in "${RUSTC:-}" /usr/bin/rustc "$(command -v rustc || true)"; do
        if [[ -n "$candidate" && -x "$candidate" ]] &&
            [[ -d "$("$candidate" --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]]; then
            echo "$candidate"
            return
        fi
    done
}

build_rust() {
    local name="$1" rustc
    rustc="$(find_rustc)"
    if [[ -z "$rustc" ]]; then
        echo "build-agents: kept the committed $name.wasm (no rustc with the wasm32-unknown-unknown std;" \
            "apt-get install rustc libstd-rust-dev-wasm32 lld-14 to rebuild it)" >&2
        modules+=("$agents/$name/$name.wasm")
        return
    fi
    (
        cd "$agents/$name"
        "$rustc" --edition 2021 --crate-type cdylib --crate-name agent --target wasm32-unknown-unknown \
            -C opt-level=z -C panic=abort -C lto -C codegen-units=1 -C strip=symbols \
            -C link-arg=-zstack-size=65536 agent.rs -o "$work/$name.wasm"
    )
    install_agent "$name" "$work/$name.wasm"
}

build_c default
build_c template-c
build_swift template-swift
build_rust template-rust

# WasmKit (mowai's engine, in the toolchain since 6.2) parses and validates each module; then the ABI.
if [[ -x "$bin/wasmkit" ]]; then
    for module in "${modules[@]}"; do
        "$bin/wasmkit" explore "$module" >/dev/null
    done
fi
python3 "$root/scripts/check-agent-abi.py" "${modules[@]}" >/dev/null

for module in "${modules[@]}"; do
    printf '%-48s %7d bytes\n' "${module#"$root"/}" "$(wc -c <"$module")"
done
