#include "heap.h"

#include <stdint.h>

#include "abi.h"

void *memcpy(void *destination, const void *source, size_t count);

// Set by wasm-ld: the first byte after the static data and the stack (linked with --stack-first).
extern unsigned char __heap_base;

enum { page_size = 65536 };

static uintptr_t heap_top;

static uintptr_t heap_start(void) { return (uintptr_t)&__heap_base; }

void heap_reset(void) { heap_top = heap_start(); }

// Whether a block may end at `end`: inside HEAP_LIMIT, with the memory grown to reach it.
static int fits(uintptr_t end) {
    if (end < heap_start() || end - heap_start() > HEAP_LIMIT) return 0;
    uintptr_t memory_end = __builtin_wasm_memory_size(0) * page_size;
    if (end <= memory_end) return 1;
    uintptr_t pages = (end - memory_end + page_size - 1) / page_size;
    return __builtin_wasm_memory_grow(0, pages) != (size_t)-1;
}

void *heap_allocate(size_t size, size_t alignment) {
    if (heap_top == 0) heap_reset();
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > 16) alignment = 16;
    uintptr_t start = (heap_top + alignment - 1) & ~(uintptr_t)(alignment - 1);
    if (size > HEAP_LIMIT || !fits(start + size)) __builtin_trap();
    heap_top = start + size;
    return (void *)start;
}

// The host allocates every string it hands us through this (with old_pointer 0 today). Resizing
// the last block happens in place; any other block is copied.
MOWAI_EXPORT("cabi_realloc")
void *cabi_realloc(void *old_pointer, size_t old_size, size_t alignment, size_t new_size) {
    uintptr_t old_start = (uintptr_t)old_pointer;
    if (old_pointer != 0 && old_start + old_size == heap_top && new_size <= HEAP_LIMIT &&
        fits(old_start + new_size)) {
        heap_top = old_start + new_size;
        return old_pointer;
    }
    void *block = heap_allocate(new_size, alignment);
    if (old_pointer != 0) memcpy(block, old_pointer, old_size < new_size ? old_size : new_size);
    return block;
}

// clang lowers struct copies and some loops to these calls, and there is no libc to provide them.
// (Compiled with -ffreestanding, so the loops below are not turned back into calls to themselves.)
void *memcpy(void *destination, const void *source, size_t count) {
    unsigned char *to = destination;
    const unsigned char *from = source;
    while (count--) *to++ = *from++;
    return destination;
}

void *memmove(void *destination, const void *source, size_t count) {
    unsigned char *to = destination;
    const unsigned char *from = source;
    if (to < from) {
        while (count--) *to++ = *from++;
    } else {
        while (count--) to[count] = from[count];
    }
    return destination;
}

void *memset(void *destination, int value, size_t count) {
    unsigned char *to = destination;
    while (count--) *to++ = (unsigned char)value;
    return destination;
}
