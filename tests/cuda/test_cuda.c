/* CUDA backend test (plain C, not Criterion: CTest reads exit code 77 as "skipped").
 *
 * Always: without a usable GPU, a forced CUDA call fails with CK_E_NO_DEVICE and a clear message,
 * and backend auto falls back to the CPU with correct results. With a GPU: the GPU and CPU paths
 * give bitwise-identical results (one IEEE double addition per element is exact-rounded on both),
 * including n = 0, n = 1, large n, aliasing, and a device allocation failure that must leak no
 * device memory. Expected values come from hand-checked closed forms, not from our own output. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ckernels.h>

#include "cuda/cuda_internal.h"

static int failures;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

/* The message must say what is missing: a GPU / CUDA / device. */
static int clear_no_device_message(const char *msg)
{
    static const char *const words[] = {"cuda", "gpu", "device"};
    if (!msg || !*msg) return 0;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t len = strlen(words[w]);
        for (const char *p = msg; *p; p++)
            if (strncasecmp(p, words[w], len) == 0) return 1;
    }
    return 0;
}

/* a[i] = i, b[i] = i / 4: every a[i] + b[i] = 1.25 i is exact for i < 2^50, so the expected value
 * is known in closed form. */
static void fill_linear(double *a, double *b, ck_idx_t n)
{
    for (ck_idx_t i = 0; i < n; i++) {
        a[i] = (double)i;
        b[i] = (double)i * 0.25;
    }
}

static ck_idx_t count_linear_mismatches(const double *c, ck_idx_t n)
{
    ck_idx_t bad = 0;
    for (ck_idx_t i = 0; i < n; i++)
        if (c[i] != (double)i * 1.25) bad++;
    return bad;
}

/* Deterministic mixed-magnitude doubles (splitmix64), with specials sprinkled in: infinities,
 * signed zeros, subnormals, huge values whose sum overflows. NaN is left out because its payload
 * after an addition is not specified to match between CPU and GPU. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double random_double(uint64_t *s)
{
    static const double specials[] = {INFINITY, -INFINITY, 0.0, -0.0, 4.9406564584124654e-324,
                                      -2.2250738585072009e-308, 1.7976931348623157e308,
                                      -1.7976931348623157e308};
    uint64_t r = splitmix64(s);
    if ((r & 63) == 0) return specials[(r >> 6) % (sizeof specials / sizeof specials[0])];
    double mant = (double)(r >> 11) / 9007199254740992.0 - 0.5; /* [-0.5, 0.5) with 53 bits */
    int e = (int)((r >> 3) % 80) - 40;
    return ldexp(mant, e);
}

static int run_vector_add(ck_ctx_t *ctx, ck_backend_t backend, double *c, const double *a, const double *b,
                          ck_idx_t n, ck_status_t *st)
{
    ck_ctx_set_backend(ctx, backend);
    *st = ck_vector_add(ctx, c, a, b, n);
    return *st == CK_OK;
}

