/* CKernels — the CUDA entry points in a build without CUDA: no device, ever, with a clear error. */
#include "ckernels/core.h"
#include "cuda_internal.h"
#include "internal.h"

bool ck_built_with_cuda(void) { return false; }

bool ck_cuda_device_available(void) { return false; }

ck_status_t cki_cuda_vector_add(ck_ctx_t *ctx, double *c, const double *a, const double *b, ck_idx_t n)
{
    CKI_UNUSED(c);
    CKI_UNUSED(a);
    CKI_UNUSED(b);
    CKI_UNUSED(n);
    return cki_error(ctx, CK_E_NO_DEVICE, NULL,
                     "core/vector-add: the CUDA backend is unavailable: this library was built without CUDA");
}

ck_status_t cki_cuda_mem_info(ck_ctx_t *ctx, size_t *free_bytes, size_t *total_bytes)
{
    if (free_bytes) *free_bytes = 0;
    if (total_bytes) *total_bytes = 0;
    return cki_error(ctx, CK_E_NO_DEVICE, NULL, "the CUDA backend is unavailable: this library was built without CUDA");
}
