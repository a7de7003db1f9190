#!/usr/bin/env python3
"""Checks that .wasm files are agents mowai will load: the core-module ABI of docs/AGENT-ABI.md.

Usage: scripts/check-agent-abi.py AGENT.wasm...

Lists each module's imports and exports with their core signatures and fails (exit 1) when an import
comes from a module other than `$root` or `wasi_snapshot_preview1`, a `$root` import or an agent
export has the wrong signature, a required export is missing, or the memory starts larger than
MAX_INITIAL_PAGES. Reads the binary directly, so it needs nothing but Python.
"""
import sys

MAX_INITIAL_PAGES = 16  # 1 MiB: the shipped agents start with a few pages and grow on demand.

IMPORTS = {
    "host-llm": (("i32", "i32", "i32"), ()),
    "broadcast": (("i32", "i32"), ()),
    "now-ms": ((), ("i64",)),
    "log": (("i32", "i32", "i32", "i32"), ()),
    "get-config": (("i32",), ()),
}
REQUIRED_EXPORTS = {
    "handle-task": (("i32", "i32"), ("i32",)),
    "get-info": ((), ("i32",)),
    "on-init": ((), ()),
    "on-peer-thought": (("i32", "i32", "i32", "i32"), ()),
    "cabi_realloc": (("i32", "i32", "i32", "i32"), ("i32",)),
}
OPTIONAL_EXPORTS = {
    "cabi_post_handle-task": (("i32",), ()),
    "cabi_post_get-info": (("i32",), ()),
    "_initialize": ((), ()),
}
VALUE_TYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128", 0x70: "funcref",
               0x6F: "externref"}
KINDS = {0: "func", 1: "table", 2: "memory", 3: "global", 4: "tag"}


class Reader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def byte(self) -> int:
        value = self.data[self.offset]
        self.offset += 1
        return value

    def unsigned(self) -> int:
        result, shift = 0, 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return result

    def name(self) -> str:
        length = self.unsigned()
        value = self.data[self.offset:self.offset + length]
        self.offset += length
        return value.decode("utf-8")

    def value_type(self) -> str:
        code = self.byte()
        return VALUE_TYPES.get(code, f"0x{code:02x}")

    def limits(self) -> tuple:
        flags = self.unsigned()
        minimum = self.unsigned()
        maximum = self.unsigned() if flags & 1 else None
        return minimum, maximum


def parse(data: bytes) -> dict:
    if data[:8] != b"\0asm\x01\0\0\0":
        raise ValueError("not a WebAssembly core module (version 1)")
    reader = Reader(data)
    reader.offset = 8
    module = {"types": [], "imports": [], "functions": [], "memories": [], "exports": []}
    while reader.offset < len(data):
        section, size = reader.byte(), reader.unsigned()
        end = reader.offset + size
        if section == 1:
            for _ in range(reader.unsigned()):
                if reader.byte() != 0x60:
                    raise ValueError("unsupported type form")
                params = tuple(reader.value_type() for _ in range(reader.unsigned()))
                results = tuple(reader.value_type() for _ in range(reader.unsigned()))
                module["types"].append((params, results))
        elif section == 2:
            for _ in range(reader.unsigned()):
                entry_module, name, kind = reader.name(), reader.name(), reader.byte()
                if kind == 0:
                    detail = reader.unsigned()
                    module["functions"].append(detail)
                elif kind == 1:
                    detail = (reader.value_type(), reader.limits())
                elif kind == 2:
                    detail = reader.limits()
                    module["memories"].append(detail)
                elif kind == 3:
                    detail = (reader.value_type(), reader.byte())
                else:
                    raise ValueError(f"unsupported import kind {kind}")
                module["imports"].append((entry_module, name, KINDS[kind], detail))
        elif section == 3:
            module["functions"] += [reader.unsigned() for _ in range(reader.unsigned())]
        elif section == 5:
            module["memories"] += [reader.limits() for _ in range(reader.unsigned())]
        elif section == 7:
            for _ in range(reader.unsigned()):
                name, kind, index = reader.name(), reader.byte(), reader.unsigned()
                module["exports"].append((name, KINDS.get(kind, str(kind)), index))
        reader.offset = end
    return module


def signature(types: tuple) -> str:
    params, results = types
    return f"({', '.join(params)}) -> ({', '.join(results)})"


def check(path: str) -> list:
    with open(path, "rb") as file:
        module = parse(file.read())
    problems = []
    print(f"{path}:")
    for entry_module, name, kind, detail in module["imports"]:
        types = module["types"][detail] if kind == "func" else None
        print(f"  import {entry_module}.{name}: {signature(types) if types else kind}")
        if entry_module == "wasi_snapshot_preview1":
            continue
        if entry_module != "$root":
            problems.append(f"import {entry_module}.{name}: only $root and wasi_snapshot_preview1 are offered")
        elif name not in IMPORTS:
            problems.append(f"import $root.{name}: the host has no such function")
        elif types != IMPORTS[name]:
            problems.append(f"import $root.{name}: {signature(types)}, expected {signature(IMPORTS[name])}")
    exports = {}
    for name, kind, index in module["exports"]:
        types = module["types"][module["functions"][index]] if kind == "func" else None
        exports[name] = (kind, types)
        print(f"  export {name}: {signature(types) if types else kind}")
    for name, expected in {**REQUIRED_EXPORTS, **OPTIONAL_EXPORTS}.items():
        if name not in exports:
            if name in REQUIRED_EXPORTS:
                problems.append(f"export {name} is missing")
        elif exports[name] != ("func", expected):
            problems.append(f"export {name}: not a function {signature(expected)}")
    if exports.get("memory", (None,))[0] != "memory":
        problems.append("export memory is missing")
    for minimum, maximum in module["memories"]:
        print(f"  memory: {minimum} pages initially" + (f", at most {maximum}" if maximum is not None else ""))
        if minimum > MAX_INITIAL_PAGES:
            problems.append(f"memory starts at {minimum} pages, more than {MAX_INITIAL_PAGES}")
    return [f"{path}: {problem}" for problem in problems]


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = [problem for path in sys.argv[1:] for problem in check(path)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
