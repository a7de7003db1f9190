// A minimal mowai agent in Embedded Swift: copy this folder, change handleTask, build it (README.md).
//
// An agent is a WebAssembly core module speaking the canonical ABI of wit/agent.wit: it imports the
// host's functions from module "$root" (declared in include/mowai_host.h, wrapped in Host.swift) and
// exports its own under their WIT names with @_expose(wasm, ...). Strings cross as (pointer, length)
// pairs of UTF-8 bytes in our memory; runtime.c provides the allocator both sides use.
import MowaiHost

// ---- The agent ----

func onInit() {
    Host.log("info", "Swift template agent ready")
}

/// Empty name, color and persona mean "use what the user configured".
func info() -> (name: String, version: String, color: String, persona: String) {
    ("", "0.1.0", "", "")
}

/// Asks the model once with the task as the whole prompt (mowai puts the persona's system prompt in
/// front of it). Use Host.broadcast to share thoughts on the way.
func handleTask(_ task: String) -> String {
    let answer = Host.llm(task)
    return answer.isEmpty ? "The model gave no answer." : answer
}

/// Another agent's thought. Keep this cheap: every agent hears every thought, so calling the model
/// here would flood the swarm.
func onPeerThought(from peer: String, _ thought: String) {
    Host.log("debug", peer + ": " + thought)
}

// ---- The exports: the canonical ABI around the functions above ----

@_expose(wasm, "on-init")
@_cdecl("mowai_on_init")
func exportOnInit() {
    onInit()
}

/// Returns a pointer to four (pointer, length) pairs; cabi_post_get-info frees them.
@_expose(wasm, "get-info")
@_cdecl("mowai_get_info")
func exportGetInfo() -> UnsafeMutableRawPointer {
    let (name, version, color, persona) = info()
    return returnArea([giveString(name), giveString(version), giveString(color), giveString(persona)])
}

@_expose(wasm, "cabi_post_get-info")
@_cdecl("mowai_post_get_info")
func exportPostGetInfo(_ area: UnsafeMutableRawPointer) {
    freeReturnArea(area, count: 4)
}

/// The host allocated `bytes`; we own them from here on.
@_expose(wasm, "handle-task")
@_cdecl("mowai_handle_task")
func exportHandleTask(_ bytes: UnsafeMutablePointer<UInt8>?, _ count: Int) -> UnsafeMutableRawPointer {
    let task = takeString(mowai_text(bytes: bytes, length: count))
    return returnArea([giveString(handleTask(task))])
}

@_expose(wasm, "cabi_post_handle-task")
@_cdecl("mowai_post_handle_task")
func exportPostHandleTask(_ area: UnsafeMutableRawPointer) {
    freeReturnArea(area, count: 1)
}

@_expose(wasm, "on-peer-thought")
@_cdecl("mowai_on_peer_thought")
func exportOnPeerThought(_ peerBytes: UnsafeMutablePointer<UInt8>?, _ peerCount: Int,
                         _ thoughtBytes: UnsafeMutablePointer<UInt8>?, _ thoughtCount: Int) {
    onPeerThought(from: takeString(mowai_text(bytes: peerBytes, length: peerCount)),
                  takeString(mowai_text(bytes: thoughtBytes, length: thoughtCount)))
}

/// A result is returned as a pointer to its strings' (pointer, length) pairs, which the host reads
/// after the export returns; they stay allocated until the matching cabi_post_* call.
private func returnArea(_ strings: [mowai_text]) -> UnsafeMutableRawPointer {
    let area = malloc(strings.count * MemoryLayout<mowai_text>.stride)!
    let fields = area.assumingMemoryBound(to: mowai_text.self)
    for (index, string) in strings.enumerated() { fields[index] = string }
    return area
}

private func freeReturnArea(_ area: UnsafeMutableRawPointer, count: Int) {
    let fields = area.assumingMemoryBound(to: mowai_text.self)
    for index in 0..<count { free(fields[index].bytes) }
    free(area)
}
