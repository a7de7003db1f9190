// AVX2 + FMA kernels. Weights are unpacked to 32 bytes per block once and multiplied with up to four
// tokens' activations while they sit in a register: u8×s8 pairs (maddubs), pairs of pairs (madd), then
// one float FMA per block and token with the two scales.
#include "kernels_internal.h"

#ifdef MOWAI_HAS_X86
#include <immintrin.h>
#include <math.h>

#define MOWAI_AVX2 __attribute__((target("avx2,fma,f16c")))
#define MOWAI_INLINE static inline __attribute__((always_inline)) MOWAI_AVX2

enum block_kind { KIND_Q4_0, KIND_Q4_1, KIND_Q5_0, KIND_Q5_1, KIND_Q8_0 };

MOWAI_INLINE int kind_bytes(const int kind) {
    switch (kind) {
    case KIND_Q4_0: return 18;
    case KIND_Q4_1: return 20;
    case KIND_Q5_0: return 22;
    case KIND_Q5_1: return 24;
    default: return 34;
    }
}

MOWAI_INLINE float half_f16c(const uint8_t *p) { return _cvtsh_ss(mowai_load_u16(p)); }

MOWAI_INLINE float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// 16 bytes of nibbles → 32 bytes 0…15: low nibbles are elements 0–15, high nibbles 16–31.
MOWAI_INLINE __m256i nibbles(const uint8_t *qs) {
    __m128i raw = _mm_loadu_si128((const __m128i *)qs);
    __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/// The 32 fifth bits of a Q5 block as 0x10 or 0 per byte.
MOWAI_INLINE __m256i fifth_bits(const uint8_t *qh) {
    uint32_t bits;
    memcpy(&bits, qh, 4);
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits),
        _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000));
    const __m256i mask = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, mask), mask);
    return _mm256_and_si256(set, _mm256_set1_epi8(0x10));
}

// The quantized matmuls three times: plain AVX2; with AVX-VNNI's one-instruction u8×s8 dot product; and
// with the same instruction from AVX512-VNNI on 256-bit registers (AVX512-VL), for CPUs with AVX-512 but
// not AVX-VNNI (AMD's Zen 4, Intel's Ice Lake and Sapphire Rapids servers).
#define VARIANT(name) avx2_##name
#define VARIANT_TARGET "avx2,fma,f16c"
#define VARIANT_VNNI 0
#include "quantized_matmul.inc"
#undef VARIANT
#undef VARIANT_TARGET
#undef VARIANT_VNNI
#define VARIANT(name) vnni_##name
#define VARIANT_TARGET "avx2,fma,f16c,avxvnni"
#define VARIANT_VNNI 1
#include "quantized_matmul.inc"
#undef VARIANT
#undef VARIANT_TARGET
#undef VARIANT_VNNI
#define VARIANT(name) vnni512_##name
#define VARIANT_TARGET "avx2,fma,f16c,avx512f,avx512vl,avx512vnni"
#define VARIANT_VNNI 2
#include "quantized_matmul.inc"

/// Float weights (F32, F16, BF16) times float activations, eight columns at a time.
MOWAI_INLINE __m256 load_weights(const int type, const uint8_t *row, int j) {
    switch (type) {
    case MOWAI_F16: return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + 2 * j)));
    case MOWAI_BF16:
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(row + 2 * j))), 16));
    default: return _mm256_loadu_ps((const float *)(row + 4 * j));
    }
}

MOWAI_INLINE void float_matmul(const int type, const void *weights, size_t row_bytes, int columns, int row_begin,
                               int row_end, const float *x, int tokens, float *out, int out_stride) {
    const uint8_t *base = weights;
    const mowai_row_dot tail = mowai_portable_dot(type);
    const int whole = columns / 8 * 8;
    for (int r = row_begin; r < row_end; r++) {
        const uint8_t *row = base + (size_t)r * row_bytes;
        for (int t = 0; t < tokens; t++) {
            const float *xt = x + (size_t)t * columns;
            __m256 acc = _mm256_setzero_ps();
            for (int j = 0; j < whole; j += 8) acc = _mm256_fmadd_ps(load_weights(type, row, j), _mm256_loadu_ps(xt + j), acc);
            float sum = hsum(acc);
            if (whole < columns) {
                const int element = type == MOWAI_F32 ? 4 : 2;
                sum += tail(row + (size_t)whole * element, NULL, xt + whole, columns - whole);
            }
            out[(size_t)t * out_stride + r] = sum;
        }
    }
}

