// Portable kernels (any CPU) and the choice between them and the x86 ones.
#include "kernels_internal.h"
#include <math.h>
#include <stdlib.h>
#ifdef MOWAI_HAS_X86
#include <cpuid.h>
#endif

// ---- Portable row dots: plain loops over one block at a time, integer sums per block. ----

static float dot_q4_0(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)xf;
    float sum = 0;
    for (int b = 0; b < columns / 32; b++, row += 18) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += ((row[2 + j] & 0x0F) - 8) * x[b].q[j] + ((row[2 + j] >> 4) - 8) * x[b].q[j + 16];
        }
        sum += mowai_load_half(row) * x[b].d * (float)isum;
    }
    return sum;
}

static float dot_q4_1(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)xf;
    float sum = 0;
    for (int b = 0; b < columns / 32; b++, row += 20) {
        int isum = 0;
        for (int j = 0; j < 16; j++) isum += (row[4 + j] & 0x0F) * x[b].q[j] + (row[4 + j] >> 4) * x[b].q[j + 16];
        sum += mowai_load_half(row) * x[b].d * (float)isum + mowai_load_half(row + 2) * x[b].s;
    }
    return sum;
}

static float dot_q5(const uint8_t *row, const mowai_q8_block *x, int columns, int has_minimum) {
    const int size = has_minimum ? 24 : 22, base = has_minimum ? 4 : 2;
    float sum = 0;
    for (int b = 0; b < columns / 32; b++, row += size) {
        uint32_t high;
        memcpy(&high, row + base, 4);
        const uint8_t *qs = row + base + 4;
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            int lo = (qs[j] & 0x0F) | (int)(((high >> j) & 1) << 4);
            int hi = (qs[j] >> 4) | (int)(((high >> (j + 16)) & 1) << 4);
            isum += lo * x[b].q[j] + hi * x[b].q[j + 16];
        }
        float d = mowai_load_half(row);
        // Q5_0 is centred on 16; Q5_1 has a minimum instead.
        sum += d * x[b].d * (float)isum + (has_minimum ? mowai_load_half(row + 2) : -16 * d) * x[b].s;
    }
    return sum;
}
static float dot_q5_0(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) { (void)xf; return dot_q5(row, x, columns, 0); }
static float dot_q5_1(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) { (void)xf; return dot_q5(row, x, columns, 1); }

static float dot_q8_0(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)xf;
    float sum = 0;
    for (int b = 0; b < columns / 32; b++, row += 34) {
        const int8_t *q = (const int8_t *)(row + 2);
        int isum = 0;
        for (int j = 0; j < 32; j++) isum += q[j] * x[b].q[j];
        sum += mowai_load_half(row) * x[b].d * (float)isum;
    }
    return sum;
}


/// 256 weights in 8 sub-blocks of 32, each lining up with one q8 activation block.
static float dot_q4_k(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)xf;
    float sum = 0;
    for (int b = 0; b < columns / 256; b++, row += 144, x += 8) {
        const float d = mowai_load_half(row), dmin = mowai_load_half(row + 2);
        const uint8_t *scales = row + 4, *qs = row + 16;
        for (int chunk = 0; chunk < 4; chunk++) {
            for (int half = 0; half < 2; half++) {
                const int j = chunk * 2 + half;
                int scale, minimum;
                mowai_q4_k_scale(scales, j, &scale, &minimum);
                int isum = 0;
                for (int l = 0; l < 32; l++) {
                    int q = half ? qs[chunk * 32 + l] >> 4 : qs[chunk * 32 + l] & 0x0F;
                    isum += q * x[j].q[l];
                }
                sum += d * (float)scale * x[j].d * (float)isum - dmin * (float)minimum * x[j].s;
            }
        }
    }
    return sum;
}

