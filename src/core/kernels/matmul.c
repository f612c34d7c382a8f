/* core/matmul: C = A·B, row-major double precision.
 *
 * GotoBLAS-style blocking: for each NC-wide column panel and KC-deep slice of B, the slice is
 * packed once (in parallel) into NR-wide slivers; then the MC-tall row blocks of C are shared
 * out over the OpenMP team, each thread packing its MC×KC block of A into MR-tall slivers and
 * running an MR×NR register-blocked micro-kernel. Every C entry is the sum of its k terms in one
 * fixed order (KC slices in ascending order, ascending k inside a slice), whatever the thread
 * count or schedule, so the result does not depend on the number of threads.
 *
 * The micro-kernel is portable C: with gcc/clang it uses generic vector types (no intrinsics) that
 * -O3 maps to the baseline SIMD of the target (SSE2 on x86-64, NEON on aarch64); other compilers
 * get a scalar loop. With GCC on x86-64 it is also cloned for AVX2 and picked at load time
 * (target_clones); every variant performs the same multiplies and adds in the same order (GCC in
 * ISO C mode does not contract them into FMAs), so the clone choice does not change results. */
#include <stdint.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "ckernels/core_kernels.h"
#include "internal.h"

/* Register block MR×NR: 12 accumulators of 4 doubles (AVX2 has 16 registers; NEON's 32 hold the
 * 24 halves). KC so that an NR sliver of B (16 KiB) stays in L1 and an MC×KC block of A (144 KiB)
 * in L2; NC so that a packed KC×NC slice of B (8 MiB) stays in L3. MC must be a multiple of MR and
 * NR of 4. Tuned on Zen 3 (6×8 beat 4×8 and 4×12; KC 256 beat 384 and 512). */
enum { MR = 6, NR = 8, KC = 256, MC = 72, NC = 4096 };
enum { ALIGN = 64 };

/* Not under ThreadSanitizer: the ifunc resolver runs before the TSan runtime is up. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__) && defined(__has_attribute) && \
    !defined(__SANITIZE_THREAD__)
#if __has_attribute(target_clones)
#define CKI_MM_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef CKI_MM_CLONES
#define CKI_MM_CLONES
#endif

static inline int64_t min64(int64_t x, int64_t y) { return x < y ? x : y; }

/* Aligned view of a buffer allocated with ALIGN bytes of slack. */
static double *align_up(void *p)
{
    uintptr_t u = (uintptr_t)p;
    return (double *)((u + (ALIGN - 1)) & ~(uintptr_t)(ALIGN - 1));
}

/* Pack sliver s (NR columns starting at s*NR) of the kc×nc block of B at `b` (row stride ldb).
 * Layout: kc rows of NR contiguous values, zero-padded past nc. */
static void pack_b_sliver(double *restrict dst, const double *restrict b, int64_t ldb, int64_t kc,
                          int64_t nc, int64_t s)
{
    int64_t j0 = s * NR, nr = min64(NR, nc - j0);
    double *d = dst + j0 * kc;
    for (int64_t p = 0; p < kc; p++) {
        const double *src = b + p * ldb + j0;
        int64_t j = 0;
        for (; j < nr; j++) d[p * NR + j] = src[j];
        for (; j < NR; j++) d[p * NR + j] = 0.0;
    }
}

/* Pack the mc×kc block of A at `a` (row stride lda) into MR-tall slivers: for each sliver, kc
 * columns of MR contiguous values, zero-padded past mc. */
static void pack_a(double *restrict dst, const double *restrict a, int64_t lda, int64_t mc, int64_t kc)
{
    for (int64_t i0 = 0; i0 < mc; i0 += MR) {
        int64_t mr = min64(MR, mc - i0);
        double *d = dst + i0 * kc;
        for (int64_t p = 0; p < kc; p++) {
            int64_t i = 0;
            for (; i < mr; i++) d[p * MR + i] = a[(i0 + i) * lda + p];
            for (; i < MR; i++) d[p * MR + i] = 0.0;
        }
    }
}

