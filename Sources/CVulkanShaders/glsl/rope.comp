#version 450
// For each token of the batch: the query, key and value biases, RoPE on the query (in place) and the key
// at the token's position, and the key and value into its sequence's cache (f16, two values a word).
// The query, key and value of a token are one row [q | k | v] of the fused projection. Each invocation
// rotates two pairs, so the cache is written a whole word at a time whatever the layout.
layout(constant_id = 0) const uint WORKGROUP = 8;
layout(local_size_x_id = 0) in;

#define BATCH_BINDING 5
#include "batch.glsl"

layout(binding = 0) buffer QKV { float qkv[]; };
// cos and sin of every position's angle for every pair, computed by the host as the CPU backend computes
// them: a GPU's cos of a large angle can be far less exact than libm's.
layout(binding = 1) readonly buffer Rotations { vec2 rotation[]; };   // [position][headDim/2]
layout(binding = 2) readonly buffer Biases { float bias[]; };                    // [q | k | v], when pc.biased
layout(binding = 3) buffer KeyCache { uint keys[]; };       // this layer: [sequence][position][kvDim/2]
layout(binding = 4) buffer ValueCache { uint values[]; };

layout(push_constant) uniform Push {
    uint heads;
    uint kvHeads;
    uint headDim;
    uint rowStride;      // floats per qkv row
    uint context;        // positions per sequence in the cache
    uint adjacent;       // 1: pairs are (2i, 2i+1); 0: (i, i + headDim/2)
    uint biased;
} pc;

// The two elements of pair i of a head under this layout.
uvec2 pairOf(uint i) { return pc.adjacent != 0u ? uvec2(2u * i, 2u * i + 1u) : uvec2(i, i + pc.headDim / 2u); }

vec2 rotate(vec2 v, vec2 cs) { return vec2(v.x * cs.x - v.y * cs.y, v.x * cs.y + v.y * cs.x); }

float biasAt(uint column) { return pc.biased != 0u ? bias[column] : 0.0; }

void main() {
    uint t = gl_WorkGroupID.x;
    uint row = t * pc.rowStride;
    uint angles = batchPosition(t) * (pc.headDim / 2u);
    uint half_ = pc.headDim / 2u;
    uint units = half_ / 2u;                 // pair-of-pairs per head
    uint dim = pc.heads * pc.headDim, kvDim = pc.kvHeads * pc.headDim;
    uint slot = (batchSequence(t) * pc.context + batchPosition(t)) * (kvDim / 2u);

    for (uint u = gl_LocalInvocationID.x; u < (pc.heads + pc.kvHeads) * units; u += WORKGROUP) {
        uint head = u / units, i = 2u * (u % units);
        bool isKey = head >= pc.heads;
        uint base = isKey ? dim + (head - pc.heads) * pc.headDim : head * pc.headDim;
        uvec2 p0 = pairOf(i), p1 = pairOf(i + 1u);
        vec4 v = vec4(qkv[row + base + p0.x] + biasAt(base + p0.x), qkv[row + base + p0.y] + biasAt(base + p0.y),
                      qkv[row + base + p1.x] + biasAt(base + p1.x), qkv[row + base + p1.y] + biasAt(base + p1.y));
        vec2 r0 = rotate(v.xy, rotation[angles + i]);
        vec2 r1 = rotate(v.zw, rotation[angles + i + 1u]);
        if (!isKey) {
            qkv[row + base + p0.x] = r0.x; qkv[row + base + p0.y] = r0.y;
            qkv[row + base + p1.x] = r1.x; qkv[row + base + p1.y] = r1.y;
        } else {
            uint k = (head - pc.heads) * pc.headDim;
            // Adjacent pairs: (2i, 2i+1) and (2i+2, 2i+3) are two words. Halves: (i, i+1) and (i+h, i+h+1).
            if (pc.adjacent != 0u) {
                keys[slot + (k + p0.x) / 2u] = packHalf2x16(r0);
                keys[slot + (k + p1.x) / 2u] = packHalf2x16(r1);
            } else {
                keys[slot + (k + p0.x) / 2u] = packHalf2x16(vec2(r0.x, r1.x));
                keys[slot + (k + p0.y) / 2u] = packHalf2x16(vec2(r0.y, r1.y));
            }
        }
    }
    // Values: no rotation, two a word.
    for (uint w = gl_LocalInvocationID.x; w < kvDim / 2u; w += WORKGROUP) {
        uint column = dim + kvDim + 2u * w;
        values[slot + w] = packHalf2x16(vec2(qkv[row + column] + biasAt(column), qkv[row + column + 1u] + biasAt(column + 1u)));
    }
}
