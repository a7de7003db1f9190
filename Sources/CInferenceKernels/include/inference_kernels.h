// The inner loops of mowai's CPU backend: quantized dot products and a few float vector operations.
// They are in C because Swift cannot name the x86 integer dot-product instructions (maddubs, madd)
// or pick them at run time by CPU; everything around them (the model, threads, scheduling) is Swift.
#ifndef MOWAI_INFERENCE_KERNELS_H
#define MOWAI_INFERENCE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 32 activations quantized to int8: x ≈ d·q. `s` is d·Σq, which the weight formats with an offset or a
/// minimum need once per block.
typedef struct {
    float d;
    float s;
    int8_t q[32];
} mowai_q8_block;

/// ggml's numbering of the weight types the kernels compute with.
enum {
    MOWAI_F32 = 0, MOWAI_F16 = 1, MOWAI_Q4_0 = 2, MOWAI_Q4_1 = 3, MOWAI_Q5_0 = 6, MOWAI_Q5_1 = 7,
    MOWAI_Q8_0 = 8, MOWAI_Q4_K = 12, MOWAI_Q5_K = 13, MOWAI_Q6_K = 14, MOWAI_BF16 = 30
};

/// 1 when `type` can be multiplied; quantized types take q8 activations, float types take floats.
int mowai_kernel_supports(int type);
int mowai_kernel_takes_q8(int type);

/// The instruction set the kernels chose on this CPU ("avx2", "avx2+vnni", "avx2+avx512vnni", "scalar").
const char *mowai_kernel_isa(void);

/// Quantizes `n` floats (a multiple of 32) into n/32 blocks.
void mowai_quantize_q8(const float *x, mowai_q8_block *out, int n);

/// out[t·out_stride + r] = row r of `weights` · activation t, for rows [row_begin, row_end) and
/// tokens [0, tokens). Rows are `row_bytes` apart and `columns` long; activation t starts at
/// x_q8 + t·columns/32 (quantized types) or x_f32 + t·columns (float types).
void mowai_matmul(int type, const void *weights, size_t row_bytes, int columns, int row_begin, int row_end,
                  const mowai_q8_block *x_q8, const float *x_f32, int tokens, float *out, int out_stride);

/// One attention head of one token: softmax(q·k_p·scale) over `count` positions, weighting the values.
/// Keys and values are `stride` floats apart; `scores` holds `count` floats of scratch.
void mowai_attention(const float *q, const float *keys, const float *values, int stride, int count, int size,
                     float scale, float *scores, float *out);

/// mowai_matmul with the portable loops whatever the CPU: the reference the SIMD kernels are tested against.
void mowai_matmul_portable(int type, const void *weights, size_t row_bytes, int columns, int row_begin, int row_end,
                           const mowai_q8_block *x_q8, const float *x_f32, int tokens, float *out, int out_stride);

/// The SIMD variants of the matmuls: plain AVX2, with AVX-VNNI, with AVX512-VNNI on 256-bit registers.
enum { MOWAI_ISA_AVX2 = 0, MOWAI_ISA_AVX_VNNI = 1, MOWAI_ISA_AVX512_VNNI = 2 };

/// mowai_matmul with one SIMD variant, so tests reach each one the CPU has, not only the one it picks.
/// Returns 0 and writes nothing when this CPU (or build) lacks the variant.
int mowai_matmul_variant(int isa, int type, const void *weights, size_t row_bytes, int columns, int row_begin,
                         int row_end, const mowai_q8_block *x_q8, const float *x_f32, int tokens, float *out,
                         int out_stride);

/// Weights repacked for prompt processing: groups of 8 rows, each 32-value block of the 8 rows stored
/// together as unsigned bytes interleaved 4 values at a time (lane r of a 32-byte register is row r), with
/// their float scales (and minimums). One u8×s8 dot-product instruction then adds 4 values of 8 rows at
/// once, and one float FMA scales 8 rows' sums: the per-block work that dominates the row-at-a-time
/// kernels is shared by 8 rows. Types: Q5_0, Q4_K, Q6_K (others return 0).
/// The bytes `rows` rows (a multiple of 8) of `columns` values take when packed; 0 when `type` (or this
/// CPU, or MOWAI_KERNELS=portable) has no packed kernel.
size_t mowai_packed_size(int type, int rows, int columns);

/// Packs all `rows` rows of `weights` (rows `row_bytes` apart) into `out` (mowai_packed_size bytes).
void mowai_pack(int type, const void *weights, size_t row_bytes, int rows, int columns, void *out);

/// Row `row` of a packed matrix of `columns` values, dequantized into out (an embedding lookup from a
/// packed tied output head, whose file pages are then not kept).
void mowai_packed_row(int type, const void *packed, int columns, int row, float *out);

/// mowai_matmul over packed weights: rows [row_begin, row_end), both multiples of 8, of `columns`.
/// Each row's sum for a token is the same whatever `tokens` is (integer block sums, then one float FMA
/// per block in block order).
void mowai_matmul_packed(int type, const void *packed, int columns, int row_begin, int row_end,
                         const mowai_q8_block *x_q8, int tokens, float *out, int out_stride);

/// mowai_matmul_packed with one SIMD variant (tests); returns 0 and writes nothing when it is missing.
int mowai_matmul_packed_variant(int isa, int type, const void *packed, int columns, int row_begin, int row_end,
                                const mowai_q8_block *x_q8, int tokens, float *out, int out_stride);

float mowai_dot_f32(const float *a, const float *b, int n);
/// y += a·x
void mowai_axpy_f32(float *y, float a, const float *x, int n);

/// g[i] = act(g[i]) · u[i] for the gated feed-forward: act is SiLU, or with `gelu` GELU (tanh form, as
/// x·σ(2·√(2/π)·(x + 0.044715x³)), the same function).
void mowai_gated_activation(float *g, const float *u, int n, int gelu);

/// The sum of n floats, read as fast as the core can stream them (memory bandwidth measurement).
float mowai_read_sum(const float *x, size_t n);

#ifdef __cplusplus
}
#endif

#endif
