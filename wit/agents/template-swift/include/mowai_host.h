// The host's side of wit/agent.wit, declared in C so Swift can call it: Swift's own @_extern(wasm)
// adds hidden parameters to every import, which the host would refuse. Each declaration names the
// function mowai provides in module "$root"; docs/AGENT-ABI.md has the core signatures.
#ifndef MOWAI_HOST_H
#define MOWAI_HOST_H

#include <stddef.h>
#include <stdint.h>

// A UTF-8 string in our memory: pointer and length, as the canonical ABI lays it out.
struct mowai_text {
    uint8_t *bytes;
    size_t length;
};

#define MOWAI_IMPORT(name) __attribute__((import_module("$root"), import_name(name)))

// The host allocates the answer in our memory (through cabi_realloc) and writes where it is to
// `answer`; the caller owns it and frees it.
MOWAI_IMPORT("host-llm") void mowai_host_llm(const uint8_t *prompt, size_t length, struct mowai_text *answer);
MOWAI_IMPORT("broadcast") void mowai_broadcast(const uint8_t *message, size_t length);
MOWAI_IMPORT("now-ms") uint64_t mowai_now_ms(void);
MOWAI_IMPORT("log") void mowai_log(const uint8_t *level, size_t level_length, const uint8_t *message,
                                   size_t message_length);
// Writes name, color and persona, each allocated like host-llm's answer.
MOWAI_IMPORT("get-config") void mowai_get_config(struct mowai_text config[3]);

// From runtime.c: the allocator that Embedded Swift and the host share.
void *malloc(size_t size);
void free(void *pointer);

#endif