/* acc = Σ_p a[p]·b[p] over one A sliver and one B sliver (k ascending); then C = acc (first KC
 * slice) or C += acc, for the mr×nr valid part of the tile. */
#if defined(__GNUC__)
/* GCC/clang generic vectors: 4 doubles, lowered to whatever SIMD width the target has. The
 * unaligned, may_alias variant loads them straight from the packed double buffer. */
typedef double cki_v4d __attribute__((vector_size(32)));
typedef double cki_v4du __attribute__((vector_size(32), aligned(8), may_alias));

CKI_MM_CLONES
static void micro_kernel(int64_t kc, const double *restrict a, const double *restrict b, double *restrict c,
                         int64_t ldc, int first, int64_t mr, int64_t nr)
{
    cki_v4d acc[MR][NR / 4];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR / 4; j++) acc[i][j] = (cki_v4d){0.0, 0.0, 0.0, 0.0};
    for (int64_t p = 0; p < kc; p++) {
        cki_v4d bv[NR / 4];
        for (int j = 0; j < NR / 4; j++) bv[j] = *(const cki_v4du *)(b + p * NR + 4 * j);
        for (int i = 0; i < MR; i++) {
            const double ai = a[p * MR + i];
            for (int j = 0; j < NR / 4; j++) acc[i][j] += ai * bv[j];
        }
    }
    double out[MR][NR];
    memcpy(out, acc, sizeof out);
#else
static void micro_kernel(int64_t kc, const double *restrict a, const double *restrict b, double *restrict c,
                         int64_t ldc, int first, int64_t mr, int64_t nr)
{
    double out[MR][NR];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) out[i][j] = 0.0;
    for (int64_t p = 0; p < kc; p++)
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) out[i][j] += a[p * MR + i] * b[p * NR + j];
#endif
    for (int64_t i = 0; i < mr; i++) {
        double *ci = c + i * ldc;
        if (first)
            for (int64_t j = 0; j < nr; j++) ci[j] = out[i][j];
        else
            for (int64_t j = 0; j < nr; j++) ci[j] += out[i][j];
    }
}

/* One MC×NC block of C from a packed A block and a packed B slice. */
static void macro_kernel(const double *pa, const double *pb, double *c, int64_t ldc, int64_t mc, int64_t nc,
                         int64_t kc, int first)
{
    for (int64_t j0 = 0; j0 < nc; j0 += NR) {
        int64_t nr = min64(NR, nc - j0);
        for (int64_t i0 = 0; i0 < mc; i0 += MR)
            micro_kernel(kc, pa + i0 * kc, pb + j0 * kc, c + i0 * ldc + j0, ldc, first, min64(MR, mc - i0), nr);
    }
}

/* Checked size of an r×c matrix in doubles; false on overflow of size_t bytes. */
static int matrix_elems(int64_t r, int64_t c, size_t *out)
{
    if (r != 0 && (uint64_t)c > (uint64_t)(SIZE_MAX / sizeof(double)) / (uint64_t)r) return 0;
    *out = (size_t)r * (size_t)c;
    return 1;
}

static int overlaps(const double *p, size_t np, const double *q, size_t nq)
{
    uintptr_t p0 = (uintptr_t)p, q0 = (uintptr_t)q;
    return np && nq && p0 < q0 + nq * sizeof(double) && q0 < p0 + np * sizeof(double);
}

