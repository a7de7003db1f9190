/// The build script and README of a new project. The script is the one way the project is built: by
/// hand, and by `mowai dev` on every change. It writes NAME.wasm only when the build succeeds (through
/// a temporary file), so a failed build leaves the last good module in place.
extension AgentProject {
    static func buildScript(_ language: AgentLanguage, name: String) -> String {
        let header = """
            #!/usr/bin/env bash
            # Builds \(name).wasm, the agent, for wasm32 (written by `mowai init`; `mowai dev` runs it on every change).
            set -euo pipefail
            cd "$(dirname "$0")"
            mkdir -p build
            # The Swift toolchain (6.2 or later) carries clang, wasm-ld and Embedded Swift for wasm32, beside swiftc.
            swift_bin() {
                local swiftc
                swiftc="$(command -v swiftc || true)"
                [[ -n "$swiftc" ]] && dirname "$(readlink -f "$swiftc")"
                [[ -x /opt/swift/usr/bin/swiftc ]] && echo /opt/swift/usr/bin
                return 0
            }

            """
        let body: String
        switch language {
        case .c:
            body = """
                clang="" wasm_ld=""
                for bin in $(swift_bin); do
                    if [[ -x "$bin/clang" && -x "$bin/wasm-ld" ]]; then clang="$bin/clang" wasm_ld="$bin/wasm-ld"; break; fi
                done
                if [[ -z "$clang" ]]; then
                    # Debian's clang targets wasm32 too; its wasm-ld comes with lld.
                    clang="$(command -v clang || true)"
                    wasm_ld="$(command -v wasm-ld || command -v wasm-ld-16 || command -v wasm-ld-15 || command -v wasm-ld-14 || true)"
                fi
                if [[ -z "$clang" || -z "$wasm_ld" ]]; then
                    echo "build.sh: no clang and wasm-ld for wasm32: install the Swift toolchain (swift.org, 6.2 or later) or run: sudo apt-get install clang lld" >&2
                    exit 1
                fi
                "$clang" --target=wasm32 -mcpu=mvp -ffreestanding -nostdlib -Oz -std=c11 -Wall -Wextra -c agent.c -o build/agent.o
                "$wasm_ld" --no-entry --stack-first -z stack-size=65536 --strip-all build/agent.o -o build/\(name).wasm

                """
        case .swift:
            body = """
                bin=""
                for candidate in $(swift_bin); do
                    if [[ -x "$candidate/clang" && -x "$candidate/wasm-ld" && -d "$candidate/../lib/swift/embedded/wasm32-unknown-none-wasm" ]]; then
                        bin="$candidate"; break
                    fi
                done
                if [[ -z "$bin" ]]; then
                    echo "build.sh: no Swift toolchain with Embedded Swift for wasm32: install one from swift.org (6.2 or later) and put its bin folder on PATH" >&2
                    exit 1
                fi
                "$bin/swiftc" -target wasm32-unknown-none-wasm -target-cpu mvp -enable-experimental-feature Embedded \\
                    -wmo -Osize -parse-as-library -Xfrontend -disable-stack-protector -module-name Agent \\
                    -module-cache-path build/module-cache -I include -c Agent.swift Host.swift -o build/agent.o
                "$bin/clang" --target=wasm32 -mcpu=mvp -ffreestanding -nostdlib -Oz -std=c11 -Wall -Wextra -c runtime.c -o build/runtime.o
                tables="$bin/../lib/swift/embedded/wasm32-unknown-none-wasm/libswiftUnicodeDataTables.a"
                libraries=()
                [[ -f "$tables" ]] && libraries+=("$tables")
                "$bin/wasm-ld" --no-entry --stack-first -z stack-size=65536 --strip-all build/agent.o build/runtime.o "${libraries[@]}" -o build/\(name).wasm

                """
        case .rust:
            body = """
                rustc=""
                for candidate in "${RUSTC:-}" "$(command -v rustc || true)" /usr/bin/rustc; do
                    if [[ -n "$candidate" && -x "$candidate" && -d "$("$candidate" --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]]; then
                        rustc="$candidate"; break
                    fi
                done
                if [[ -z "$rustc" ]]; then
                    echo "build.sh: no rustc with the wasm32-unknown-unknown standard library: run rustup target add wasm32-unknown-unknown, or on Debian: sudo apt-get install rustc libstd-rust-dev-wasm32 lld-14" >&2
                    exit 1
                fi
                "$rustc" --edition 2021 --crate-type cdylib --crate-name agent --target wasm32-unknown-unknown \\
                    -C opt-level=z -C panic=abort -C lto -C codegen-units=1 -C strip=symbols \\
                    -C link-arg=-zstack-size=65536 agent.rs -o build/\(name).wasm

                """
        }
        return header + body + """
            mv build/\(name).wasm \(name).wasm
            echo "built \(name).wasm ($(wc -c < \(name).wasm) bytes)"

            """
    }

    static func readme(_ language: AgentLanguage, name: String, persona: String) -> String {
        let source: String
        switch language {
        case .c: source = "`agent.c` (freestanding C: no libc)"
        case .swift: source = "`Agent.swift` (Embedded Swift; `Host.swift` wraps the host's functions, `runtime.c` is the allocator)"
        case .rust: source = "`agent.rs` (Rust for `wasm32-unknown-unknown`, one file, no Cargo)"
        }
        return """
            # \(name)

            A mowai agent in \(language == .c ? "C" : language == .swift ? "Swift" : "Rust"), written by `mowai init`. The agent is \(source):
            `handle-task` answers each task the arena broadcasts, `on-peer-thought` hears the other agents.
            `wit/agent.wit` is the contract it implements; `mowai.config.json` names it, gives its colour and
            persona (\(persona)) and the arena it joins.

            ```sh
            ./build.sh                              # \(name).wasm
            mowai agent check \(name).wasm           # does it implement the world?
            mowai dev                               # build, run it in the console, rebuild and swap on every save
            mowai dev --arena wss://arena.example   # the same, in the workshop's arena
            mowai agent run \(name).wasm --arena wss://arena.example
            ```

            `mowai dev` watches the sources, `mowai.config.json` and `personas/`: a change rebuilds the agent
            and swaps it in place (same agent id, same slot); a failed build shows the compiler's errors in
            the agent's console and keeps the last good agent running. Persona and config changes apply from
            the next task. A persona of your own goes in `personas/NAME/SKILL.md`.

            """
    }
}
