#version 450
// out[t][outOffset + r] (+)= row r of the weights · activation t, for every row of this dispatch and
// TOKENS tokens per workgroup (z). With GATED, output r is act(row 2r · x) × (row 2r+1 · x): the gate and
// up projections interleaved row by row at upload, so one pass over both gives the feed-forward's input.
//
// SPLIT picks the strategy per device and batch. 0: each invocation owns a row and reads the activations
// every lane shares. 1: a subgroup shares a row, each lane a strided share of its chunks, summed with
// subgroupAdd (a GPU's coalesced reads). 2: as 0, but each chunk's activations are read once across the
// subgroup (lane l holds values 4l..4l+3) and handed to every lane by broadcast: on a CPU device
// (lavapipe) the lanes are SIMD lanes, a read whose address differs per lane is a loop over the lanes and
// a broadcast is one shuffle, so this is the fastest way through one token (subgroups of 8 or more).
#extension GL_KHR_shader_subgroup_basic : enable
#extension GL_KHR_shader_subgroup_arithmetic : enable
#extension GL_KHR_shader_subgroup_ballot : enable
#extension GL_EXT_control_flow_attributes : enable

layout(constant_id = 0) const uint WORKGROUP = 8;
layout(constant_id = 1) const uint SPLIT = 0;         // 0: a row per invocation; 1: a row per subgroup; 2: 0 with broadcasts
layout(constant_id = 2) const uint TOKENS = 4;
layout(constant_id = 3) const uint ROWS_PER_GROUP = 8;
layout(local_size_x_id = 0) in;

#include "weights.glsl"

layout(binding = 1) readonly buffer Activations { vec4 x[]; };
layout(binding = 2) buffer Output { float y[]; };

#ifdef GATED
const uint MATRIX_ROWS = 2u;
#else
const uint MATRIX_ROWS = 1u;
#endif

float acc[TOKENS * MATRIX_ROWS];

// Accumulates this invocation's share of row `row` (its lanes' chunks from `lane` on, `stride` apart).
void accumulate(uint row, uint lane, uint stride, uint first, uint count) {
    [[unroll]] for (uint i = 0u; i < TOKENS * MATRIX_ROWS; i++) acc[i] = 0.0;
    uint pieces = pc.chunks * 4u;
    uint xStride4 = pc.xStride >> 2;
    [[unroll]] for (uint m = 0u; m < MATRIX_ROWS; m++) {
        uint rowStart = (row * MATRIX_ROWS + m) * pc.chunks;
        for (uint k = lane; k < pieces; k += stride) {
            uint chunk = k >> 2, p = k & 3u;
            vec4 a, b;
            piece(rowStart + chunk, p, a, b);
            uvec2 columns = (chunk * 32u + pieceColumns(p)) >> 2;
            uint xa = first * xStride4 + columns.x, xb = first * xStride4 + columns.y;
            [[unroll]] for (uint t = 0u; t < TOKENS; t++) {
                if (t < count) acc[m * TOKENS + t] += dot(a, x[xa + t * xStride4]) + dot(b, x[xb + t * xStride4]);
            }
        }
    }
}

// SPLIT 2: row `row` for this lane, the activations shared through the subgroup, a chunk's scales read once.
void accumulateBroadcast(uint row, uint first, uint count) {
    [[unroll]] for (uint i = 0u; i < TOKENS * MATRIX_ROWS; i++) acc[i] = 0.0;
    uint xStride4 = pc.xStride >> 2;
    uint lane = gl_SubgroupInvocationID & 7u;
    for (uint chunk = 0u; chunk < pc.chunks; chunk++) {
        vec4 chunkX[TOKENS];
        [[unroll]] for (uint t = 0u; t < TOKENS; t++) {
            chunkX[t] = x[(first + min(t, count - 1u)) * xStride4 + chunk * 8u + lane];
        }
        [[unroll]] for (uint m = 0u; m < MATRIX_ROWS; m++) {
            uint g = (row * MATRIX_ROWS + m) * pc.chunks + chunk;
            Scales s = scalesOf(g);
            uvec4 words[CHUNK_VECTORS];
            [[unroll]] for (uint v = 0u; v < CHUNK_VECTORS; v++) words[v] = W4[(pc.quants >> 2) + g * CHUNK_VECTORS + v];
            [[unroll]] for (uint p = 0u; p < 4u; p++) {
                vec4 a, b;
                pieceOfChunk(s, words, p, a, b);
                [[unroll]] for (uint t = 0u; t < TOKENS; t++) {
                    acc[m * TOKENS + t] += dot(a, subgroupBroadcast(chunkX[t], pieceColumns(p).x >> 2))
                                         + dot(b, subgroupBroadcast(chunkX[t], pieceColumns(p).y >> 2));
                }
            }
        }
    }
}

void store(uint row, uint first, uint count) {
    [[unroll]] for (uint t = 0u; t < TOKENS; t++) {
        if (t >= count) break;
#ifdef GATED
        float g = acc[t], u = acc[TOKENS + t];
        float activated = (pc.flags & 2u) != 0u
            ? 0.5 * g * (1.0 + tanh(0.7978845608 * (g + 0.044715 * g * g * g)))
            : g / (1.0 + exp(-g));
        float value = activated * u;
#else
        float value = acc[t] * pc.scale;
#endif
        uint o = (first + t) * pc.outStride + pc.outOffset + row;
        y[o] = (pc.flags & 1u) != 0u ? y[o] + value : value;
    }
}

void main() {
    uint first = gl_WorkGroupID.z * TOKENS;
    uint count = min(TOKENS, pc.tokens - first);
    if (SPLIT == 2u) {
        // Every lane takes part in the broadcasts: lanes past the last row compute it again, unstored.
        uint row = min(gl_GlobalInvocationID.x, pc.rows - 1u);
        accumulateBroadcast(row, first, count);
        if (gl_GlobalInvocationID.x < pc.rows) store(row, first, count);
    } else if (SPLIT == 0u) {
        uint row = gl_GlobalInvocationID.x;
        if (row >= pc.rows) return;
        accumulate(row, 0u, 1u, first, count);
        store(row, first, count);
    } else {
        // Each subgroup takes rows of this group's ROWS_PER_GROUP in turn, whatever the subgroup size.
        for (uint r = gl_SubgroupID; r < ROWS_PER_GROUP; r += gl_NumSubgroups) {
            uint row = gl_WorkGroupID.x * ROWS_PER_GROUP + r;
            if (row >= pc.rows) break;
            accumulate(row, gl_SubgroupInvocationID, gl_SubgroupSize, first, count);
            [[unroll]] for (uint i = 0u; i < TOKENS * MATRIX_ROWS; i++) acc[i] = subgroupAdd(acc[i]);
            if (subgroupElect()) store(row, first, count);
        }
    }
}