/// Q4_K with a fifth bit per weight: bit j of qh[l] belongs to sub-block j's value l.
static float dot_q5_k(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)xf;
    float sum = 0;
    for (int b = 0; b < columns / 256; b++, row += 176, x += 8) {
        const float d = mowai_load_half(row), dmin = mowai_load_half(row + 2);
        const uint8_t *scales = row + 4, *qh = row + 16, *qs = row + 48;
        for (int j = 0; j < 8; j++) {
            int scale, minimum;
            mowai_q4_k_scale(scales, j, &scale, &minimum);
            int isum = 0;
            for (int l = 0; l < 32; l++) {
                const int low = j % 2 ? qs[(j / 2) * 32 + l] >> 4 : qs[(j / 2) * 32 + l] & 0x0F;
                isum += (low | (((qh[l] >> j) & 1) << 4)) * x[j].q[l];
            }
            sum += d * (float)scale * x[j].d * (float)isum - dmin * (float)minimum * x[j].s;
        }
    }
    return sum;
}

/// 256 weights in 16 sub-blocks of 16 with signed 8-bit scales; two sub-blocks per q8 block.
static float dot_q6_k(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)xf;
    float sum = 0;
    for (int b = 0; b < columns / 256; b++, row += 210, x += 8) {
        const uint8_t *ql = row, *qh = row + 128;
        const int8_t *scales = (const int8_t *)(row + 192);
        const float d = mowai_load_half(row + 208);
        int8_t q[256];
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 32; l++) {
                q[n * 128 + l] = (int8_t)(((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32);
                q[n * 128 + l + 32] = (int8_t)(((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32);
                q[n * 128 + l + 64] = (int8_t)(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
                q[n * 128 + l + 96] = (int8_t)(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
            }
            ql += 64;
            qh += 32;
        }
        for (int j = 0; j < 8; j++) {
            int first = 0, second = 0;
            for (int l = 0; l < 16; l++) {
                first += q[j * 32 + l] * x[j].q[l];
                second += q[j * 32 + 16 + l] * x[j].q[16 + l];
            }
            sum += d * x[j].d * (float)(scales[2 * j] * first + scales[2 * j + 1] * second);
        }
    }
    return sum;
}

static float dot_f32(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)x;
    float w[1];
    float sum = 0;
    for (int j = 0; j < columns; j++) { memcpy(w, row + 4 * j, 4); sum += w[0] * xf[j]; }
    return sum;
}

static float dot_f16(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)x;
    float sum = 0;
    for (int j = 0; j < columns; j++) sum += mowai_load_half(row + 2 * j) * xf[j];
    return sum;
}

static float dot_bf16(const uint8_t *row, const mowai_q8_block *x, const float *xf, int columns) {
    (void)x;
    float sum = 0;
    for (int j = 0; j < columns; j++) {
        uint32_t bits = (uint32_t)mowai_load_u16(row + 2 * j) << 16;
        float w;
        memcpy(&w, &bits, 4);
        sum += w * xf[j];
    }
    return sum;
}

mowai_row_dot mowai_portable_dot(int type) {
    switch (type) {
    case MOWAI_F32: return dot_f32;
    case MOWAI_F16: return dot_f16;
    case MOWAI_BF16: return dot_bf16;
    case MOWAI_Q4_0: return dot_q4_0;
    case MOWAI_Q4_1: return dot_q4_1;
    case MOWAI_Q5_0: return dot_q5_0;
    case MOWAI_Q5_1: return dot_q5_1;
    case MOWAI_Q8_0: return dot_q8_0;
    case MOWAI_Q4_K: return dot_q4_k;
    case MOWAI_Q5_K: return dot_q5_k;
    case MOWAI_Q6_K: return dot_q6_k;
    default: return NULL;
    }
}

// ---- Choosing at run time ----

static int has_avx2(void) {
#ifdef MOWAI_HAS_X86
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        // MOWAI_KERNELS=portable forces the plain C loops (to compare, or to rule the SIMD ones out).
        const char *choice = getenv("MOWAI_KERNELS");
        cached = !(choice && strcmp(choice, "portable") == 0) && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    }
    return cached;
#else
    return 0;
#endif
}

