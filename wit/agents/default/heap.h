// The agent's heap: a bump allocator over the linear memory after the static data and the stack.
//
// Nothing on it outlives an export call, so freeing is one step: heap_reset() at the start of each
// call (after the call has copied what it keeps out of its arguments) and in cabi_post_*. What must
// survive between calls (the configuration, the peer thoughts) lives in static buffers instead.
#ifndef MOWAI_HEAP_H
#define MOWAI_HEAP_H

#include <stddef.h>

// The heap never grows past this, whatever the host hands us: the host's strings are at most 1 MiB
// each and an export call holds at most two of them at once.
#define HEAP_LIMIT (4u << 20)

// Returns `size` bytes aligned to `alignment` (a power of two); traps when the heap is full, since
// the canonical ABI gives cabi_realloc no way to fail.
void *heap_allocate(size_t size, size_t alignment);
// Forgets every allocation.
void heap_reset(void);

#endif
