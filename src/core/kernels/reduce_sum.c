/* core/reduce-sum: Σ x_i with Neumaier-compensated summation, identical bits for every thread
 * count.
 *
 * The input is cut into fixed 4096-element chunks. Each chunk is summed on its own into a
 * (sum, compensation) pair; the pairs are then folded into the total strictly in chunk order,
 * again with Neumaier, carrying the compensations. Nothing depends on which thread summed which
 * chunk, so the bits do not depend on the thread count. Chunks are processed in groups of
 * CKI_SUM_GROUP (partials live on the stack, no allocation); cancellation is polled between
 * groups, outside the parallel region.
 *
 * Non-finite inputs follow IEEE: any NaN, or +inf together with -inf, gives NaN; otherwise an
 * infinity (or an overflowing running sum) gives that infinity. The compensation terms would
 * turn inf into NaN (inf - inf), so when the plain running sum is not finite it is returned as is. */
#include <math.h>

#include "ckernels/core_kernels.h"
#include "internal.h"

#define CKI_SUM_CHUNK 4096
#define CKI_SUM_GROUP 256 /* chunks per parallel region: 1 Mi elements, ~1 ms */
#define CKI_SUM_LANES 4   /* independent Neumaier lanes inside a chunk: SIMD and instruction-level parallelism */

typedef struct {
    double s, c; /* running sum and its compensation */
} cki_neumaier_t;

/* Neumaier's step: s += x, c += the rounding error of that addition. The error is computed with
 * Knuth's branch-free TwoSum, which yields exactly the same (exact) error term as Neumaier's
 * |s| >= |x| branch, so the lanes below vectorise without changing a bit. */
static inline double two_sum_err(double s, double x, double t)
{
    double z = t - s;
    return (s - (t - z)) + (x - z);
}

static inline void neumaier_add(cki_neumaier_t *acc, double x)
{
    double t = acc->s + x;
    acc->c += two_sum_err(acc->s, x, t);
    acc->s = t;
}

/* Fold a partial (s, c) into acc: its sum with Neumaier, then its compensation. */
static inline void neumaier_merge(cki_neumaier_t *acc, cki_neumaier_t part)
{
    neumaier_add(acc, part.s);
    acc->c += part.c;
}

/* One chunk: element i goes to lane i % LANES (fixed), lanes are merged in lane order. */
static cki_neumaier_t sum_chunk(const double *x, ck_idx_t len)
{
    double s[CKI_SUM_LANES], c[CKI_SUM_LANES];
    for (int l = 0; l < CKI_SUM_LANES; l++) s[l] = c[l] = 0.0;
    ck_idx_t i = 0;
    for (; i + CKI_SUM_LANES <= len; i += CKI_SUM_LANES)
        for (int l = 0; l < CKI_SUM_LANES; l++) {
            double t = s[l] + x[i + l];
            c[l] += two_sum_err(s[l], x[i + l], t);
            s[l] = t;
        }
    for (int l = 0; i < len; i++, l++) {
        double t = s[l] + x[i];
        c[l] += two_sum_err(s[l], x[i], t);
        s[l] = t;
    }
    cki_neumaier_t r = {s[0], c[0]};
    for (int l = 1; l < CKI_SUM_LANES; l++) neumaier_merge(&r, (cki_neumaier_t){s[l], c[l]});
    return r;
}

ck_status_t ck_reduce_sum(ck_ctx_t *ctx, ck_reduce_sum_result_t *out, const double *x, ck_idx_t n)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ctx->last_backend = CK_BACKEND_CPU;
    if (!out) return cki_invalid(ctx, "out", "is NULL");
    if (n < 0) return cki_invalid(ctx, "n", "must be >= 0, got %lld", (long long)n);
    if (n > 0 && !x) return cki_invalid(ctx, "x", "is NULL");
    ck_status_t status = cki_poll(ctx, 0.0);
    if (CK_IS_ERROR(status)) return status;

    const ck_idx_t nchunks = (n + CKI_SUM_CHUNK - 1) / CKI_SUM_CHUNK;
    cki_neumaier_t total = {0.0, 0.0};
    cki_neumaier_t part[CKI_SUM_GROUP];
    for (ck_idx_t g0 = 0; g0 < nchunks; g0 += CKI_SUM_GROUP) {
        const int gn = (int)(nchunks - g0 < CKI_SUM_GROUP ? nchunks - g0 : CKI_SUM_GROUP);
#ifdef _OPENMP
#pragma omp parallel for num_threads(cki_threads(ctx)) schedule(static) if (gn > 1)
#endif
        for (int j = 0; j < gn; j++) {
            const ck_idx_t lo = (g0 + j) * CKI_SUM_CHUNK;
            const ck_idx_t len = n - lo < CKI_SUM_CHUNK ? n - lo : CKI_SUM_CHUNK;
            part[j] = sum_chunk(x + lo, len);
        }
        for (int j = 0; j < gn; j++) neumaier_merge(&total, part[j]);
        status = cki_poll(ctx, (double)(g0 + gn) / (double)nchunks);
        if (CK_IS_ERROR(status)) return status;
    }

    out->sum = isfinite(total.s) ? total.s + total.c : total.s;
    out->count = n;
    out->mean = n > 0 ? out->sum / (double)n : NAN;
    return CK_OK;
}
