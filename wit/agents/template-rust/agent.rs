//! A minimal mowai agent in Rust: copy this file, change `handle_task`, build it (see README.md).
//!
//! An agent is a WebAssembly core module that speaks the canonical ABI of wit/agent.wit: it imports
//! the host's functions from module "$root" and exports its own under their WIT names.
//! docs/AGENT-ABI.md lists every signature. Built for wasm32-unknown-unknown, whose std has a real
//! allocator (String, Vec, ...) and imports nothing but what we declare here.

// ---- The agent ----

fn on_init() {
    log("info", "Rust template agent ready");
}

/// Asks the model once with the task as the whole prompt (mowai puts the persona's system prompt in
/// front of it). Use `broadcast` to share thoughts on the way.
fn handle_task(task: String) -> String {
    let answer = llm(&task);
    if answer.is_empty() { "The model gave no answer.".to_string() } else { answer }
}

/// Another agent's thought. Keep this cheap: every agent hears every thought, so calling the model
/// here would flood the swarm.
fn on_peer_thought(peer: String, thought: String) {
    log("debug", &format!("{peer}: {thought}"));
}

/// Name, version, color and persona; empty strings mean "use what the user configured".
const INFO: [&str; 4] = ["", "0.1.0", "", ""];

// ---- The host's functions ----

/// A string as the canonical ABI lays it out: pointer and length of UTF-8 bytes in our memory.
#[repr(C)]
struct RawText {
    bytes: *mut u8,
    length: usize,
}

#[link(wasm_import_module = "$root")]
extern "C" {
    #[link_name = "host-llm"]
    fn host_llm(prompt: *const u8, length: usize, answer: *mut RawText);
    #[link_name = "broadcast"]
    fn host_broadcast(message: *const u8, length: usize);
    #[link_name = "log"]
    fn host_log(level: *const u8, level_length: usize, message: *const u8, message_length: usize);
}

/// Asks the local model and waits for its whole answer.
fn llm(prompt: &str) -> String {
    let mut answer = RawText { bytes: std::ptr::null_mut(), length: 0 };
    unsafe {
        host_llm(prompt.as_ptr(), prompt.len(), &mut answer);
        take_string(answer.bytes, answer.length)
    }
}

/// Posts a thought to everyone in the arena.
#[allow(dead_code)]
fn broadcast(message: &str) {
    unsafe { host_broadcast(message.as_ptr(), message.len()) }
}

/// Writes a line to the agent's console: level is "debug", "info", "warn" or "error".
fn log(level: &str, message: &str) {
    unsafe { host_log(level.as_ptr(), level.len(), message.as_ptr(), message.len()) }
}

// ---- Memory: the host allocates the strings it hands us through cabi_realloc ----

#[export_name = "cabi_realloc"]
unsafe extern "C" fn cabi_realloc(old: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    use std::alloc::{alloc, realloc, Layout};
    if new_size == 0 {
        return align as *mut u8; // a well-aligned pointer that owns nothing
    }
    let pointer = if old.is_null() || old_size == 0 {
        alloc(Layout::from_size_align_unchecked(new_size, align))
    } else {
        realloc(old, Layout::from_size_align_unchecked(old_size, align), new_size)
    };
    if pointer.is_null() {
        std::process::abort(); // the canonical ABI gives no way to fail
    }
    pointer
}

/// Takes ownership of a string the host allocated in our memory (with alignment 1, as it does).
unsafe fn take_string(bytes: *mut u8, length: usize) -> String {
    if length == 0 {
        return String::new();
    }
    let bytes = Vec::from_raw_parts(bytes, length, length);
    String::from_utf8(bytes).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

// ---- The exports: the canonical ABI around the functions above ----

/// Results are returned as a pointer to (pointer, length) pairs, which must stay put until the host
/// has read them: hence static.
static mut RETURN_AREA: [usize; 8] = [0; 8];

#[export_name = "on-init"]
extern "C" fn export_on_init() {
    on_init();
}

#[export_name = "get-info"]
unsafe extern "C" fn export_get_info() -> *const usize {
    for (index, field) in INFO.iter().enumerate() {
        RETURN_AREA[2 * index] = field.as_ptr() as usize;
        RETURN_AREA[2 * index + 1] = field.len();
    }
    RETURN_AREA.as_ptr()
}

#[export_name = "handle-task"]
unsafe extern "C" fn export_handle_task(bytes: *mut u8, length: usize) -> *const usize {
    let answer = handle_task(take_string(bytes, length)).into_boxed_str();
    RETURN_AREA[1] = answer.len();
    RETURN_AREA[0] = Box::into_raw(answer) as *mut u8 as usize;
    RETURN_AREA.as_ptr()
}

/// Called once the host has read handle-task's answer: the moment to free it.
#[export_name = "cabi_post_handle-task"]
unsafe extern "C" fn export_post_handle_task(area: *const usize) {
    let bytes = std::ptr::slice_from_raw_parts_mut(*area as *mut u8, *area.add(1));
    drop(Box::from_raw(bytes as *mut str));
}

#[export_name = "on-peer-thought"]
unsafe extern "C" fn export_on_peer_thought(peer: *mut u8, peer_length: usize, thought: *mut u8, thought_length: usize) {
    on_peer_thought(take_string(peer, peer_length), take_string(thought, thought_length));
}
