#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Tests/Fuzz/corpus/TARGET/.

The seeds are committed; this script says how they were made and makes them again. The arena targets
read several events from one input: chunks separated by 0xFF, each led by an operation byte (see
Sources/FuzzTargets). GGUF seeds are tiny models written with the `gguf` package (`make setup` installs
it); Wasm seeds are the committed agents plus a few small modules; SKILL.md seeds are the personas.
"""
import json
import pathlib
import shutil
import struct
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Tests" / "Fuzz" / "corpus"

AGENT = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
PEER = "0b5e7c1d-2a3f-4e6d-9b8c-7a6f5e4d3c2b"
TASK = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
SERVER = "00000000-0000-4000-8000-000000000000"
TS = 1_700_000_000_000
SEP = b"\xff"


def frame(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def chunks(*events):
    return SEP.join(bytes([operation]) + body for operation, body in events)


def envelope(kind, payload, agent=AGENT, seq=1, ts=TS):
    return frame({"type": kind, "agentId": agent, "slot": 0, "seq": seq, "ts": ts, "payload": payload})


def connect(name="ada", seq=0):
    return envelope("AGENT_CONNECT", {"name": name, "color": "#e8a838", "persona": "pragmatist", "version": "1.0"}, seq=seq)


def thought(content="hmm", seq=1, step=1, agent=AGENT):
    return envelope("AGENT_THOUGHT", {"taskId": TASK, "step": step, "content": content}, agent=agent, seq=seq)


def response(content="done", seq=2, agent=AGENT):
    return envelope("AGENT_RESPONSE", {"taskId": TASK, "content": content, "durationMs": 1200}, agent=agent, seq=seq)


def relay_seeds():
    return {
        "agent-session": chunks((0, connect()), (0, thought()), (0, response()), (0, frame({"type": "PING", "ts": TS})), (4, b"\x1e")),
        "two-agents": chunks((0, connect()), (1, envelope("AGENT_CONNECT", {"name": "bob", "color": "", "persona": "", "version": ""}, agent=PEER, seq=0)),
                             (0, thought()), (1, thought("yes", seq=1, agent=PEER)), (5, b"\x00"), (4, b"\x5a"), (7, b"\x02")),
        "admin-spectator": chunks((3, frame({"type": "SPECTATE", "payload": {"history": 300}})), (0, connect()),
                                  (3, frame({"type": "ADMIN_TASK", "payload": {"description": "Plan a picnic"}})),
                                  (3, frame({"type": "ADMIN_KICK", "payload": {"agentId": AGENT, "reason": "bye"}})),
                                  (3, frame({"type": "ADMIN_CLEAR_TASKS", "payload": {}}))),
        "spectator-auth": chunks((2, frame({"type": "SPECTATE"})), (2, frame({"type": "ADMIN_AUTH", "payload": {"secret": "fuzz-admin-secret"}})),
                                 (2, frame({"type": "ADMIN_TASK", "payload": {"description": "x"}}))),
        "errors": chunks((0, b"not json"), (0, frame({"type": "AGENT_THOUGHT"})), (0, connect()), (0, thought(seq=1)), (0, thought(seq=1)),
                         (0, envelope("AGENT_THOUGHT", {"taskId": TASK, "step": 0, "content": "x"}, seq=5, ts=TS + 40_000)),
                         (0, frame({"type": "GLOBAL_TASK", "agentId": AGENT, "seq": 9, "ts": TS, "payload": {}})), (0, b"[]")),
        "http": chunks((6, b"\x00\x00\x00"), (6, b"\x00\x01\x00"), (6, b"\x01\x02\x00" + frame({"description": "Write a haiku"})),
                       (6, b"\x01\x03\x00" + frame({"agentId": AGENT})), (6, b"\x01\x04\x01null"), (6, b"\x00\x05\x00")),
        "hostile-names": chunks((0, envelope("AGENT_CONNECT", {"name": "\u001b]0;pwned\u0007", "color": "\u202e", "persona": "a\nb", "version": "\u009b"}, seq=0)),
                                (0, thought("\u001b[2J" * 100)), (4, b"\x5b")),
    }


def console_seeds():
    entry = {"agentId": AGENT, "slot": 0, "name": "ada", "color": "#e8a838", "persona": "pragmatist", "version": "1.0", "connectedAt": TS}
    task = {"taskId": TASK, "description": "Plan a picnic", "issuedAt": TS}
    snapshot = frame({"type": "ARENA_SNAPSHOT", "agentId": SERVER, "slot": 0, "seq": 0, "ts": TS, "payload": {
        "arenaVersion": "0.1.0", "agents": [entry], "tasks": [task],
        "history": [json.loads(thought()), json.loads(response())], "spectators": 1, "admin": True}})
    server = lambda kind, payload, agent=SERVER: frame({"type": kind, "agentId": agent, "slot": 0, "seq": 0, "ts": TS, "payload": payload})
    return {
        "snapshot-and-chat": chunks((0, snapshot), (0, thought("what about rain?", seq=3)), (0, response("bring umbrellas", seq=4)), (0xF1, b"\x07"), (0xF1, b"\x00")),
        "join-leave": chunks((0, server("AGENT_JOIN", entry, agent=AGENT)), (0, server("AGENT_DISCONNECT", {"name": "ada", "slot": 0, "reason": "Idle timeout"}, agent=AGENT))),
        "task-and-admin": chunks((0, server("GLOBAL_TASK", task)), (0, server("ADMIN_RESULT", {"action": "kick", "ok": False, "error": "No agent"})),
                                 (0, server("TASKS_CLEARED", {"cleared": 1})), (0, server("ARENA_ERROR", {"reason": "Unknown message type: X"}))),
        "original-arena": chunks((0, server("ARENA_ERROR", {"reason": "First message must be AGENT_CONNECT"})), (0, server("ARENA_ACK", {"slot": 1, "connectedPeers": 2, "arenaVersion": "0.1.0"})),
                                 (0, server("PEER_THOUGHT", {"sourceAgentId": PEER, "taskId": TASK, "step": 1, "content": "x"})), (0, frame({"type": "PING", "ts": TS}))),
        "resize-keys-ticks": chunks((0, snapshot), (0xF0, b"\x3c\x10"), (0xF1, b"\x0e"), (0xF1, b"\x0f"), (0xF2, b"\x10"), (0xF0, b"\x8c\x2d"), (0xF3, b"gone"), (0xF2, b"\x02")),
        "local-agent": chunks((0xF4, b"\x00streamed text"), (0xF4, b"\x01log line"), (0xF4, b"\x02lifecycle"), (0xF4, b"\x03failed: trap")),
        "hostile-text": chunks((0, snapshot), (0, thought("\u001b]0;pwned\u0007\u001b[31mred\u009b2J\u202eevil\r\nnext", seq=5)),
                               (0, server("ARENA_ERROR", {"reason": "\u001b[2J\u2066"})), (1, snapshot), (0, b'{"type":"ARENA_ACK","payload":{"slot":1e300}}')),
    }


def gguf_seeds():
    import numpy as np
    import gguf

    def model(path, vocab=("<unk>", "a", "b", "ab", "<|im_end|>"), blocks=1, truncate=None, tokenizer="gpt2"):
        writer = gguf.GGUFWriter(str(path), "llama")
        dim, ff, heads = 8, 16, 2
        writer.add_context_length(32)
        writer.add_embedding_length(dim)
        writer.add_block_count(blocks)
        writer.add_feed_forward_length(ff)
        writer.add_head_count(heads)
        writer.add_head_count_kv(heads)
        writer.add_layer_norm_rms_eps(1e-5)
        writer.add_rope_freq_base(10000.0)
        writer.add_tokenizer_model(tokenizer)
        writer.add_token_list(list(vocab))
        writer.add_token_types([1] * len(vocab))
        if tokenizer == "gpt2":
            writer.add_token_merges(["a b"])
        else:
            writer.add_token_scores([0.0] * len(vocab))
        writer.add_eos_token_id(len(vocab) - 1)
        rng = np.random.default_rng(1)
        tensor = lambda *shape: rng.standard_normal(shape).astype(np.float32)
        writer.add_tensor("token_embd.weight", tensor(len(vocab), dim))
        writer.add_tensor("output_norm.weight", tensor(dim))
        for block in range(blocks):
            for name, shape in [("attn_norm", (dim,)), ("attn_q", (dim, dim)), ("attn_k", (dim, dim)), ("attn_v", (dim, dim)),
                                ("attn_output", (dim, dim)), ("ffn_norm", (dim,)), ("ffn_gate", (ff, dim)), ("ffn_up", (ff, dim)),
                                ("ffn_down", (dim, ff))]:
                writer.add_tensor(f"blk.{block}.{name}.weight", tensor(*shape))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        data = path.read_bytes()
        return data[:truncate] if truncate else data

    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "m.gguf"
        whole = model(path)
        return {
            "tiny-llama-bpe": whole,
            "tiny-llama-spm": model(path, vocab=("<unk>", "<s>", "</s>", "\u2581a", "b", "<0x41>"), tokenizer="llama"),
            "header-and-metadata": whole[:len(whole) // 3],
            "header-only": whole[:24],
            "truncated-tensors": whole[:-100],
        }


def skill_seeds():
    seeds = {f"persona-{path.parent.name}": path.read_bytes() for path in sorted((ROOT / "personas").glob("*/SKILL.md"))}
    seeds["folded-and-quoted"] = b'---\nname: tester\ndescription: >\n  folded\n  text\nmetadata:\n  author: "me"\n  version: \'1\'\n---\nBody.\n'
    seeds["broken-front-matter"] = b"---\nname: [unclosed\ndescription: |\n  x\n"
    seeds["no-front-matter"] = b"Just a prompt.\n"
    return seeds


def wasm_seeds():
    seeds = {path.stem: path.read_bytes() for path in sorted((ROOT / "wit" / "agents").glob("*/*.wasm"))}
    seeds["empty-module"] = b"\x00asm\x01\x00\x00\x00"
    seeds["truncated-default"] = seeds["default"][: len(seeds["default"]) // 2]
    # A component header (layer 1) around nothing: WasmBinary must find no core module.
    seeds["component-header"] = b"\x00asm\x0d\x00\x01\x00"
    # One import of the agent world with the wrong signature, and nothing else.
    type_section = b"\x01\x04\x01\x60\x00\x00"
    name = b"host-llm"
    entry = b"\x05$root" + bytes([len(name)]) + name + b"\x00\x00"
    import_section = b"\x02" + bytes([len(entry) + 1]) + b"\x01" + entry
    seeds["wrong-import"] = b"\x00asm\x01\x00\x00\x00" + type_section + import_section
    return seeds


def main():
    targets = {"arena-relay": relay_seeds, "arena-console": console_seeds, "gguf": gguf_seeds, "skill-md": skill_seeds, "wasm": wasm_seeds}
    for target, make in targets.items():
        folder = CORPUS / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, data in make().items():
            (folder / f"seed-{name}").write_bytes(data)
        print(f"{target}: {len(list(folder.iterdir()))} seeds")


if __name__ == "__main__":
    sys.exit(main())
