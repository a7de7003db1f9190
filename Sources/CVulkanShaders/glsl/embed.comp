#version 450
// residual[t] = scale × the embedding row of token t, for every token of the batch (one workgroup each;
// lanes share the row's pieces). A vocabulary too large for one binding is split into parts by rows:
// each part's dispatch writes the tokens whose rows it holds (outOffset is the part's first row).
#extension GL_EXT_control_flow_attributes : enable

layout(constant_id = 0) const uint WORKGROUP = 8;
layout(local_size_x_id = 0) in;

#define BATCH_BINDING 2
#include "weights.glsl"
#include "batch.glsl"

layout(binding = 1) writeonly buffer Output { vec4 y[]; };

void main() {
    uint t = gl_WorkGroupID.x;
    uint token = batchToken(t);
    if (token < pc.outOffset || token - pc.outOffset >= pc.rows) return;
    uint row = token - pc.outOffset;
    uint pieces = pc.chunks * 4u;
    uint base = t * (pc.outStride >> 2);
    for (uint k = gl_LocalInvocationID.x; k < pieces; k += WORKGROUP) {
        uint chunk = k >> 2, p = k & 3u;
        vec4 a, b;
        piece(row * pc.chunks + chunk, p, a, b);
        uvec2 columns = (chunk * 32u + pieceColumns(p)) >> 2;
        y[base + columns.x] = a * pc.scale;
        y[base + columns.y] = b * pc.scale;
    }
}