/// The best SIMD variant this CPU has: the u8×s8 dot-product instruction it has beyond AVX2.
static int best_variant(void) {
#ifdef MOWAI_HAS_X86
    static int cached = -1;
    if (cached < 0) {
        unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
        // CPUID.(EAX=7,ECX=1):EAX bit 4 is AVX-VNNI; it uses the same register state as AVX2.
        if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && ((eax >> 4) & 1)) cached = MOWAI_ISA_AVX_VNNI;
        else if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl")) cached = MOWAI_ISA_AVX512_VNNI;
        else cached = MOWAI_ISA_AVX2;
    }
    return cached;
#else
    return MOWAI_ISA_AVX2;
#endif
}

/// Whether this CPU can run variant `isa` (which needs AVX2 first of all).
static int has_variant(int isa) {
    if (!has_avx2()) return 0;
#ifdef MOWAI_HAS_X86
    switch (isa) {
    case MOWAI_ISA_AVX2: return 1;
    case MOWAI_ISA_AVX_VNNI: return best_variant() == MOWAI_ISA_AVX_VNNI;
    case MOWAI_ISA_AVX512_VNNI: return __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl");
    default: return 0;
    }
#else
    (void)isa;
    return 0;
#endif
}

const char *mowai_kernel_isa(void) {
    if (!has_avx2()) return "scalar";
    switch (best_variant()) {
    case MOWAI_ISA_AVX_VNNI: return "avx2+vnni";
    case MOWAI_ISA_AVX512_VNNI: return "avx2+avx512vnni";
    default: return "avx2";
    }
}

int mowai_kernel_supports(int type) { return mowai_portable_dot(type) != NULL; }

int mowai_kernel_takes_q8(int type) { return type != MOWAI_F32 && type != MOWAI_F16 && type != MOWAI_BF16; }

void mowai_quantize_q8(const float *x, mowai_q8_block *out, int n) {
#ifdef MOWAI_HAS_X86
    if (has_avx2()) { mowai_avx2_quantize_q8(x, out, n); return; }
#endif
    for (int b = 0; b < n / 32; b++, x += 32) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127, inverse = d != 0 ? 1 / d : 0;
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            int q = (int)lrintf(x[j] * inverse);
            out[b].q[j] = (int8_t)q;
            sum += q;
        }
        out[b].d = d;
        out[b].s = d * (float)sum;
    }
}

int mowai_matmul_variant(int isa, int type, const void *weights, size_t row_bytes, int columns, int row_begin,
                         int row_end, const mowai_q8_block *x_q8, const float *x_f32, int tokens, float *out,
                         int out_stride) {
#ifdef MOWAI_HAS_X86
    if (!has_variant(isa)) return 0;
    mowai_matmul_fn fast;
    switch (isa) {
    case MOWAI_ISA_AVX_VNNI: fast = mowai_vnni_matmul(type); break;
    case MOWAI_ISA_AVX512_VNNI: fast = mowai_vnni512_matmul(type); break;
    default: fast = mowai_avx2_matmul(type); break;
    }
    if (!fast) return 0;
    fast(weights, row_bytes, columns, row_begin, row_end, x_q8, x_f32, tokens, out, out_stride);
    return 1;
#else
    (void)isa; (void)type; (void)weights; (void)row_bytes; (void)columns; (void)row_begin; (void)row_end;
    (void)x_q8; (void)x_f32; (void)tokens; (void)out; (void)out_stride;
    return 0;
#endif
}

void mowai_matmul(int type, const void *weights, size_t row_bytes, int columns, int row_begin, int row_end,
                  const mowai_q8_block *x_q8, const float *x_f32, int tokens, float *out, int out_stride) {
    if (has_avx2() && mowai_matmul_variant(best_variant(), type, weights, row_bytes, columns, row_begin, row_end,
                                           x_q8, x_f32, tokens, out, out_stride))
        return;
    mowai_matmul_portable(type, weights, row_bytes, columns, row_begin, row_end, x_q8, x_f32, tokens, out, out_stride);
}

