/* core/vector-add: c = a + b, element-wise. The template for CUDA dispatch: the GPU path runs
 * when the ctx backend is cuda (no device -> CK_E_NO_DEVICE), or auto with n large enough and a
 * device present (a device that vanished -> CPU fallback). Non-finite values follow IEEE. */
#include "ckernels/core_kernels.h"
#include "cuda/cuda_internal.h"
#include "internal.h"

/* Elements per parallel region: cancellation is polled between blocks (a few ms each). */
#define CKI_VADD_BLOCK ((ck_idx_t)1 << 22)
/* Below this, thread start-up costs more than the additions. */
#define CKI_VADD_PAR_MIN ((ck_idx_t)1 << 15)

ck_status_t ck_vector_add(ck_ctx_t *ctx, double *c, const double *a, const double *b, ck_idx_t n)
{
    if (!ctx) return CK_E_INVALID_INPUT;
    ctx->last_backend = CK_BACKEND_CPU;
    if (n < 0) return cki_invalid(ctx, "n", "must be >= 0, got %lld", (long long)n);
    if (n > 0) {
        if (!a) return cki_invalid(ctx, "a", "is NULL");
        if (!b) return cki_invalid(ctx, "b", "is NULL");
        if (!c) return cki_invalid(ctx, "c", "is NULL");
    }
    ck_status_t status = cki_poll(ctx, 0.0);
    if (CK_IS_ERROR(status)) return status;

    if (ctx->backend == CK_BACKEND_CUDA ||
        (ctx->backend == CK_BACKEND_AUTO && n >= CK_VECTOR_ADD_GPU_MIN && ck_cuda_device_available())) {
        status = cki_cuda_vector_add(ctx, c, a, b, n);
        if (status == CK_OK) {
            ctx->last_backend = CK_BACKEND_CUDA;
            return CK_OK;
        }
        /* Forced cuda reports every failure; auto falls back only when there is no device. */
        if (ctx->backend == CK_BACKEND_CUDA || status != CK_E_NO_DEVICE) return status;
        ck_ctx_clear_error(ctx);
    }

    for (ck_idx_t lo = 0; lo < n; lo += CKI_VADD_BLOCK) {
        const ck_idx_t hi = n - lo < CKI_VADD_BLOCK ? n : lo + CKI_VADD_BLOCK;
        /* c may alias a or b exactly (c[i] depends only on a[i], b[i]), so no restrict here. */
#ifdef _OPENMP
#pragma omp parallel for num_threads(cki_threads(ctx)) schedule(static) if (hi - lo >= CKI_VADD_PAR_MIN)
#endif
        for (ck_idx_t i = lo; i < hi; i++) c[i] = a[i] + b[i];
        status = cki_poll(ctx, (double)hi / (double)n);
        if (CK_IS_ERROR(status)) return status;
    }
    return CK_OK;
}
