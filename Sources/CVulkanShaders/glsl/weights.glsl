// How each weight type lies in a device buffer, and how 8 of its values are read at a time.
//
// Every matrix is uploaded in mowai's device layout (VulkanInference/DeviceWeights.swift writes it): rows
// of 32-value chunks, in three word-aligned sections so that every read is a whole, aligned word:
//   header: the scales (f16 pairs for the 32-value blocks, a word of d and min for Q4_1 and Q5_1; per
//           256-value superblock, Q4_K's d, dmin and 12 bytes of packed scales, Q6_K's 16 scales and d),
//   high:   extra bits (Q5's fifth bits, one word per chunk; Q6_K's top two bits, two words per chunk),
//   quants: the low bits, 16 bytes per chunk for 4-bit types (values l and l+16 share a byte), 32 bytes for
//           Q8_0, 64 for F16 and BF16, 128 for F32.
// `piece(s, g, p, a, b)` gives values 8 of chunk g (the row's chunks counted from the matrix start): `a` holds
// the values at columns pieceColumns(p).x + 0..3 of the chunk and `b` those at pieceColumns(p).y + 0..3.
// `s = scalesOf(g)` reads the chunk's scales once for its four pieces (a CPU device pays for every read).

layout(binding = 0) readonly buffer WeightWords { uint W[]; };
// The same words four at a time: a chunk's quants are a whole number of aligned 16-byte vectors (each
// section starts 16-byte aligned), read with one load each.
layout(binding = 0) readonly buffer WeightVectors { uvec4 W4[]; };

layout(push_constant) uniform WeightPush {
    uint rows;        // output rows this dispatch computes (pairs of rows for the gated kernels)
    uint chunks;      // 32-value chunks per row
    uint tokens;      // activation rows
    uint xStride;     // floats between activation rows
    uint outStride;   // floats between output rows
    uint outOffset;   // the first output column this dispatch writes (embedding: the part's first row)
    uint header;      // section offsets, in words
    uint high;
    uint quants;
    uint flags;       // 1: add to the output; 2: GELU instead of SiLU (gated kernels)
    float scale;      // multiplies the result (embedding scale)
    uint pad;
} pc;

float halfAt(uint index) {
    vec2 pair = unpackHalf2x16(W[pc.header + (index >> 1)]);
    return (index & 1u) == 0u ? pair.x : pair.y;
}

vec4 nibblesLow(uint q) { return vec4(uvec4(q, q >> 8, q >> 16, q >> 24) & 0xFu); }
vec4 nibblesHigh(uint q) { return vec4(uvec4(q >> 4, q >> 12, q >> 20, q >> 28) & 0xFu); }
vec4 bytesSigned(uint q) { return vec4(ivec4(q << 24, q << 16, q << 8, q) >> 24); }

#if defined(TYPE_F32) || defined(TYPE_F16) || defined(TYPE_BF16) || defined(TYPE_Q8_0)
// Eight consecutive values.
uvec2 pieceColumns(uint p) { return uvec2(8u * p, 8u * p + 4u); }
#else
// Four values from the low nibbles and the four sixteen columns on from the high nibbles.
uvec2 pieceColumns(uint p) { return uvec2(4u * p, 16u + 4u * p); }
#endif

#if defined(TYPE_F32) || defined(TYPE_F16) || defined(TYPE_BF16)
// Float types carry no scales.
struct Scales { float unused; };
Scales scalesOf(uint g) { return Scales(0.0); }
#endif

