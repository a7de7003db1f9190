#version 450
// Gemma 3's per-head norms: each query head and each key head of a token RMS-normalized on its own and
// multiplied by its weight, in place in the token's qkv row (one workgroup per token and head). The key
// heads follow the query heads in the row, so head h starts at h × headDim either way.
#extension GL_EXT_control_flow_attributes : enable

layout(constant_id = 0) const uint WORKGROUP = 8;
layout(local_size_x_id = 0) in;

#include "reduce.glsl"

layout(binding = 0) buffer Rows { float x[]; };
layout(binding = 1) readonly buffer Weights { float weight[]; };   // the query heads' norm, then the key heads'

layout(push_constant) uniform Push {
    uint heads;
    uint kvHeads;
    uint headDim;
    uint rowStride;   // floats per qkv row
    float epsilon;
    uint pad;
} pc;

void main() {
    uint t = gl_WorkGroupID.x / (pc.heads + pc.kvHeads), head = gl_WorkGroupID.x % (pc.heads + pc.kvHeads);
    uint base = t * pc.rowStride + head * pc.headDim;
    uint w = head >= pc.heads ? pc.headDim : 0u;
    float squares = 0.0;
    for (uint i = gl_LocalInvocationID.x; i < pc.headDim; i += WORKGROUP) squares += x[base + i] * x[base + i];
    float scale = inversesqrt(workgroupSum(squares) / float(pc.headDim) + pc.epsilon);
    // Each lane rewrites only the elements it read.
    for (uint i = gl_LocalInvocationID.x; i < pc.headDim; i += WORKGROUP) x[base + i] = x[base + i] * scale * weight[w + i];
}
