#version 450
// y[i] = x[source(i)] / sqrt(mean(x²) + epsilon) × weight: one workgroup per row. With GATHER, source(i)
// is the batch's i-th row that wants logits (the output head needs no other row). With the add flag the
// result is added to y (Gemma's norms after the attention and the feed-forward, into the residual).
#extension GL_EXT_control_flow_attributes : enable

layout(constant_id = 0) const uint WORKGROUP = 8;
layout(local_size_x_id = 0) in;

#define BATCH_BINDING 3
#include "batch.glsl"
#include "reduce.glsl"

layout(binding = 0) readonly buffer Input { float x[]; };
layout(binding = 1) readonly buffer Weight { float weight[]; };
layout(binding = 2) buffer Output { float y[]; };

layout(push_constant) uniform Push {
    uint width;
    uint xStride;
    uint yStride;
    uint gather;      // 1: read the rows that want logits
    float epsilon;
    uint flags;       // 1: multiply by (1 + weight); 2: add to y
} pc;

void main() {
    uint row = gl_WorkGroupID.x;
    uint source = pc.gather != 0u ? batchLogitSource(row) : row;
    uint base = source * pc.xStride;
    float squares = 0.0;
    for (uint i = gl_LocalInvocationID.x; i < pc.width; i += WORKGROUP) squares += x[base + i] * x[base + i];
    float scale = inversesqrt(workgroupSum(squares) / float(pc.width) + pc.epsilon);
    float offset = (pc.flags & 1u) != 0u ? 1.0 : 0.0;
    bool add = (pc.flags & 2u) != 0u;
    for (uint i = gl_LocalInvocationID.x; i < pc.width; i += WORKGROUP) {
        float value = x[base + i] * scale * (weight[i] + offset);
        y[row * pc.yStride + i] = add ? y[row * pc.yStride + i] + value : value;
    }
}
