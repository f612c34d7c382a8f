/* CKernels — the C boundary of the CUDA target. Without CUDA (no_cuda.c) every entry reports
 * CK_E_NO_DEVICE, so callers need no #ifdefs. CUDA errors become ck_status_t here. */
#ifndef CKERNELS_CUDA_INTERNAL_H
#define CKERNELS_CUDA_INTERNAL_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

/* Internal symbols stay out of the shared library's ABI. The C sources get this from the build's
 * hidden-visibility preset; nvcc's host compiler does not, so the declarations say it. */
#if defined(__GNUC__)
#define CKI_CUDA_HIDDEN __attribute__((visibility("hidden")))
#else
#define CKI_CUDA_HIDDEN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* c = a + b on the device (host arrays in and out). CK_E_NO_DEVICE when no GPU is usable,
 * CK_E_DEVICE / CK_E_NOMEM for CUDA failures, with the message set on ctx. */
CKI_CUDA_HIDDEN ck_status_t cki_cuda_vector_add(ck_ctx_t *ctx, double *c, const double *a, const double *b,
                                                ck_idx_t n);

/* Free and total memory of the current device in bytes (cudaMemGetInfo), for tests that check
 * device allocations are released and for size predicates. CK_E_NO_DEVICE without a GPU. */
CKI_CUDA_HIDDEN ck_status_t cki_cuda_mem_info(ck_ctx_t *ctx, size_t *free_bytes, size_t *total_bytes);

#ifdef __CUDACC__
/* The .cu files are C++ and cannot include internal.h (it needs C11 <stdatomic.h> and the ctx
 * layout), so they get the one error setter they need from here. Same prototype as internal.h. */
CKI_CUDA_HIDDEN ck_status_t cki_error(ck_ctx_t *ctx, ck_status_t status, const char *field,
                                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
#endif

#ifdef __cplusplus
}
#endif

#ifdef __CUDACC__
#include <cuda_runtime.h>
/* Turn a CUDA error into a status with the message "<what>: <CUDA error name>: <text>" on ctx:
 * CK_E_NO_DEVICE when no usable device/driver exists, CK_E_NOMEM for cudaErrorMemoryAllocation,
 * CK_E_DEVICE otherwise. cudaSuccess gives CK_OK and leaves ctx alone. (C++ linkage: it takes a
 * CUDA type and is only called from .cu files.) */
CKI_CUDA_HIDDEN ck_status_t cki_cuda_status(ck_ctx_t *ctx, cudaError_t err, const char *what);
#endif

#endif