void mowai_matmul_portable(int type, const void *weights, size_t row_bytes, int columns, int row_begin, int row_end,
                           const mowai_q8_block *x_q8, const float *x_f32, int tokens, float *out, int out_stride) {
    mowai_row_dot dot = mowai_portable_dot(type);
    if (!dot) return;
    const uint8_t *base = weights;
    for (int r = row_begin; r < row_end; r++) {
        for (int t = 0; t < tokens; t++) {
            const mowai_q8_block *xq = x_q8 ? x_q8 + (size_t)t * (columns / 32) : NULL;
            const float *xf = x_f32 ? x_f32 + (size_t)t * columns : NULL;
            out[(size_t)t * out_stride + r] = dot(base + (size_t)r * row_bytes, xq, xf, columns);
        }
    }
}

void mowai_attention(const float *q, const float *keys, const float *values, int stride, int count, int size,
                     float scale, float *scores, float *out) {
#ifdef MOWAI_HAS_X86
    if (has_avx2() && size % 8 == 0) { mowai_avx2_attention(q, keys, values, stride, count, size, scale, scores, out); return; }
#endif
    float best = -INFINITY;
    for (int p = 0; p < count; p++) {
        float dot = 0;
        for (int j = 0; j < size; j++) dot += q[j] * keys[(size_t)p * stride + j];
        scores[p] = dot * scale;
        best = fmaxf(best, scores[p]);
    }
    float total = 0;
    for (int p = 0; p < count; p++) { scores[p] = expf(scores[p] - best); total += scores[p]; }
    for (int j = 0; j < size; j++) out[j] = 0;
    for (int p = 0; p < count; p++) {
        const float weight = scores[p] / total;
        for (int j = 0; j < size; j++) out[j] += weight * values[(size_t)p * stride + j];
    }
}

float mowai_dot_f32(const float *a, const float *b, int n) {
#ifdef MOWAI_HAS_X86
    if (has_avx2()) return mowai_avx2_dot_f32(a, b, n);
#endif
    float sum = 0;
    for (int j = 0; j < n; j++) sum += a[j] * b[j];
    return sum;
}

void mowai_axpy_f32(float *y, float a, const float *x, int n) {
#ifdef MOWAI_HAS_X86
    if (has_avx2()) { mowai_avx2_axpy_f32(y, a, x, n); return; }
#endif
    for (int j = 0; j < n; j++) y[j] += a * x[j];
}

float mowai_read_sum(const float *x, size_t n) {
#ifdef MOWAI_HAS_X86
    if (has_avx2()) return mowai_avx2_read_sum(x, n);
#endif
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        s0 += x[j];
        s1 += x[j + 1];
        s2 += x[j + 2];
        s3 += x[j + 3];
    }
    for (; j < n; j++) s0 += x[j];
    return s0 + s1 + s2 + s3;
}

void mowai_gated_activation(float *g, const float *u, int n, int gelu) {
#ifdef MOWAI_HAS_X86
    if (has_avx2()) { mowai_avx2_gated_activation(g, u, n, gelu); return; }
#endif
    for (int i = 0; i < n; i++) {
        const float x = g[i], z = gelu ? 1.5957691216057308f * (x + 0.044715f * x * x * x) : x;
        g[i] = x / (1 + expf(-z)) * u[i];
    }
}

// ---- Packed weights (see mowai_packed_size) ----