static void test_no_device(ck_ctx_t *ctx)
{
    double a[4] = {1.5, -2.0, 1e308, 0.1};
    double b[4] = {2.25, 2.0, 1e308, 0.2};
    double c[4] = {-7, -7, -7, -7};
    ck_status_t st;

    /* Forced CUDA: a clear error, the output untouched. */
    run_vector_add(ctx, CK_BACKEND_CUDA, c, a, b, 4, &st);
    CHECK(st == CK_E_NO_DEVICE, "forced cuda without a device returned %s", ck_status_name(st));
    CHECK(ck_ctx_error_status(ctx) == CK_E_NO_DEVICE, "ctx error status %s",
          ck_status_name(ck_ctx_error_status(ctx)));
    CHECK(clear_no_device_message(ck_ctx_error(ctx)), "unclear message: '%s'", ck_ctx_error(ctx));
    printf("forced cuda without a device: %s: %s\n", ck_status_name(st), ck_ctx_error(ctx));
    CHECK(c[0] == -7 && c[3] == -7, "output written on failure");

    /* The internal entry on its own: same answer, message set. */
    ck_ctx_clear_error(ctx);
    st = cki_cuda_vector_add(ctx, c, a, b, 4);
    CHECK(st == CK_E_NO_DEVICE, "cki_cuda_vector_add returned %s", ck_status_name(st));
    CHECK(clear_no_device_message(ck_ctx_error(ctx)), "unclear message: '%s'", ck_ctx_error(ctx));
    size_t fr = 1, tot = 1;
    st = cki_cuda_mem_info(ctx, &fr, &tot);
    CHECK(st == CK_E_NO_DEVICE, "cki_cuda_mem_info returned %s", ck_status_name(st));

    /* Auto: the CPU runs, results by hand: 1.5+2.25, -2+2, 1e308+1e308 overflows, 0.1+0.2. */
    ck_ctx_clear_error(ctx);
    CHECK(run_vector_add(ctx, CK_BACKEND_AUTO, c, a, b, 4, &st), "auto returned %s: %s", ck_status_name(st),
          ck_ctx_error(ctx));
    CHECK(ck_ctx_last_backend(ctx) == CK_BACKEND_CPU, "auto ran on %s", ck_backend_name(ck_ctx_last_backend(ctx)));
    CHECK(c[0] == 3.75 && c[1] == 0.0 && isinf(c[2]) && c[2] > 0 && c[3] == 0.30000000000000004,
          "auto small: %.17g %.17g %.17g %.17g", c[0], c[1], c[2], c[3]);

    /* Auto above the GPU threshold still falls back to the CPU. */
    ck_idx_t n = CK_VECTOR_ADD_GPU_MIN + 3;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y), *z = malloc((size_t)n * sizeof *z);
    if (!x || !y || !z) {
        fprintf(stderr, "test: out of host memory\n");
        exit(1);
    }
    fill_linear(x, y, n);
    CHECK(run_vector_add(ctx, CK_BACKEND_AUTO, z, x, y, n, &st), "auto large returned %s: %s", ck_status_name(st),
          ck_ctx_error(ctx));
    CHECK(ck_ctx_last_backend(ctx) == CK_BACKEND_CPU, "auto large ran on %s",
          ck_backend_name(ck_ctx_last_backend(ctx)));
    CHECK(count_linear_mismatches(z, n) == 0, "auto large: wrong sums");
    free(x);
    free(y);
    free(z);
}

/* GPU against CPU, bitwise, for one n. */
static void compare_gpu_cpu(ck_ctx_t *ctx, ck_idx_t n, uint64_t seed)
{
    size_t bytes = (size_t)(n > 0 ? n : 1) * sizeof(double);
    double *a = malloc(bytes), *b = malloc(bytes), *c_cpu = malloc(bytes), *c_gpu = malloc(bytes);
    ck_status_t st;
    if (!a || !b || !c_cpu || !c_gpu) {
        fprintf(stderr, "test: out of host memory\n");
        exit(1);
    }
    for (ck_idx_t i = 0; i < n; i++) {
        a[i] = random_double(&seed);
        b[i] = random_double(&seed);
        c_gpu[i] = -1.0;
    }
    CHECK(run_vector_add(ctx, CK_BACKEND_CPU, c_cpu, a, b, n, &st), "cpu n=%" PRId64 ": %s", n, ck_ctx_error(ctx));
    CHECK(run_vector_add(ctx, CK_BACKEND_CUDA, c_gpu, a, b, n, &st), "cuda n=%" PRId64 ": %s", n, ck_ctx_error(ctx));
    CHECK(ck_ctx_last_backend(ctx) == CK_BACKEND_CUDA, "n=%" PRId64 " ran on %s", n,
          ck_backend_name(ck_ctx_last_backend(ctx)));
    ck_idx_t bad = 0;
    for (ck_idx_t i = 0; i < n; i++) {
        /* The CPU result is itself checked against C's own addition so the reference is independent
         * of ck_vector_add. */
        double want = a[i] + b[i];
        if (memcmp(&c_gpu[i], &want, sizeof want) != 0 || memcmp(&c_cpu[i], &want, sizeof want) != 0) {
            if (bad < 5)
                fprintf(stderr, "n=%" PRId64 " i=%" PRId64 ": %.17g + %.17g: gpu %.17g cpu %.17g want %.17g\n", n, i,
                        a[i], b[i], c_gpu[i], c_cpu[i], want);
            bad++;
        }
    }
    CHECK(bad == 0, "n=%" PRId64 ": %" PRId64 " mismatches", n, bad);
    free(a);
    free(b);
    free(c_cpu);
    free(c_gpu);
}

