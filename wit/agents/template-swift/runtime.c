// What Embedded Swift needs from a C library, for a module with no libc: an allocator (malloc,
// posix_memalign, free), the memory functions clang and Swift call, and cabi_realloc, through which
// the host allocates the strings it hands us. Embedded Swift frees memory as soon as a value dies,
// so this is a real allocator: a free list, kept in address order so neighbours merge.
#include <stddef.h>
#include <stdint.h>

// Every block starts with this header and is 16-byte aligned, the largest alignment Swift asks of
// malloc; posix_memalign refuses more.
struct block {
    size_t size;  // of the whole block, header included
    struct block *next_free;
    size_t padding[2];
};

enum { alignment = 16, page_size = 65536, enomem = 12 };

extern unsigned char __heap_base;  // set by wasm-ld: the end of the static data and the stack
static uintptr_t heap_top;         // the end of the blocks carved so far
static struct block *free_list;    // free blocks, in address order

static size_t round_up(size_t value) { return (value + alignment - 1) & ~(size_t)(alignment - 1); }

// A new block at the top of the heap, growing the memory when it must.
static struct block *carve(size_t size) {
    if (heap_top == 0) heap_top = round_up((uintptr_t)&__heap_base);
    uintptr_t end = heap_top + size;
    uintptr_t memory_end = __builtin_wasm_memory_size(0) * page_size;
    if (end < heap_top) return 0;
    if (end > memory_end && __builtin_wasm_memory_grow(0, (end - memory_end + page_size - 1) / page_size) == (size_t)-1) {
        return 0;
    }
    struct block *block = (struct block *)heap_top;
    block->size = size;
    heap_top = end;
    return block;
}

void *malloc(size_t requested) {
    if (requested > SIZE_MAX / 2) return 0;
    size_t size = round_up(requested) + sizeof(struct block);
    // First fit; a block much larger than needed is split and its tail stays free.
    for (struct block **link = &free_list; *link != 0; link = &(*link)->next_free) {
        struct block *block = *link;
        if (block->size < size) continue;
        if (block->size - size >= 2 * sizeof(struct block)) {
            struct block *rest = (struct block *)((uintptr_t)block + size);
            rest->size = block->size - size;
            rest->next_free = block->next_free;
            block->size = size;
            *link = rest;
        } else {
            *link = block->next_free;
        }
        return block + 1;
    }
    struct block *block = carve(size);
    return block != 0 ? block + 1 : 0;
}

void free(void *pointer) {
    if (pointer == 0) return;
    struct block *block = (struct block *)pointer - 1;
    struct block *previous = 0, *next = free_list;
    while (next != 0 && next < block) {
        previous = next;
        next = next->next_free;
    }
    block->next_free = next;
    if (next != 0 && (uintptr_t)block + block->size == (uintptr_t)next) {
        block->size += next->size;
        block->next_free = next->next_free;
    }
    if (previous == 0) {
        free_list = block;
    } else if ((uintptr_t)previous + previous->size == (uintptr_t)block) {
        previous->size += block->size;
        previous->next_free = block->next_free;
    } else {
        previous->next_free = block;
    }
}

int posix_memalign(void **result, size_t requested_alignment, size_t size) {
    if (requested_alignment > alignment) return enomem;
    void *pointer = malloc(size);
    if (pointer == 0) return enomem;
    *result = pointer;
    return 0;
}

// The host calls this with old_pointer 0 for each string it hands us; Swift frees it (Host.swift).
__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old_pointer, size_t old_size, size_t requested_alignment, size_t new_size) {
    void *pointer = requested_alignment <= alignment ? malloc(new_size) : 0;
    if (pointer == 0) __builtin_trap();  // the canonical ABI gives no way to fail
    if (old_pointer != 0) {
        __builtin_memcpy(pointer, old_pointer, old_size < new_size ? old_size : new_size);
        free(old_pointer);
    }
    return pointer;
}

// Built with -ffreestanding, so these loops are not turned into calls to themselves.
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

int memcmp(const void *left, const void *right, size_t count) {
    const unsigned char *a = left, *b = right;
    for (; count > 0; count--, a++, b++) {
        if (*a != *b) return *a - *b;
    }
    return 0;
}