/// One row's block b (32 values) as unsigned q with its scales and minimum: w = scale·(q − zero) + minimum,
/// scale_hi for values 16–31 (equal to scale except in Q6_K).
static void unpack_block_for_packing(int type, const uint8_t *row, int b, uint8_t q[32], float *scale, float *scale_hi,
                                     float *minimum) {
    *minimum = 0;
    switch (type) {
    case MOWAI_Q4_1: {
        const uint8_t *block = row + (size_t)b * 20;
        for (int l = 0; l < 16; l++) {
            q[l] = block[4 + l] & 0x0F;
            q[l + 16] = block[4 + l] >> 4;
        }
        *scale = *scale_hi = mowai_load_half(block);
        *minimum = mowai_load_half(block + 2);
        return;
    }
    case MOWAI_Q8_0: {
        const uint8_t *block = row + (size_t)b * 34;
        for (int l = 0; l < 32; l++) q[l] = (uint8_t)((int8_t)block[2 + l] + 128);
        *scale = *scale_hi = mowai_load_half(block);
        return;
    }
    case MOWAI_Q5_0: {
        const uint8_t *block = row + (size_t)b * 22;
        uint32_t high;
        memcpy(&high, block + 2, 4);
        for (int l = 0; l < 16; l++) {
            q[l] = (uint8_t)((block[6 + l] & 0x0F) | ((high >> l) & 1) << 4);
            q[l + 16] = (uint8_t)((block[6 + l] >> 4) | ((high >> (l + 16)) & 1) << 4);
        }
        *scale = *scale_hi = mowai_load_half(block);
        return;
    }
    case MOWAI_Q4_K: {
        const uint8_t *block = row + (size_t)(b / 8) * 144;
        const int j = b % 8;
        int sc, mn;
        mowai_q4_k_scale(block + 4, j, &sc, &mn);
        // Products of a half and a 6-bit integer: exact in float.
        *scale = *scale_hi = mowai_load_half(block) * (float)sc;
        *minimum = -(mowai_load_half(block + 2) * (float)mn);
        for (int l = 0; l < 32; l++) q[l] = j % 2 ? block[16 + (j / 2) * 32 + l] >> 4 : block[16 + (j / 2) * 32 + l] & 0x0F;
        return;
    }
    default: {  // Q6_K
        const uint8_t *block = row + (size_t)(b / 8) * 210;
        const int j = b % 8, half = j / 4, k = j % 4;
        const uint8_t *ql = block + 64 * half + 32 * (k & 1), *qh = block + 128 + 32 * half;
        for (int l = 0; l < 32; l++) q[l] = (uint8_t)(((ql[l] >> (4 * (k / 2))) & 0x0F) | ((qh[l] >> (2 * k)) & 3) << 4);
        const int8_t *scales = (const int8_t *)(block + 192);
        const float d = mowai_load_half(block + 208);
        *scale = d * (float)scales[2 * j];
        *scale_hi = d * (float)scales[2 * j + 1];
        return;
    }
    }
}

size_t mowai_packed_size(int type, int rows, int columns) {
    mowai_packing p;
    if (!has_avx2() || !mowai_packing_for(type, &p) || rows % 8 != 0 ||
        columns % (type == MOWAI_Q4_1 || type == MOWAI_Q5_0 || type == MOWAI_Q8_0 ? 32 : 256) != 0) return 0;
    return (size_t)(rows / 8) * (size_t)(columns / 32) * (size_t)p.block_bytes;
}

void mowai_pack(int type, const void *weights, size_t row_bytes, int rows, int columns, void *out) {
    mowai_packing p;
    if (!mowai_packing_for(type, &p)) return;
    const int blocks = columns / 32;
    for (int r = 0; r < rows; r++) {
        const uint8_t *row = (const uint8_t *)weights + (size_t)r * row_bytes;
        const int lane = r % 8;
        for (int b = 0; b < blocks; b++) {
            uint8_t *block = (uint8_t *)out + ((size_t)(r / 8) * blocks + b) * p.block_bytes;
            uint8_t q[32];
            float scale, scale_hi, minimum;
            unpack_block_for_packing(type, row, b, q, &scale, &scale_hi, &minimum);
            // Scale, scale_hi, minimum: 8 lanes each, as floats or (f16: they came from halves, exactly) halves.
            float lanes[3] = {scale, scale_hi, minimum};
            const int present[3] = {1, p.halves, p.minimums};
            int next = 0;
            for (int f = 0; f < 3; f++) {
                if (!present[f]) continue;
                if (p.f16) {
                    const uint16_t h = mowai_float_to_half(lanes[f]);
                    memcpy(block + 2 * (8 * next + lane), &h, 2);
                } else {
                    memcpy(block + 4 * (8 * next + lane), &lanes[f], 4);
                }
                next++;
            }
            uint8_t *w = block + (p.f16 ? 2 : 4) * 8 * next;
            if (p.plane) {
                for (int i = 0; i < 4; i++) {
                    uint8_t bits = 0;
                    for (int k = 0; k < 8; k++) bits |= (uint8_t)(((q[4 * k + i] >> 4) & 1) << k);
                    w[4 * lane + i] = bits;
                }
                w += 32;
            }
            if (p.nibbles) {
                for (int k = 0; k < 4; k++)
                    for (int i = 0; i < 4; i++)
                        w[32 * k + 4 * lane + i] = (uint8_t)((q[4 * k + i] & 0x0F) | (q[4 * k + 16 + i] & 0x0F) << 4);
            } else {
                for (int k = 0; k < 8; k++)
                    for (int i = 0; i < 4; i++) w[32 * k + 4 * lane + i] = q[4 * k + i];
            }
        }
    }
}

