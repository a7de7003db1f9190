// Shared between the portable kernels and the x86 ones.
#ifndef MOWAI_KERNELS_INTERNAL_H
#define MOWAI_KERNELS_INTERNAL_H

#include "inference_kernels.h"
#include <string.h>

static inline float mowai_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exponent = (h >> 10) & 0x1F;
    uint32_t mantissa = h & 0x3FF;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {  // subnormal: renormalise
            exponent = 127 - 15 + 1;
            while ((mantissa & 0x400) == 0) { mantissa <<= 1; exponent--; }
            bits = sign | (exponent << 23) | ((mantissa & 0x3FF) << 13);
        }
    } else if (exponent == 31) {
        bits = sign | 0x7F800000 | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/// The half of a float that is one (a half converted by mowai_half_to_float): exact for those, truncating
/// for others (packing only stores values that came from halves).
static inline uint16_t mowai_float_to_half(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    const uint16_t sign = (uint16_t)((bits >> 16) & 0x8000);
    const int exponent = (int)((bits >> 23) & 0xFF);
    const uint32_t mantissa = bits & 0x7FFFFF;
    if (exponent == 0xFF) return (uint16_t)(sign | 0x7C00 | (mantissa ? 0x200 | (mantissa >> 13) : 0));
    if (exponent == 0) return sign;  // float subnormals are far below the halves' range
    const int e = exponent - 127 + 15;
    if (e >= 31) return (uint16_t)(sign | 0x7C00);
    if (e <= 0) {  // a half subnormal: m·2^-24
        const int shift = 14 - e;
        return shift > 24 ? sign : (uint16_t)(sign | ((0x800000 | mantissa) >> shift));
    }
    return (uint16_t)(sign | e << 10 | mantissa >> 13);
}

static inline uint16_t mowai_load_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline float mowai_load_half(const uint8_t *p) { return mowai_half_to_float(mowai_load_u16(p)); }

/// One row times one activation vector, per type, portable C.
typedef float (*mowai_row_dot)(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns);

mowai_row_dot mowai_portable_dot(int type);

/// How a type is packed (mowai_pack): per group of 8 rows and 32-value block, `block_bytes` bytes:
///   float scale[8]; with `halves` float scale_hi[8] (Q6_K: a scale per 16 values, the second for values
///   16–31); with `minimums` float minimum[8] (w = scale·q + minimum); then the weights q as unsigned
///   bytes, w = scale·(q − zero) + minimum: 32 bytes per 4 values of the 8 rows (byte 4r + i of the k-th
///   32 is value 4k + i of row r), or with `nibbles` 32 bytes per 8 values (low nibbles values 4k + i,
///   high nibbles values 4k + 16 + i, k < 4). With `plane` (Q5_0) 32 bytes come before the nibbles: bit k
///   of byte 4r + i is the fifth bit of value 4k + i of row r. (Q5_0 as whole bytes would take 1.6× the
///   file's bytes, which decode on two threads, reading at the memory's limit, pays for.) With `f16` the
///   scales and minimums are IEEE halves (16 bytes per 8) instead of floats: Q4_1's are halves in the
///   file already, so the packed matrix takes exactly the file's bytes, and one conversion instruction
///   per 8 rows is cheaper than reading more. Q8_0 is stored as q + 128 (zero 128), halves too: the
///   file's bytes again.
typedef struct {
    int zero, halves, minimums, nibbles, plane, block_bytes, f16;
} mowai_packing;

static inline int mowai_packing_for(int type, mowai_packing *p) {
    switch (type) {
    case MOWAI_Q4_1: *p = (mowai_packing){0, 0, 1, 1, 0, 16 + 16 + 128, 1}; return 1;
    case MOWAI_Q8_0: *p = (mowai_packing){128, 0, 0, 0, 0, 16 + 256, 1}; return 1;
    case MOWAI_Q5_0: *p = (mowai_packing){16, 0, 0, 1, 1, 32 + 32 + 128, 0}; return 1;
    case MOWAI_Q4_K: *p = (mowai_packing){0, 0, 1, 1, 0, 32 + 32 + 128, 0}; return 1;
    case MOWAI_Q6_K: *p = (mowai_packing){32, 1, 0, 0, 0, 32 + 32 + 256, 0}; return 1;
    default: return 0;
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define MOWAI_HAS_X86 1
/// The AVX2 matmul for `type`, or NULL when there is none; called only when the CPU has AVX2 and FMA.
typedef void (*mowai_matmul_fn)(const void *weights, size_t row_bytes, int columns, int row_begin, int row_end,
                                const mowai_q8_block *x_q8, const float *x_f32, int tokens, float *out, int out_stride);
mowai_matmul_fn mowai_avx2_matmul(int type);
/// The same with AVX-VNNI's one-instruction u8×s8 dot product, for CPUs that have it.
mowai_matmul_fn mowai_vnni_matmul(int type);
/// The same instruction from AVX512-VNNI on 256-bit registers, for CPUs with AVX-512 but not AVX-VNNI.
mowai_matmul_fn mowai_vnni512_matmul(int type);
/// The packed matmul of each variant, or NULL for a type without a packing.
typedef void (*mowai_packed_fn)(const void *packed, int columns, int row_begin, int row_end, const mowai_q8_block *x,
                                int tokens, float *out, int out_stride);
mowai_packed_fn mowai_avx2_packed(int type);
mowai_packed_fn mowai_vnni_packed(int type);
mowai_packed_fn mowai_vnni512_packed(int type);
void mowai_avx2_quantize_q8(const float *x, mowai_q8_block *out, int n);
void mowai_avx2_attention(const float *q, const float *keys, const float *values, int stride, int count, int size,
                          float scale, float *scores, float *out);
float mowai_avx2_dot_f32(const float *a, const float *b, int n);
void mowai_avx2_axpy_f32(float *y, float a, const float *x, int n);
float mowai_avx2_read_sum(const float *x, size_t n);
void mowai_avx2_gated_activation(float *g, const float *u, int n, int gelu);
#endif

/// Q4_K's 6-bit scale and minimum of sub-block j, packed into 12 bytes (portable and SIMD kernels alike).
static inline void mowai_q4_k_scale(const uint8_t *scales, int j, int *scale, int *minimum) {
    if (j < 4) {
        *scale = scales[j] & 63;
        *minimum = scales[j + 4] & 63;
    } else {
        *scale = (scales[j + 4] & 0x0F) | ((scales[j - 4] >> 6) << 4);
        *minimum = (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4);
    }
}

#endif