// Each type: CHUNK_VECTORS (16-byte vectors of quants per chunk), PIECE_WORDS (words of quants per
// piece), and pieceFrom(s, words, p, a, b), which dequantizes piece p from its PIECE_WORDS words (a uvec4
// holding them first).
#if defined(TYPE_F32)
#define CHUNK_VECTORS 8u
#define PIECE_WORDS 8u
void pieceFrom(Scales s, uvec4 first, uvec4 second, uint p, out vec4 a, out vec4 b) {
    a = uintBitsToFloat(first);
    b = uintBitsToFloat(second);
}
#elif defined(TYPE_F16)
#define CHUNK_VECTORS 4u
#define PIECE_WORDS 4u
void pieceFrom(Scales s, uvec4 w, uvec4 unused, uint p, out vec4 a, out vec4 b) {
    a = vec4(unpackHalf2x16(w.x), unpackHalf2x16(w.y));
    b = vec4(unpackHalf2x16(w.z), unpackHalf2x16(w.w));
}
#elif defined(TYPE_BF16)
#define CHUNK_VECTORS 4u
#define PIECE_WORDS 4u
vec2 bf16Pair(uint w) { return uintBitsToFloat(uvec2(w << 16, w & 0xFFFF0000u)); }
void pieceFrom(Scales s, uvec4 w, uvec4 unused, uint p, out vec4 a, out vec4 b) {
    a = vec4(bf16Pair(w.x), bf16Pair(w.y));
    b = vec4(bf16Pair(w.z), bf16Pair(w.w));
}
#elif defined(TYPE_Q8_0)
#define CHUNK_VECTORS 2u
#define PIECE_WORDS 2u
struct Scales { float d; };
Scales scalesOf(uint g) { return Scales(halfAt(g)); }
void pieceFrom(Scales s, uvec4 w, uvec4 unused, uint p, out vec4 a, out vec4 b) {
    a = bytesSigned(w.x) * s.d;
    b = bytesSigned(w.y) * s.d;
}
#elif defined(TYPE_Q4_0)
#define CHUNK_VECTORS 1u
#define PIECE_WORDS 1u
struct Scales { float d; };
Scales scalesOf(uint g) { return Scales(halfAt(g)); }
void pieceFrom(Scales s, uvec4 w, uvec4 unused, uint p, out vec4 a, out vec4 b) {
    a = (nibblesLow(w.x) - 8.0) * s.d;
    b = (nibblesHigh(w.x) - 8.0) * s.d;
}
#elif defined(TYPE_Q4_1)
#define CHUNK_VECTORS 1u
#define PIECE_WORDS 1u
struct Scales { vec2 dm; };
Scales scalesOf(uint g) { return Scales(unpackHalf2x16(W[pc.header + g])); }
void pieceFrom(Scales s, uvec4 w, uvec4 unused, uint p, out vec4 a, out vec4 b) {
    a = nibblesLow(w.x) * s.dm.x + s.dm.y;
    b = nibblesHigh(w.x) * s.dm.x + s.dm.y;
}
#elif defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
// The fifth bit of value j is bit j of the chunk's high word, read with the scales.
struct Scales { vec2 dm; uint high; };
#if defined(TYPE_Q5_0)
// Q5_0 centres on 16: d × (q − 16) = q × d + (−16 d).
Scales scalesOf(uint g) { float d = halfAt(g); return Scales(vec2(d, -16.0 * d), W[pc.high + g]); }
#else
Scales scalesOf(uint g) { return Scales(unpackHalf2x16(W[pc.header + g]), W[pc.high + g]); }
#endif
#define CHUNK_VECTORS 1u
#define PIECE_WORDS 1u
vec4 fifthBits(uint h, uint first) { return vec4((uvec4(h) >> uvec4(first, first + 1u, first + 2u, first + 3u)) & 1u) * 16.0; }
void pieceFrom(Scales s, uvec4 w, uvec4 unused, uint p, out vec4 a, out vec4 b) {
    a = (nibblesLow(w.x) + fifthBits(s.high, 4u * p)) * s.dm.x + s.dm.y;
    b = (nibblesHigh(w.x) + fifthBits(s.high, 16u + 4u * p)) * s.dm.x + s.dm.y;
}
#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
// A superblock of 8 chunks: d and dmin (f16), then 8 six-bit scales and 8 six-bit minimums packed in 12 bytes.
// Q5_K adds a word of fifth bits per chunk (bit l, value l), read with the scales.
uint byteAt(uvec4 header, uint index) { return (header[1u + (index >> 2)] >> (8u * (index & 3u))) & 0xFFu; }
struct Scales { float d; float m; uint high; };
Scales scalesOf(uint g) {
    uint base = pc.header + (g >> 3) * 4u;
    uvec4 header = uvec4(W[base], W[base + 1u], W[base + 2u], W[base + 3u]);
    uint s = g & 7u;
    uint scale, minimum;
    if (s < 4u) {
        scale = byteAt(header, s) & 63u;
        minimum = byteAt(header, s + 4u) & 63u;
    } else {
        scale = (byteAt(header, s + 4u) & 0xFu) | ((byteAt(header, s - 4u) >> 6) << 4);
        minimum = (byteAt(header, s + 4u) >> 4) | ((byteAt(header, s) >> 6) << 4);
    }
    vec2 dm = unpackHalf2x16(header.x);
#if defined(TYPE_Q5_K)
    uint high = W[pc.high + g];
#else
    uint high = 0u;
#endif
    return Scales(dm.x * float(scale), dm.y * float(minimum), high);
}
#define CHUNK_VECTORS 1u
#define PIECE_WORDS 1u
void pieceFrom(Scales s, uvec4 w, uvec4 unused, uint p, out vec4 a, out vec4 b) {
#if defined(TYPE_Q5_K)
    vec4 fifthLow = vec4((uvec4(s.high) >> uvec4(4u * p, 4u * p + 1u, 4u * p + 2u, 4u * p + 3u)) & 1u) * 16.0;
    vec4 fifthHigh = vec4((uvec4(s.high) >> uvec4(16u + 4u * p, 17u + 4u * p, 18u + 4u * p, 19u + 4u * p)) & 1u) * 16.0;
    a = (nibblesLow(w.x) + fifthLow) * s.d - s.m;
    b = (nibblesHigh(w.x) + fifthHigh) * s.d - s.m;
#else
    a = nibblesLow(w.x) * s.d - s.m;
    b = nibblesHigh(w.x) * s.d - s.m;
#endif
}
#elif defined(TYPE_Q6_K)
// A superblock of 8 chunks: 16 signed eight-bit scales (one per 16 values) in 4 words, then d (f32); per
// chunk, 16 bytes of low nibbles and two words of the top two bits (value j at bits 2j, j < 16 in the first).
vec4 topBits(uint h, uint first) { return vec4((uvec4(h) >> uvec4(first, first + 2u, first + 4u, first + 6u)) & 3u) * 16.0; }
struct Scales { float low; float high; uvec2 top; };
Scales scalesOf(uint g) {
    uint base = pc.header + (g >> 3) * 5u;
    float d = uintBitsToFloat(W[base + 4u]);
    // The chunk's two scales are bytes 2(g mod 8) and 2(g mod 8) + 1 of the 16: one half of one word.
    uint word = W[base + ((g & 7u) >> 1)];
    uint pair = (g & 1u) == 0u ? word : word >> 16;
    float first = float(int(pair << 24) >> 24), second = float(int(pair << 16) >> 24);
    uint top = pc.high + g * 2u;
    return Scales(d * first, d * second, uvec2(W[top], W[top + 1u]));
}
#define CHUNK_VECTORS 1u
#define PIECE_WORDS 1u
void pieceFrom(Scales s, uvec4 w, uvec4 unused, uint p, out vec4 a, out vec4 b) {
    a = (nibblesLow(w.x) + topBits(s.top.x, 8u * p) - 32.0) * s.low;
    b = (nibblesHigh(w.x) + topBits(s.top.y, 8u * p) - 32.0) * s.high;
}
#else
#error "define TYPE_<weight type>"
#endif

