// A minimal mowai agent in C: copy this file, change handle_task, build it (see README.md).
//
// An agent is a WebAssembly core module that speaks the canonical ABI of wit/agent.wit: it imports
// the host's functions from module "$root" and exports its own under their WIT names.
// docs/AGENT-ABI.md lists every signature. There is no libc here (the module is built with
// -nostdlib), so the few things C needs from one are at the bottom of this file.
#include <stddef.h>
#include <stdint.h>

// ---- The contract ----

// Strings cross the boundary as UTF-8 bytes: a pointer and a length, never NUL-terminated.
struct text {
    const char *bytes;
    size_t length;
};

#define IMPORT(name) __attribute__((import_module("$root"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

// A function that returns a string takes a pointer where the host writes the (pointer, length) of
// the answer, which it has allocated in our memory through cabi_realloc below.
IMPORT("host-llm") void host_llm(const char *prompt, size_t length, struct text *answer);
IMPORT("log") void host_log(const char *level, size_t level_length, const char *message,
                            size_t message_length);
// The other imports, for when you need them:
//   IMPORT("broadcast") void host_broadcast(const char *message, size_t length);
//   IMPORT("now-ms") uint64_t host_now_ms(void);
//   IMPORT("get-config") void host_get_config(struct text config[3]);  // name, color, persona

static struct text literal(const char *string) {
    size_t length = 0;
    while (string[length] != 0) length++;
    return (struct text){string, length};
}

static void log_text(const char *level, struct text message) {
    host_log(level, literal(level).length, message.bytes, message.length);
}

// ---- Memory ----

// A bump allocator: each allocation takes the next bytes after the static data, and everything is
// freed at once when an export call is over. That is enough for an agent, since mowai makes one
// call at a time and copies out what we return before calling the matching cabi_post_* below.
// Anything that must outlive a call belongs in a static variable.
extern unsigned char __heap_base;  // where wasm-ld put the end of the static data and the stack
static uintptr_t heap_top;

static void free_everything(void) { heap_top = (uintptr_t)&__heap_base; }

// mowai calls this to put the strings it passes us (arguments, host-llm's answer) in our memory.
EXPORT("cabi_realloc")
void *cabi_realloc(void *old_pointer, size_t old_size, size_t alignment, size_t new_size) {
    (void)old_pointer, (void)old_size;  // the host only ever asks for new blocks
    if (heap_top == 0) free_everything();
    uintptr_t start = (heap_top + alignment - 1) & ~(uintptr_t)(alignment - 1);
    uintptr_t end = start + new_size;
    size_t memory_end = __builtin_wasm_memory_size(0) * 65536;
    if (end > memory_end && __builtin_wasm_memory_grow(0, (end - memory_end + 65535) / 65536) == (size_t)-1) {
        __builtin_trap();  // out of memory: there is no way to fail more gracefully here
    }
    heap_top = end;
    return (void *)start;
}

// ---- The agent ----

// The result of handle-task and get-info is returned as a pointer to its fields, which must stay
// put until mowai has read them: hence static.
static struct text answer;
static struct text info[4];  // name, version, color, persona

EXPORT("on-init")
void on_init(void) {
    log_text("info", literal("template agent ready"));
}

// Empty name, color and persona mean "use what the user configured".
EXPORT("get-info")
struct text *get_info(void) {
    info[0] = literal("");
    info[1] = literal("0.1.0");
    info[2] = literal("");
    info[3] = literal("");
    return info;
}

// Asks the model once, with the task as the whole prompt (mowai puts the persona's system prompt in
// front of it), and answers with what the model said. Use host_broadcast to share thoughts on the way.
EXPORT("handle-task")
struct text *handle_task(const char *task, size_t task_length) {
    answer = (struct text){0, 0};
    host_llm(task, task_length, &answer);
    if (answer.length == 0) answer = literal("The model gave no answer.");
    return &answer;
}

// Another agent's thought. Keep this cheap: every agent hears every thought, so calling the model
// here would flood the swarm.
EXPORT("on-peer-thought")
void on_peer_thought(const char *peer, size_t peer_length, const char *thought, size_t thought_length) {
    (void)peer, (void)peer_length;
    log_text("debug", (struct text){thought, thought_length});
    free_everything();
}

// Called once mowai has read a result: the moment to free the call's memory.
EXPORT("cabi_post_handle-task")
void post_handle_task(struct text *result) {
    (void)result;
    free_everything();
}

EXPORT("cabi_post_get-info")
void post_get_info(struct text *result) {
    (void)result;
    free_everything();
}

// ---- What libc would provide ----

// clang turns struct copies and some loops into calls to these. (Built with -ffreestanding, so
// these loops are not turned into calls to themselves.)
void *memcpy(void *destination, const void *source, size_t count) {
    unsigned char *to = destination;
    const unsigned char *from = source;
    while (count--) *to++ = *from++;
    return destination;
}

void *memset(void *destination, int value, size_t count) {
    unsigned char *to = destination;
    while (count--) *to++ = (unsigned char)value;
    return destination;
}
