// The agent-world contract (wit/agent.wit) as C sees it: the host's imports from module `$root` and
// the layouts of the strings and records that cross the boundary. docs/AGENT-ABI.md has the table.
#ifndef MOWAI_ABI_H
#define MOWAI_ABI_H

#include <stddef.h>
#include <stdint.h>

// A UTF-8 string in linear memory, laid out as the canonical ABI passes it: pointer, then length.
// Every string the host returns lives in our heap (it allocates with cabi_realloc).
struct text {
    const char *bytes;
    size_t length;
};

// get-config's record, written by the host at the retptr we hand it.
struct agent_config {
    struct text name;
    struct text color;
    struct text persona;
};

// get-info's record, read by the host at the pointer we return.
struct agent_info {
    struct text name;
    struct text version;
    struct text color;
    struct text persona;
};

#define MOWAI_IMPORT(name) __attribute__((import_module("$root"), import_name(name)))
#define MOWAI_EXPORT(name) __attribute__((export_name(name)))

// Blocks until the model has answered; the persona's system prompt is put in front of `prompt`.
MOWAI_IMPORT("host-llm") void host_llm(const char *prompt, size_t length, struct text *answer);
// Posts a thought to the arena (only to our own console outside a task).
MOWAI_IMPORT("broadcast") void host_broadcast(const char *message, size_t length);
MOWAI_IMPORT("now-ms") uint64_t host_now_ms(void);
// `level` is "debug", "info", "warn" or "error".
MOWAI_IMPORT("log") void host_log(const char *level, size_t level_length, const char *message,
                                  size_t message_length);
MOWAI_IMPORT("get-config") void host_get_config(struct agent_config *config);

#endif
