/* CKernels — typed C API of the core domain's kernels (core/vector-add, core/reduce-sum,
 * core/matmul). They are small on purpose and serve as templates for the whole path. */
#ifndef CKERNELS_CORE_KERNELS_H
#define CKERNELS_CORE_KERNELS_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* c[i] = a[i] + b[i] for i < n. `c` may alias `a` or `b`. The GPU path runs when the ctx backend
 * is cuda, or auto with a device present and n >= CK_VECTOR_ADD_GPU_MIN; ck_ctx_last_backend()
 * says which ran. Non-finite inputs are allowed in the typed API (IEEE semantics); the JSON path
 * rejects them. */
#define CK_VECTOR_ADD_GPU_MIN ((ck_idx_t)1 << 22)
CK_API ck_status_t ck_vector_add(ck_ctx_t *ctx, double *c, const double *a, const double *b, ck_idx_t n);

/* Σ x[i] with Neumaier-compensated summation over fixed 4096-element chunks whose partial sums
 * are combined in index order: identical bits for every thread count. */
typedef struct ck_reduce_sum_result {
    double sum;
    ck_idx_t count;
    double mean; /* NaN when count == 0 */
} ck_reduce_sum_result_t;
CK_API ck_status_t ck_reduce_sum(ck_ctx_t *ctx, ck_reduce_sum_result_t *out, const double *x, ck_idx_t n);

/* C (m×n) = A (m×k) · B (k×n), all row-major, double precision; cache-blocked and OpenMP-parallel
 * over row blocks (every C entry sums its k terms in the same order for any thread count, so the
 * result does not depend on the thread count). `c` must not alias `a` or `b`. Any of m, k, n may
 * be 0 (k == 0 gives a zero matrix). */
CK_API ck_status_t ck_matmul(ck_ctx_t *ctx, double *c, const double *a, const double *b,
                             ck_idx_t m, ck_idx_t k, ck_idx_t n);

#ifdef __cplusplus
}
#endif
#endif
