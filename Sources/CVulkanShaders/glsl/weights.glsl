// How each weight type lies in a device buffer, and how 8 of its values are read at a time.
//
// Every matrix is uploaded in mowai's device layout (VulkanInference/DeviceWeights.swift writes it): rows
// of 32-value chunks, in three word-aligned sections so that every read is a whole, aligned word:
//   header: the scales (f16 pairs for the 32-value blocks, a word of d and min for Q4_1 and Q5_1; per
//           256-value superblock, Q4_K's d, dmin and 12 bytes of packed scales, Q6_K's 16 scales and d),
//   high:   extra bits (Q5's fifth bits, one word per chunk; Q6_K's top two bits, two words per chunk),
//   quants: the low bits, 16 bytes per chunk for 4-bit types (values l and l+16 share a byte), 32 bytes for
//           Q8_0, 64 for F16 and BF16, 128 for F32.
// `piece(g, p, a, b)` gives values 8 of chunk g (the row's chunks counted from the matrix start): `a` holds
// the values at columns pieceColumns(p).x + 0..3 of the chunk and `b` those at pieceColumns(p).y + 0..3.

layout(binding = 0) readonly buffer WeightWords { uint W[]; };

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

#if defined(TYPE_F32)
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    uint base = pc.quants + g * 32u + p * 8u;
    a = uintBitsToFloat(uvec4(W[base], W[base + 1u], W[base + 2u], W[base + 3u]));
    b = uintBitsToFloat(uvec4(W[base + 4u], W[base + 5u], W[base + 6u], W[base + 7u]));
}
#elif defined(TYPE_F16)
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    uint base = pc.quants + g * 16u + p * 4u;
    a = vec4(unpackHalf2x16(W[base]), unpackHalf2x16(W[base + 1u]));
    b = vec4(unpackHalf2x16(W[base + 2u]), unpackHalf2x16(W[base + 3u]));
}
#elif defined(TYPE_BF16)
vec2 bf16Pair(uint w) { return uintBitsToFloat(uvec2(w << 16, w & 0xFFFF0000u)); }
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    uint base = pc.quants + g * 16u + p * 4u;
    a = vec4(bf16Pair(W[base]), bf16Pair(W[base + 1u]));
    b = vec4(bf16Pair(W[base + 2u]), bf16Pair(W[base + 3u]));
}
#elif defined(TYPE_Q8_0)
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    float d = halfAt(g);
    uint base = pc.quants + g * 8u + p * 2u;
    a = bytesSigned(W[base]) * d;
    b = bytesSigned(W[base + 1u]) * d;
}
#elif defined(TYPE_Q4_0)
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    float d = halfAt(g);
    uint q = W[pc.quants + g * 4u + p];
    a = (nibblesLow(q) - 8.0) * d;
    b = (nibblesHigh(q) - 8.0) * d;
}
#elif defined(TYPE_Q4_1)
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    vec2 dm = unpackHalf2x16(W[pc.header + g]);
    uint q = W[pc.quants + g * 4u + p];
    a = nibblesLow(q) * dm.x + dm.y;
    b = nibblesHigh(q) * dm.x + dm.y;
}
#elif defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
// The fifth bit of value j is bit j of the chunk's high word.
vec4 fifthBits(uint h, uint first) { return vec4((uvec4(h) >> uvec4(first, first + 1u, first + 2u, first + 3u)) & 1u) * 16.0; }
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    uint q = W[pc.quants + g * 4u + p];
    uint h = W[pc.high + g];
    a = nibblesLow(q) + fifthBits(h, 4u * p);
    b = nibblesHigh(q) + fifthBits(h, 16u + 4u * p);
#if defined(TYPE_Q5_0)
    float d = halfAt(g);
    a = (a - 16.0) * d;
    b = (b - 16.0) * d;
#else
    vec2 dm = unpackHalf2x16(W[pc.header + g]);
    a = a * dm.x + dm.y;
    b = b * dm.x + dm.y;
#endif
}
#elif defined(TYPE_Q4_K)
// A superblock of 8 chunks: d and dmin (f16), then 8 six-bit scales and 8 six-bit minimums packed in 12 bytes.
uint byteAt(uvec4 header, uint index) { return (header[1u + (index >> 2)] >> (8u * (index & 3u))) & 0xFFu; }
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    uvec4 header = uvec4(W[pc.header + (g >> 3) * 4u], W[pc.header + (g >> 3) * 4u + 1u],
                         W[pc.header + (g >> 3) * 4u + 2u], W[pc.header + (g >> 3) * 4u + 3u]);
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
    float d = dm.x * float(scale), m = dm.y * float(minimum);
    uint q = W[pc.quants + g * 4u + p];
    a = nibblesLow(q) * d - m;
    b = nibblesHigh(q) * d - m;
}
#elif defined(TYPE_Q6_K)
// A superblock of 8 chunks: 16 signed eight-bit scales (one per 16 values) in 4 words, then d (f32); per
// chunk, 16 bytes of low nibbles and two words of the top two bits (value j at bits 2j, j < 16 in the first).
vec4 topBits(uint h, uint first) { return vec4((uvec4(h) >> uvec4(first, first + 2u, first + 4u, first + 6u)) & 3u) * 16.0; }
float scaleAt(uint g, uint sixteen) {
    uint index = (g & 7u) * 2u + sixteen;
    uint word = W[pc.header + (g >> 3) * 5u + (index >> 2)];
    return float(int(word << (24u - 8u * (index & 3u))) >> 24);
}
void piece(uint g, uint p, out vec4 a, out vec4 b) {
    float d = uintBitsToFloat(W[pc.header + (g >> 3) * 5u + 4u]);
    uint q = W[pc.quants + g * 4u + p];
    uint top = pc.high + g * 2u;
    a = (nibblesLow(q) + topBits(W[top], 8u * p) - 32.0) * (d * scaleAt(g, 0u));
    b = (nibblesHigh(q) + topBits(W[top + 1u], 8u * p) - 32.0) * (d * scaleAt(g, 1u));
}
#else
#error "define TYPE_<weight type>"
#endif