#define FLOAT_MATMUL(name, type)                                                                                 \
    static MOWAI_AVX2 void name(const void *w, size_t rb, int c, int r0, int r1, const mowai_q8_block *xq,       \
                                const float *xf, int tokens, float *out, int os) {                               \
        (void)xq;                                                                                                \
        float_matmul(type, w, rb, c, r0, r1, xf, tokens, out, os);                                               \
    }
FLOAT_MATMUL(matmul_f32, MOWAI_F32)
FLOAT_MATMUL(matmul_f16, MOWAI_F16)
FLOAT_MATMUL(matmul_bf16, MOWAI_BF16)

static mowai_matmul_fn float_matmul_for(int type) {
    switch (type) {
    case MOWAI_F32: return matmul_f32;
    case MOWAI_F16: return matmul_f16;
    case MOWAI_BF16: return matmul_bf16;
    default: return NULL;
    }
}

mowai_matmul_fn mowai_avx2_matmul(int type) {
    mowai_matmul_fn quantized = avx2_quantized_matmul_for(type);
    return quantized ? quantized : float_matmul_for(type);
}

mowai_matmul_fn mowai_vnni_matmul(int type) {
    mowai_matmul_fn quantized = vnni_quantized_matmul_for(type);
    return quantized ? quantized : float_matmul_for(type);
}

mowai_matmul_fn mowai_vnni512_matmul(int type) {
    mowai_matmul_fn quantized = vnni512_quantized_matmul_for(type);
    return quantized ? quantized : float_matmul_for(type);
}

mowai_packed_fn mowai_avx2_packed(int type) { return avx2_packed_for(type); }
mowai_packed_fn mowai_vnni_packed(int type) { return vnni_packed_for(type); }
mowai_packed_fn mowai_vnni512_packed(int type) { return vnni512_packed_for(type); }

MOWAI_AVX2 void mowai_avx2_quantize_q8(const float *x, mowai_q8_block *out, int n) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int b = 0; b < n / 32; b++, x += 32) {
        __m256 v[4];
        __m256 amax = _mm256_setzero_ps();
        for (int i = 0; i < 4; i++) {
            v[i] = _mm256_loadu_ps(x + 8 * i);
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, v[i]));
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        const float d = _mm_cvtss_f32(m) / 127;
        const __m256 inverse = _mm256_set1_ps(d != 0 ? 1 / d : 0);
        __m256i q[4];
        __m256i total = _mm256_setzero_si256();
        for (int i = 0; i < 4; i++) {
            q[i] = _mm256_cvtps_epi32(_mm256_mul_ps(v[i], inverse));
            total = _mm256_add_epi32(total, q[i]);
        }
        // Packing interleaves 128-bit lanes; the permute puts the 32 values back in order.
        __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
        packed = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)out[b].q, packed);
        __m128i s = _mm_add_epi32(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
        out[b].d = d;
        out[b].s = d * (float)_mm_cvtsi128_si32(s);
    }
}

/// e^x for eight lanes: x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor polynomial to r⁶ (relative
/// error below 2e-7), 2^k through the exponent bits. Inputs are clamped to ±87 (beyond, σ is 0 or 1 anyway).
MOWAI_INLINE __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(87.0f));
    const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // r = x − k·ln 2, in two parts for precision.
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 720);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

