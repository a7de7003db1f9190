#version 450
// One head of one token over its sequence's cache, positions 0 through its own: softmax(q·k × scale)·v,
// in tiles of WORKGROUP positions with a running maximum and sum (no scratch the size of the context).
// Lanes score one position each, then each lane accumulates its share of the head's dimensions.
#extension GL_EXT_control_flow_attributes : enable

layout(constant_id = 0) const uint WORKGROUP = 8;
layout(constant_id = 4) const uint HEAD_DIM_MAX = 256;
layout(local_size_x_id = 0) in;

#define BATCH_BINDING 4
#include "batch.glsl"
#include "reduce.glsl"

layout(binding = 0) readonly buffer QKV { float qkv[]; };
layout(binding = 1) readonly buffer KeyCache { uint keys[]; };     // this layer: [sequence][position][kvDim/2]
layout(binding = 2) readonly buffer ValueCache { uint values[]; };
layout(binding = 3) writeonly buffer Output { float y[]; };        // [token][heads × headDim]

layout(push_constant) uniform Push {
    uint heads;
    uint kvHeads;
    uint headDim;
    uint rowStride;   // floats per qkv row (the query is its start)
    uint context;
    float scale;
    uint window;      // 0: every earlier position; n: only the last n (sliding-window layers)
    uint pad;
} pc;

const uint DIMS_PER_LANE = (HEAD_DIM_MAX + WORKGROUP - 1u) / WORKGROUP;
shared float weights[WORKGROUP];

void main() {
    uint t = gl_WorkGroupID.x / pc.heads, head = gl_WorkGroupID.x % pc.heads;
    uint lane = gl_LocalInvocationID.x;
    uint kvHead = head / (pc.heads / pc.kvHeads);
    uint kvWords = pc.kvHeads * pc.headDim / 2u;
    uint position = batchPosition(t);
    uint sequenceBase = batchSequence(t) * pc.context * kvWords + kvHead * pc.headDim / 2u;
    uint q = t * pc.rowStride + head * pc.headDim;
    uint firstPosition = pc.window != 0u && position + 1u > pc.window ? position + 1u - pc.window : 0u;

    float runningMax = uintBitsToFloat(0xFF800000u), runningSum = 0.0;
    float acc[DIMS_PER_LANE];
    [[unroll]] for (uint i = 0u; i < DIMS_PER_LANE; i++) acc[i] = 0.0;

    for (uint tile = firstPosition; tile <= position; tile += WORKGROUP) {
        uint mine = tile + lane;
        float score = uintBitsToFloat(0xFF800000u);
        if (mine <= position) {
            uint k = sequenceBase + mine * kvWords;
            float dot_ = 0.0;
            for (uint w = 0u; w < pc.headDim / 2u; w++) {
                vec2 key = unpackHalf2x16(keys[k + w]);
                dot_ += qkv[q + 2u * w] * key.x + qkv[q + 2u * w + 1u] * key.y;
            }
            score = dot_ * pc.scale;
        }
        float tileMax = workgroupMax(score);
        float newMax = max(runningMax, tileMax);
        float correction = exp(runningMax - newMax);
        float weight = mine <= position ? exp(score - newMax) : 0.0;
        runningSum = runningSum * correction + workgroupSum(weight);
        runningMax = newMax;
        weights[lane] = weight;
        barrier();
        uint last = min(WORKGROUP, position + 1u - tile);
        [[unroll]] for (uint i = 0u; i < DIMS_PER_LANE; i++) {
            uint d = lane + i * WORKGROUP;
            if (d >= pc.headDim) break;
            float sum = acc[i] * correction;
            for (uint j = 0u; j < last; j++) {
                vec2 pair = unpackHalf2x16(values[sequenceBase + (tile + j) * kvWords + d / 2u]);
                sum += weights[j] * ((d & 1u) == 0u ? pair.x : pair.y);
            }
            acc[i] = sum;
        }
        barrier();
    }
    [[unroll]] for (uint i = 0u; i < DIMS_PER_LANE; i++) {
        uint d = lane + i * WORKGROUP;
        if (d >= pc.headDim) break;
        y[t * pc.heads * pc.headDim + head * pc.headDim + d] = acc[i] / runningSum;
    }
}
