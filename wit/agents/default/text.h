// Bounded UTF-8 text: clipping at character boundaries, one-line normalisation, and a string
// builder that silently stops at its capacity. Nothing here can write past a buffer, whatever the
// host hands us.
#ifndef MOWAI_TEXT_H
#define MOWAI_TEXT_H

#include <stddef.h>

#include "abi.h"

// The longest prefix of `text` that is at most `limit` bytes and does not cut a character in two.
size_t utf8_prefix_length(struct text text, size_t limit);

// Copies `text` into `buffer` as one tidy line of at most `capacity` bytes: outer whitespace
// trimmed, line breaks and other control characters turned into spaces, runs of spaces collapsed.
// Returns the length written.
size_t copy_line(char *buffer, size_t capacity, struct text text);

// `text` without leading and trailing whitespace.
struct text trim(struct text text);

// `text` up to and including the end of its first sentence, if that ends past `minimum` bytes (so
// "e.g." near the start does not cut it short); all of `text` when no sentence ends.
struct text first_sentence(struct text text, size_t minimum);

struct text text_from_literal(const char *literal);

struct builder {
    char *bytes;
    size_t length;
    size_t capacity;
};

// A builder with `capacity` bytes on the heap.
struct builder builder_make(size_t capacity);
// Appends as much of `text` as fits, cut at a character boundary.
void builder_append(struct builder *builder, struct text text);
void builder_append_literal(struct builder *builder, const char *literal);
void builder_append_unsigned(struct builder *builder, unsigned long long value);
struct text builder_text(const struct builder *builder);

#endif