// Piece p of chunk g given its scales: its PIECE_WORDS words read one by one.
void piece(Scales s, uint g, uint p, out vec4 a, out vec4 b) {
    uint base = pc.quants + (g * CHUNK_VECTORS * 4u) + p * PIECE_WORDS;
    uvec4 first = uvec4(W[base], PIECE_WORDS > 1u ? W[base + 1u] : 0u, PIECE_WORDS > 2u ? W[base + 2u] : 0u, PIECE_WORDS > 3u ? W[base + 3u] : 0u);
    uvec4 second = PIECE_WORDS > 4u ? uvec4(W[base + 4u], W[base + 5u], W[base + 6u], W[base + 7u]) : uvec4(0u);
    pieceFrom(s, first, second, p, a, b);
}

// Piece p of a chunk whose quant vectors are `words` (read with one load each).
void pieceOfChunk(Scales s, uvec4 words[CHUNK_VECTORS], uint p, out vec4 a, out vec4 b) {
    uvec4 first, second = uvec4(0u);
    if (PIECE_WORDS == 8u) {
        first = words[2u * p];
        second = words[2u * p + 1u];
    } else if (PIECE_WORDS == 4u) {
        first = words[p];
    } else if (PIECE_WORDS == 2u) {
        uvec4 w = words[p >> 1];
        first = (p & 1u) == 0u ? uvec4(w.xy, 0u, 0u) : uvec4(w.zw, 0u, 0u);
    } else {
        first = uvec4(words[0][p], 0u, 0u, 0u);
    }
    pieceFrom(s, first, second, p, a, b);
}

// Values 8 of chunk g, the scales read for this piece alone.
void piece(uint g, uint p, out vec4 a, out vec4 b) { piece(scalesOf(g), g, p, a, b); }
