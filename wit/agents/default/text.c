#include "text.h"

#include "heap.h"

void *memcpy(void *destination, const void *source, size_t count);

static int is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

static int is_space(unsigned char byte) { return byte == ' ' || byte < 0x20 || byte == 0x7F; }

size_t utf8_prefix_length(struct text text, size_t limit) {
    if (text.length <= limit) return text.length;
    size_t length = limit;
    // bytes[length] is the first byte left out: if it continues a character, so must the cut.
    while (length > 0 && is_continuation((unsigned char)text.bytes[length])) length--;
    return length;
}

struct text trim(struct text text) {
    while (text.length > 0 && is_space((unsigned char)text.bytes[0])) {
        text.bytes++;
        text.length--;
    }
    while (text.length > 0 && is_space((unsigned char)text.bytes[text.length - 1])) text.length--;
    return text;
}

size_t copy_line(char *buffer, size_t capacity, struct text text) {
    text = trim(text);
    // Collapsing only shortens, so clipping the source first keeps the copy within capacity.
    text.length = utf8_prefix_length(text, capacity);
    size_t length = 0;
    for (size_t index = 0; index < text.length; index++) {
        unsigned char byte = (unsigned char)text.bytes[index];
        if (is_space(byte)) {
            if (length > 0 && buffer[length - 1] != ' ') buffer[length++] = ' ';
        } else {
            buffer[length++] = (char)byte;
        }
    }
    return length;
}

struct text first_sentence(struct text text, size_t minimum) {
    for (size_t index = minimum; index + 1 < text.length; index++) {
        char byte = text.bytes[index];
        if ((byte == '.' || byte == '!' || byte == '?') && is_space((unsigned char)text.bytes[index + 1])) {
            text.length = index + 1;
            break;
        }
    }
    return text;
}

struct text text_from_literal(const char *literal) {
    size_t length = 0;
    while (literal[length] != 0) length++;
    return (struct text){literal, length};
}

struct builder builder_make(size_t capacity) {
    return (struct builder){heap_allocate(capacity, 1), 0, capacity};
}

void builder_append(struct builder *builder, struct text text) {
    size_t length = utf8_prefix_length(text, builder->capacity - builder->length);
    memcpy(builder->bytes + builder->length, text.bytes, length);
    builder->length += length;
}

void builder_append_literal(struct builder *builder, const char *literal) {
    builder_append(builder, text_from_literal(literal));
}

void builder_append_unsigned(struct builder *builder, unsigned long long value) {
    char digits[20];
    size_t count = 0;
    do {
        digits[sizeof digits - ++count] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    builder_append(builder, (struct text){digits + sizeof digits - count, count});
}

struct text builder_text(const struct builder *builder) {
    return (struct text){builder->bytes, builder->length};
}