/// One head over `count` positions. The loops keep four independent FMA chains in flight (four keys at a
/// time for the scores, 32 dimensions at a time for the values): one chain would wait on the FMA's
/// latency and run at a quarter of the core's rate. The exponentials go eight at a time too.
MOWAI_AVX2 void mowai_avx2_attention(const float *q, const float *keys, const float *values, int stride, int count,
                                     int size, float scale, float *scores, float *out) {
    int p = 0;
    for (; p + 4 <= count; p += 4) {
        const float *k = keys + (size_t)p * stride;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (int j = 0; j < size; j += 8) {
            const __m256 qj = _mm256_loadu_ps(q + j);
            a0 = _mm256_fmadd_ps(qj, _mm256_loadu_ps(k + j), a0);
            a1 = _mm256_fmadd_ps(qj, _mm256_loadu_ps(k + stride + j), a1);
            a2 = _mm256_fmadd_ps(qj, _mm256_loadu_ps(k + 2 * (size_t)stride + j), a2);
            a3 = _mm256_fmadd_ps(qj, _mm256_loadu_ps(k + 3 * (size_t)stride + j), a3);
        }
        scores[p] = hsum(a0) * scale;
        scores[p + 1] = hsum(a1) * scale;
        scores[p + 2] = hsum(a2) * scale;
        scores[p + 3] = hsum(a3) * scale;
    }
    for (; p < count; p++) {
        const float *k = keys + (size_t)p * stride;
        __m256 acc = _mm256_setzero_ps();
        for (int j = 0; j < size; j += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + j), _mm256_loadu_ps(k + j), acc);
        scores[p] = hsum(acc) * scale;
    }
    float best = -INFINITY;
    for (p = 0; p < count; p++) best = scores[p] > best ? scores[p] : best;
    __m256 sums = _mm256_setzero_ps();
    const __m256 top = _mm256_set1_ps(best);
    for (p = 0; p + 8 <= count; p += 8) {
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(scores + p), top));
        _mm256_storeu_ps(scores + p, e);
        sums = _mm256_add_ps(sums, e);
    }
    float total = hsum(sums);
    for (; p < count; p++) { scores[p] = expf(scores[p] - best); total += scores[p]; }
    const __m256 inverse = _mm256_set1_ps(1 / total);
    int j = 0;
    for (; j + 32 <= size; j += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (p = 0; p < count; p++) {
            const __m256 w = _mm256_set1_ps(scores[p]);
            const float *v = values + (size_t)p * stride + j;
            a0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(v), a0);
            a1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(v + 8), a1);
            a2 = _mm256_fmadd_ps(w, _mm256_loadu_ps(v + 16), a2);
            a3 = _mm256_fmadd_ps(w, _mm256_loadu_ps(v + 24), a3);
        }
        _mm256_storeu_ps(out + j, _mm256_mul_ps(a0, inverse));
        _mm256_storeu_ps(out + j + 8, _mm256_mul_ps(a1, inverse));
        _mm256_storeu_ps(out + j + 16, _mm256_mul_ps(a2, inverse));
        _mm256_storeu_ps(out + j + 24, _mm256_mul_ps(a3, inverse));
    }
    for (; j < size; j += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (p = 0; p < count; p++) acc = _mm256_fmadd_ps(_mm256_set1_ps(scores[p]), _mm256_loadu_ps(values + (size_t)p * stride + j), acc);
        _mm256_storeu_ps(out + j, _mm256_mul_ps(acc, inverse));
    }
}

MOWAI_AVX2 float mowai_avx2_dot_f32(const float *a, const float *b, int n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int j = 0;
    for (; j + 16 <= n; j += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), acc1);
    }
    float sum = hsum(_mm256_add_ps(acc0, acc1));
    for (; j < n; j++) sum += a[j] * b[j];
    return sum;
}

MOWAI_AVX2 void mowai_avx2_gated_activation(float *g, const float *u, int n, int gelu) {
    const __m256 one = _mm256_set1_ps(1.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(g + i);
        __m256 z = x;
        if (gelu) {
            const __m256 cube = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
            z = _mm256_mul_ps(_mm256_set1_ps(1.5957691216057308f), _mm256_fmadd_ps(_mm256_set1_ps(0.044715f), cube, x));
        }
        const __m256 sigma = _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), z))));
        _mm256_storeu_ps(g + i, _mm256_mul_ps(_mm256_mul_ps(x, sigma), _mm256_loadu_ps(u + i)));
    }
    for (; i < n; i++) {
        const float x = g[i], z = gelu ? 1.5957691216057308f * (x + 0.044715f * x * x * x) : x;
        g[i] = x / (1 + expf(-z)) * u[i];
    }
}

// Four independent accumulators, 128 bytes per iteration: enough loads in flight to reach the memory
// system's limit rather than the adder's latency.
MOWAI_AVX2 float mowai_avx2_read_sum(const float *x, size_t n) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x + j));
        a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x + j + 8));
        a2 = _mm256_add_ps(a2, _mm256_loadu_ps(x + j + 16));
        a3 = _mm256_add_ps(a3, _mm256_loadu_ps(x + j + 24));
    }
    float sum = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; j < n; j++) sum += x[j];
    return sum;
}

MOWAI_AVX2 void mowai_avx2_axpy_f32(float *y, float a, const float *x, int n) {
    const __m256 scale = _mm256_set1_ps(a);
    int j = 0;
    for (; j + 8 <= n; j += 8) _mm256_storeu_ps(y + j, _mm256_fmadd_ps(scale, _mm256_loadu_ps(x + j), _mm256_loadu_ps(y + j)));
    for (; j < n; j++) y[j] += a * x[j];
}

#endif