static void test_device(ck_ctx_t *ctx)
{
    ck_status_t st;
    static const ck_idx_t sizes[] = {1, 2, 3, 31, 255, 256, 257, 1000, 4099, 65537, 1000003};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) compare_gpu_cpu(ctx, sizes[i], 12345 + i);

    /* n = 0 forced: success, nothing touched (NULL arrays are fine for n == 0). */
    CHECK(run_vector_add(ctx, CK_BACKEND_CUDA, NULL, NULL, NULL, 0, &st), "cuda n=0: %s", ck_ctx_error(ctx));
    /* n = 1 forced, by hand. */
    double a1 = 0.1, b1 = 0.2, c1 = 0;
    CHECK(run_vector_add(ctx, CK_BACKEND_CUDA, &c1, &a1, &b1, 1, &st), "cuda n=1: %s", ck_ctx_error(ctx));
    CHECK(c1 == 0.30000000000000004, "cuda n=1: %.17g", c1);
    CHECK(ck_ctx_last_backend(ctx) == CK_BACKEND_CUDA, "n=1 ran on %s", ck_backend_name(ck_ctx_last_backend(ctx)));

    /* Aliasing: c == a. */
    double al[3] = {1, 2, 3}, bl[3] = {0.5, 0.25, 0.125};
    CHECK(run_vector_add(ctx, CK_BACKEND_CUDA, al, al, bl, 3, &st), "cuda alias: %s", ck_ctx_error(ctx));
    CHECK(al[0] == 1.5 && al[1] == 2.25 && al[2] == 3.125, "alias: %g %g %g", al[0], al[1], al[2]);

    /* Negative n is bad input whatever the backend. */
    ck_ctx_clear_error(ctx);
    run_vector_add(ctx, CK_BACKEND_CUDA, al, al, bl, -1, &st);
    CHECK(st == CK_E_INVALID_INPUT, "n=-1 returned %s", ck_status_name(st));

    /* Large n: forced CUDA, and auto above the threshold picks the GPU. */
    ck_idx_t n = ((ck_idx_t)1 << 27) + 5;
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b), *c = malloc((size_t)n * sizeof *c);
    if (!a || !b || !c) {
        fprintf(stderr, "test: out of host memory\n");
        exit(1);
    }
    fill_linear(a, b, n);
    memset(c, 0xff, (size_t)n * sizeof *c);
    CHECK(run_vector_add(ctx, CK_BACKEND_CUDA, c, a, b, n, &st), "cuda large: %s", ck_ctx_error(ctx));
    CHECK(count_linear_mismatches(c, n) == 0, "cuda large: wrong sums");
    memset(c, 0xff, (size_t)n * sizeof *c);
    CHECK(run_vector_add(ctx, CK_BACKEND_AUTO, c, a, b, n, &st), "auto large: %s", ck_ctx_error(ctx));
    CHECK(ck_ctx_last_backend(ctx) == CK_BACKEND_CUDA, "auto large ran on %s",
          ck_backend_name(ck_ctx_last_backend(ctx)));
    CHECK(count_linear_mismatches(c, n) == 0, "auto large: wrong sums");
    /* Auto below the threshold stays on the CPU. */
    CHECK(run_vector_add(ctx, CK_BACKEND_AUTO, c, a, b, 1000, &st), "auto small: %s", ck_ctx_error(ctx));
    CHECK(ck_ctx_last_backend(ctx) == CK_BACKEND_CPU, "auto small ran on %s",
          ck_backend_name(ck_ctx_last_backend(ctx)));
    free(a);
    free(b);
    free(c);

    /* Device allocation failure -> CK_E_NOMEM, and every buffer already allocated is freed.
     * Each buffer takes 40% of the device: the first two fit, the third cannot. The host arrays
     * are never read because the failure happens before any copy. */
    size_t free0 = 0, total = 0, free1 = 0;
    CHECK(cki_cuda_mem_info(ctx, &free0, &total) == CK_OK, "mem info: %s", ck_ctx_error(ctx));
    double dummy[1] = {0};
    for (int rep = 0; rep < 3; rep++) {
        ck_ctx_clear_error(ctx);
        ck_idx_t big = (ck_idx_t)(free0 / 100 * 40 / sizeof(double));
        st = cki_cuda_vector_add(ctx, dummy, dummy, dummy, big);
        CHECK(st == CK_E_NOMEM, "40%% buffers x3 returned %s: %s", ck_status_name(st), ck_ctx_error(ctx));
        CHECK(strstr(ck_ctx_error(ctx), "cudaMalloc") != NULL, "message: '%s'", ck_ctx_error(ctx));
    }
    /* Far beyond any device: fails on the first buffer. */
    st = cki_cuda_vector_add(ctx, dummy, dummy, dummy, (ck_idx_t)1 << 42);
    CHECK(st == CK_E_NOMEM, "2^42 elements returned %s: %s", ck_status_name(st), ck_ctx_error(ctx));
    CHECK(cki_cuda_mem_info(ctx, &free1, NULL) == CK_OK, "mem info: %s", ck_ctx_error(ctx));
    /* Allow 64 MiB of slack for the runtime's own bookkeeping; a leaked buffer is 40% of memory. */
    CHECK(free1 + ((size_t)64 << 20) >= free0, "device memory leaked: free %zu -> %zu of %zu", free0, free1, total);
    printf("device memory free before/after the failure sweep: %zu / %zu MiB (total %zu MiB)\n", free0 >> 20,
           free1 >> 20, total >> 20);
    /* The failures were not sticky: the device still works. */
    c1 = 0;
    CHECK(run_vector_add(ctx, CK_BACKEND_CUDA, &c1, &a1, &b1, 1, &st), "after failures: %s", ck_ctx_error(ctx));
    CHECK(c1 == 0.30000000000000004, "after failures: %.17g", c1);
}

int main(void)
{
    ck_ctx_t *ctx = NULL;
    if (ck_ctx_create(&ctx, NULL) != CK_OK) {
        fprintf(stderr, "ck_ctx_create failed\n");
        return 1;
    }
    printf("built with CUDA: %s, device available: %s\n", ck_built_with_cuda() ? "yes" : "no",
           ck_cuda_device_available() ? "yes" : "no");
    /* A build without CUDA never reports a device. */
    CHECK(ck_built_with_cuda() || !ck_cuda_device_available(), "device without CUDA build");

    int rc;
    if (!ck_cuda_device_available()) {
        test_no_device(ctx);
        if (failures == 0) printf("SKIP: no usable CUDA device; the no-device behaviour checks passed\n");
        rc = failures ? 1 : 77;
    } else {
        test_device(ctx);
        rc = failures ? 1 : 0;
        if (!failures) printf("PASS: GPU and CPU results agree\n");
    }
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    ck_ctx_destroy(&ctx);
    return rc;
}