void mowai_packed_row(int type, const void *packed, int columns, int row, float *out) {
    mowai_packing p;
    if (!mowai_packing_for(type, &p)) return;
    const int blocks = columns / 32, lane = row % 8, width = p.f16 ? 2 : 4;
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = (const uint8_t *)packed + ((size_t)(row / 8) * blocks + b) * p.block_bytes;
        float lanes[3] = {0, 0, 0};
        const int present[3] = {1, p.halves, p.minimums};
        int next = 0;
        for (int f = 0; f < 3; f++) {
            if (!present[f]) continue;
            if (p.f16) {
                lanes[f] = mowai_load_half(block + 2 * (8 * next + lane));
            } else {
                memcpy(&lanes[f], block + 4 * (8 * next + lane), 4);
            }
            next++;
        }
        if (!p.halves) lanes[1] = lanes[0];
        const uint8_t *w = block + width * 8 * next;
        for (int j = 0; j < 32; j++) {
            const int k = (j % 16) / 4, i = j % 4;
            int q;
            if (p.nibbles) {
                const uint8_t byte = w[(p.plane ? 32 : 0) + 32 * k + 4 * lane + i];
                q = j < 16 ? byte & 0x0F : byte >> 4;
                if (p.plane) q |= ((w[4 * lane + i] >> (j / 4)) & 1) << 4;
            } else {
                q = w[32 * (j / 4) + 4 * lane + i];
            }
            // The scale times the integer, then the minimum only where there is one (adding 0 would turn
            // −0 into +0): a Q8_0 row comes out as the file's row dequantized, to the bit.
            const float v = lanes[j < 16 ? 0 : 1] * (float)(q - p.zero);
            out[(size_t)b * 32 + j] = p.minimums ? v + lanes[2] : v;
        }
    }
}

int mowai_matmul_packed_variant(int isa, int type, const void *packed, int columns, int row_begin, int row_end,
                                const mowai_q8_block *x_q8, int tokens, float *out, int out_stride) {
#ifdef MOWAI_HAS_X86
    if (!has_variant(isa)) return 0;
    mowai_packed_fn fast;
    switch (isa) {
    case MOWAI_ISA_AVX_VNNI: fast = mowai_vnni_packed(type); break;
    case MOWAI_ISA_AVX512_VNNI: fast = mowai_vnni512_packed(type); break;
    default: fast = mowai_avx2_packed(type); break;
    }
    if (!fast) return 0;
    fast(packed, columns, row_begin, row_end, x_q8, tokens, out, out_stride);
    return 1;
#else
    (void)isa; (void)type; (void)packed; (void)columns; (void)row_begin; (void)row_end; (void)x_q8; (void)tokens;
    (void)out; (void)out_stride;
    return 0;
#endif
}

void mowai_matmul_packed(int type, const void *packed, int columns, int row_begin, int row_end,
                         const mowai_q8_block *x_q8, int tokens, float *out, int out_stride) {
    mowai_matmul_packed_variant(best_variant(), type, packed, columns, row_begin, row_end, x_q8, tokens, out, out_stride);
}
