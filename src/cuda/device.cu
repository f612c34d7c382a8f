/* CKernels — CUDA device discovery and the cudaError_t -> ck_status_t boundary. */
#include <cuda_runtime.h>

#include "cuda_internal.h"

/* Errors that mean "there is no GPU we can use here" rather than "the GPU failed": no device, no
 * or too old a driver, the stub libcuda, an unsupported driver/toolkit mix, or no code in this
 * build for the device's architecture. Callers with backend auto fall back to the CPU on these. */
static bool is_no_device_error(cudaError_t err)
{
    switch (err) {
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorCallRequiresNewerDriver:
    case cudaErrorStubLibrary:
    case cudaErrorDevicesUnavailable:
    case cudaErrorSystemNotReady:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorUnsupportedPtxVersion:
        return true;
    default:
        return false;
    }
}

ck_status_t cki_cuda_status(ck_ctx_t *ctx, cudaError_t err, const char *what)
{
    if (err == cudaSuccess) return CK_OK;
    ck_status_t status = CK_E_DEVICE;
    if (is_no_device_error(err)) status = CK_E_NO_DEVICE;
    else if (err == cudaErrorMemoryAllocation) status = CK_E_NOMEM;
    /* Reset the runtime's per-thread "last error" so a later, unrelated call does not see it.
     * Sticky errors (a faulted context) stay, and every later call reports them again. */
    (void)cudaGetLastError();
    return cki_error(ctx, status, NULL, "%s: %s: %s", what ? what : "CUDA", cudaGetErrorName(err),
                     cudaGetErrorString(err));
}

extern "C" bool ck_built_with_cuda(void) { return true; }

/* No cached answer on purpose (no global mutable state); after the runtime's one-time
 * initialisation cudaGetDeviceCount is cheap. */
extern "C" bool ck_cuda_device_available(void)
{
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        (void)cudaGetLastError();
        return false;
    }
    return count > 0;
}

extern "C" ck_status_t cki_cuda_mem_info(ck_ctx_t *ctx, size_t *free_bytes, size_t *total_bytes)
{
    size_t f = 0, t = 0;
    cudaError_t err = cudaMemGetInfo(&f, &t);
    if (err != cudaSuccess) return cki_cuda_status(ctx, err, "cudaMemGetInfo");
    if (free_bytes) *free_bytes = f;
    if (total_bytes) *total_bytes = t;
    return CK_OK;
}