ck_status_t ck_matmul(ck_ctx_t *ctx, double *c, const double *a, const double *b, ck_idx_t m, ck_idx_t k,
                      ck_idx_t n)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ctx->last_backend = CK_BACKEND_CPU;
    if (m < 0) return cki_invalid(ctx, "m", "must be >= 0, got %lld", (long long)m);
    if (k < 0) return cki_invalid(ctx, "k", "must be >= 0, got %lld", (long long)k);
    if (n < 0) return cki_invalid(ctx, "n", "must be >= 0, got %lld", (long long)n);
    size_t na, nb, nc;
    if (!matrix_elems(m, k, &na))
        return cki_invalid(ctx, "a", "%lld x %lld matrix is too large", (long long)m, (long long)k);
    if (!matrix_elems(k, n, &nb))
        return cki_invalid(ctx, "b", "%lld x %lld matrix is too large", (long long)k, (long long)n);
    if (!matrix_elems(m, n, &nc))
        return cki_invalid(ctx, "c", "%lld x %lld matrix is too large", (long long)m, (long long)n);
    if (na && !a) return cki_invalid(ctx, "a", "is NULL");
    if (nb && !b) return cki_invalid(ctx, "b", "is NULL");
    if (nc && !c) return cki_invalid(ctx, "c", "is NULL");
    if (overlaps(c, nc, a, na) || overlaps(c, nc, b, nb)) return cki_invalid(ctx, "c", "must not alias a or b");

    ck_status_t status = cki_poll(ctx, 0.0);
    if (CK_IS_ERROR(status)) return status;
    if (nc == 0) return CK_OK;
    if (k == 0) {
        memset(c, 0, nc * sizeof(double));
        return cki_poll(ctx, 1.0);
    }

    int64_t kc_max = min64(k, KC), nc_max = min64(n, NC);
    int64_t nc_pad = (nc_max + NR - 1) / NR * NR;
    int64_t row_blocks = (m + MC - 1) / MC;
    int threads = cki_threads(ctx);
    if (threads > row_blocks) threads = (int)row_blocks; /* more would only allocate idle buffers */
    if (threads < 1) threads = 1;

    /* All allocation happens here, on the calling thread: allocator hooks need not be thread-safe. */
    void *b_raw = NULL, **a_raw = NULL;
    b_raw = cki_malloc(ctx, (size_t)(kc_max * nc_pad) * sizeof(double) + ALIGN);
    a_raw = cki_calloc(ctx, (size_t)threads, sizeof *a_raw);
    if (!b_raw || !a_raw) {
        status = cki_nomem(ctx);
        goto cleanup;
    }
    for (int t = 0; t < threads; t++) {
        a_raw[t] = cki_malloc(ctx, (size_t)MC * (size_t)kc_max * sizeof(double) + ALIGN);
        if (!a_raw[t]) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    }
    double *pb = align_up(b_raw);
    const int64_t total_blocks = row_blocks * ((n + NC - 1) / NC) * ((k + KC - 1) / KC);
    int64_t blocks_done = 0;

    for (int64_t jc = 0; jc < n && status == CK_OK; jc += NC) {
        const int64_t ncb = min64(NC, n - jc), slivers = (ncb + NR - 1) / NR;
        for (int64_t pc = 0; pc < k && status == CK_OK; pc += KC) {
            const int64_t kcb = min64(KC, k - pc);
            const int first = pc == 0;
            /* The parallel region spans one B slice: the implicit barriers order packing before
             * use and all use before the next slice overwrites the buffer. */
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
            {
#ifdef _OPENMP
                const int tid = omp_get_thread_num();
#pragma omp for schedule(static)
#else
                const int tid = 0;
#endif
                for (int64_t s = 0; s < slivers; s++) pack_b_sliver(pb, b + pc * n + jc, n, kcb, ncb, s);

                double *pa = align_up(a_raw[tid]);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
                for (int64_t ib = 0; ib < row_blocks; ib++) {
                    /* Cancellation: skip the remaining blocks (thread 0 reports progress). */
                    if (ck_ctx_cancelled(ctx)) continue;
                    const int64_t ic = ib * MC, mcb = min64(MC, m - ic);
                    pack_a(pa, a + ic * k + pc, k, mcb, kcb);
                    macro_kernel(pa, pb, c + ic * n + jc, n, mcb, ncb, kcb, first);
                    if (tid == 0) {
                        /* Only thread 0 (the calling thread) touches ctx's progress state. */
                        (void)cki_poll(ctx, (double)(blocks_done + ib) / (double)total_blocks);
                    }
                }
            }
            blocks_done += row_blocks;
            status = cki_poll(ctx, (double)blocks_done / (double)total_blocks);
        }
    }

cleanup:
    if (a_raw)
        for (int t = 0; t < threads; t++) cki_free(ctx, a_raw[t]);
    cki_free(ctx, a_raw);
    cki_free(ctx, b_raw);
    return status;
}
