/* CKernels — core/vector-add on the GPU: c = a + b with host arrays in and out. */
#include <stdint.h>

#include <cuda_runtime.h>

#include "cuda_internal.h"

#define CKI_VADD_BLOCK 256

/* Grid-stride loop: any grid size covers any n, and the launch never exceeds grid limits. */
static __global__ void cki_vector_add_kernel(double *__restrict__ c, const double *__restrict__ a,
                                             const double *__restrict__ b, int64_t n)
{
    const int64_t stride = (int64_t)blockDim.x * gridDim.x;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        c[i] = a[i] + b[i];
}

extern "C" ck_status_t cki_cuda_vector_add(ck_ctx_t *ctx, double *c, const double *a, const double *b,
                                           ck_idx_t n)
{
    ck_status_t status = CK_OK;
    double *d_a = NULL, *d_b = NULL, *d_c = NULL;
    cudaError_t err;
    int device = 0, sms = 0, count = 0;
    size_t bytes;
    int64_t blocks;

    if (n < 0) return cki_error(ctx, CK_E_INVALID_INPUT, "n", "must be >= 0, got %lld", (long long)n);
    if (n > 0 && (!c || !a || !b))
        return cki_error(ctx, CK_E_INVALID_INPUT, !c ? "c" : !a ? "a" : "b", "NULL array with n = %lld",
                         (long long)n);
    if ((uint64_t)n > SIZE_MAX / sizeof(double))
        return cki_error(ctx, CK_E_INVALID_INPUT, "n", "%lld elements overflow the byte size", (long long)n);
    bytes = (size_t)n * sizeof(double);

    /* Even n == 0 asks for a device, so a forced CUDA call reports a missing GPU consistently. */
    err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) return cki_cuda_status(ctx, err, "cudaGetDeviceCount");
    if (count <= 0) return cki_error(ctx, CK_E_NO_DEVICE, NULL, "no CUDA device found");
    if (n == 0) return CK_OK;

    /* Pointers start NULL and cudaFree(NULL) is a no-op, so one cleanup path frees them all. */
#define CKI_CUDA_TRY(call, what)                              \
    do {                                                      \
        err = (call);                                         \
        if (err != cudaSuccess) {                             \
            status = cki_cuda_status(ctx, err, what);         \
            goto cleanup;                                     \
        }                                                     \
    } while (0)

    CKI_CUDA_TRY(cudaGetDevice(&device), "cudaGetDevice");
    CKI_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device),
                 "cudaDeviceGetAttribute");
    CKI_CUDA_TRY(cudaMalloc((void **)&d_a, bytes), "cudaMalloc(a)");
    CKI_CUDA_TRY(cudaMalloc((void **)&d_b, bytes), "cudaMalloc(b)");
    CKI_CUDA_TRY(cudaMalloc((void **)&d_c, bytes), "cudaMalloc(c)");
    CKI_CUDA_TRY(cudaMemcpy(d_a, a, bytes, cudaMemcpyHostToDevice), "cudaMemcpy(a)");
    CKI_CUDA_TRY(cudaMemcpy(d_b, b, bytes, cudaMemcpyHostToDevice), "cudaMemcpy(b)");

    /* Enough blocks to fill every SM (8 x 256 threads = 2048, an SM's maximum on Hopper), never
     * more than the data needs. */
    blocks = (n + CKI_VADD_BLOCK - 1) / CKI_VADD_BLOCK;
    if (sms > 0 && blocks > (int64_t)sms * 8) blocks = (int64_t)sms * 8;
    cki_vector_add_kernel<<<(unsigned)blocks, CKI_VADD_BLOCK>>>(d_c, d_a, d_b, n);
    CKI_CUDA_TRY(cudaGetLastError(), "vector_add kernel launch");
    /* The copy back waits for the kernel on the default stream and reports its faults too. */
    CKI_CUDA_TRY(cudaMemcpy(c, d_c, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy(c)");
#undef CKI_CUDA_TRY

cleanup:
    /* Free errors are ignored: a failed call has already set the error that matters. */
    (void)cudaFree(d_c);
    (void)cudaFree(d_b);
    (void)cudaFree(d_a);
    return status;
}
