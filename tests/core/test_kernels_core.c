/* Tests of the typed core kernels: ck_vector_add, ck_reduce_sum, ck_matmul.
 *
 * Oracles: fixtures written by tests/data/core/kernels/gen_kernels.py (numpy a + b and a @ b,
 * Python math.fsum), checked with the spec tolerances; plus hand-checked values, thread-count
 * invariance, cancellation, bad input and allocation failure. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_sweep.h"
#include "ckernels/core_kernels.h"
#include "internal.h"

#define DATA_DIR CK_TEST_DATA_DIR "/core/kernels/"

/* ------------------------------------------------------------------ helpers */

static ck_ctx_t *new_ctx(int threads)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_ctx_set_threads(ctx, threads), CK_OK);
    return ctx;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    cr_assert_not_null(p);
    return p;
}

static int same_bits(double x, double y) { return memcmp(&x, &y, sizeof x) == 0; }

/* Fixture reader: whitespace-separated tokens, '#' comment lines skipped. */
typedef struct {
    FILE *f;
} fixture_t;

static void fx_open(fixture_t *fx, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", DATA_DIR, name);
    fx->f = fopen(path, "r");
    cr_assert_not_null(fx->f, "cannot open fixture %s", path);
}

/* Next token into buf; false at end of file. */
static int fx_token(fixture_t *fx, char *buf, size_t size)
{
    int ch;
    for (;;) {
        ch = fgetc(fx->f);
        if (ch == EOF) return 0;
        if (ch == '#') {
            while (ch != '\n' && ch != EOF) ch = fgetc(fx->f);
            continue;
        }
        if (ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r') break;
    }
    size_t n = 0;
    while (ch != EOF && ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r') {
        cr_assert_lt(n + 1, size, "fixture token too long");
        buf[n++] = (char)ch;
        ch = fgetc(fx->f);
    }
    buf[n] = '\0';
    return 1;
}

static double fx_double(fixture_t *fx)
{
    char buf[128], *end;
    cr_assert(fx_token(fx, buf, sizeof buf), "fixture ended early");
    double v = strtod(buf, &end);
    cr_assert(*end == '\0', "bad number '%s' in fixture", buf);
    return v;
}

static int64_t fx_int(fixture_t *fx)
{
    char buf[64], *end;
    cr_assert(fx_token(fx, buf, sizeof buf), "fixture ended early");
    long long v = strtoll(buf, &end, 10);
    cr_assert(*end == '\0', "bad integer '%s' in fixture", buf);
    return (int64_t)v;
}

static double *fx_doubles(fixture_t *fx, int64_t n)
{
    double *v = xmalloc((size_t)n * sizeof *v);
    for (int64_t i = 0; i < n; i++) v[i] = fx_double(fx);
    return v;
}

/* The generator of gen_kernels.py (splitmix64 + ldexp): mixed signs and magnitudes. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double *gen_mixed(int64_t n, uint64_t seed)
{
    double *x = xmalloc((size_t)n * sizeof *x);
    for (int64_t i = 0; i < n; i++) {
        uint64_t r = splitmix64(&seed);
        x[i] = ldexp((double)(r >> 11) * 0x1p-53 - 0.5, (int)(r & 63) - 32);
    }
    return x;
}

static double formula_a(int64_t i, int64_t j) { return (double)((i * 131 + j * 71 + 7) % 1009) / 1009.0 - 0.5; }
static double formula_b(int64_t i, int64_t j) { return (double)((i * 37 + j * 113 + 3) % 997) / 499.0 - 1.0; }

/* Progress callback that cancels the context on its first call. */
typedef struct {
    ck_ctx_t *ctx;
    int calls;
} cancel_on_progress_t;

static void cancel_on_progress(void *user, const char *kernel_id, double fraction)
{
    (void)kernel_id;
    (void)fraction;
    cancel_on_progress_t *cp = user;
    if (cp->calls++ == 0) ck_ctx_cancel(cp->ctx);
}

/* ------------------------------------------------------------------ vector add */

Test(vector_add, numpy_fixtures_exact)
{
    fixture_t fx;
    fx_open(&fx, "vector_add.txt");
    char tok[128];
    int cases = 0;
    for (int threads = 1; threads <= 2; threads++) {
        rewind(fx.f);
        ck_ctx_t *ctx = new_ctx(threads);
        while (fx_token(&fx, tok, sizeof tok)) {
            cr_assert_str_eq(tok, "case");
            char name[64];
            cr_assert(fx_token(&fx, name, sizeof name));
            int64_t n = fx_int(&fx);
            double *a = xmalloc((size_t)n * sizeof(double)), *b = xmalloc((size_t)n * sizeof(double));
            double *want = xmalloc((size_t)n * sizeof(double)), *c = xmalloc((size_t)n * sizeof(double));
            for (int64_t i = 0; i < n; i++) {
                a[i] = fx_double(&fx);
                b[i] = fx_double(&fx);
                want[i] = fx_double(&fx);
            }
            cr_assert_eq(ck_vector_add(ctx, c, a, b, n), CK_OK, "%s: %s", name, ck_ctx_error(ctx));
            cr_assert_eq(ck_ctx_last_backend(ctx), CK_BACKEND_CPU);
            for (int64_t i = 0; i < n; i++) {
                /* exact: same bits, except that any NaN matches any NaN */
                cr_assert(same_bits(c[i], want[i]) || (isnan(c[i]) && isnan(want[i])),
                          "%s[%lld]: got %a, numpy %a", name, (long long)i, c[i], want[i]);
            }
            /* c aliasing a, then b */
            if (n > 0) {
                memcpy(c, a, (size_t)n * sizeof(double));
                cr_assert_eq(ck_vector_add(ctx, c, c, b, n), CK_OK);
                for (int64_t i = 0; i < n; i++)
                    cr_assert(same_bits(c[i], want[i]) || (isnan(c[i]) && isnan(want[i])));
                memcpy(c, b, (size_t)n * sizeof(double));
                cr_assert_eq(ck_vector_add(ctx, c, a, c, n), CK_OK);
                for (int64_t i = 0; i < n; i++)
                    cr_assert(same_bits(c[i], want[i]) || (isnan(c[i]) && isnan(want[i])));
            }
            free(a);
            free(b);
            free(c);
            free(want);
            cases++;
        }
        ck_ctx_destroy(&ctx);
    }
    fclose(fx.f);
    cr_assert_eq(cases, 10);
}

Test(vector_add, empty_and_single)
{
    ck_ctx_t *ctx = new_ctx(0);
    cr_assert_eq(ck_vector_add(ctx, NULL, NULL, NULL, 0), CK_OK);
    double a = 0.1, b = 0.2, c = 0.0;
    cr_assert_eq(ck_vector_add(ctx, &c, &a, &b, 1), CK_OK);
    cr_assert(same_bits(c, 0x1.3333333333334p-2)); /* 0.1 + 0.2 = 0.30000000000000004 */
    ck_ctx_destroy(&ctx);
}

/* Large enough for several parallel blocks and the GPU threshold: c = 1.5 i exactly. */
Test(vector_add, large_blocks_and_dispatch)
{
    const int64_t n = CK_VECTOR_ADD_GPU_MIN + 12345;
    double *a = xmalloc((size_t)n * sizeof(double)), *b = xmalloc((size_t)n * sizeof(double));
    double *c = xmalloc((size_t)n * sizeof(double));
    for (int64_t i = 0; i < n; i++) {
        a[i] = (double)i;
        b[i] = 0.5 * (double)i;
    }
    for (int threads = 1; threads <= 3; threads++) {
        ck_ctx_t *ctx = new_ctx(threads);
        memset(c, 0, (size_t)n * sizeof(double));
        cr_assert_eq(ck_vector_add(ctx, c, a, b, n), CK_OK, "%s", ck_ctx_error(ctx));
        for (int64_t i = 0; i < n; i++) cr_assert_eq(c[i], 1.5 * (double)i, "c[%lld]", (long long)i);
        cr_assert_eq(ck_ctx_last_backend(ctx), ck_cuda_device_available() ? CK_BACKEND_CUDA : CK_BACKEND_CPU);
        /* backend cpu never dispatches */
        cr_assert_eq(ck_ctx_set_backend(ctx, CK_BACKEND_CPU), CK_OK);
        cr_assert_eq(ck_vector_add(ctx, c, a, b, 100), CK_OK);
        cr_assert_eq(ck_ctx_last_backend(ctx), CK_BACKEND_CPU);
        ck_ctx_destroy(&ctx);
    }
    free(a);
    free(b);
    free(c);
}

Test(vector_add, forced_cuda_without_device_fails)
{
    if (ck_cuda_device_available()) cr_skip_test("a CUDA device is present");
    ck_ctx_t *ctx = new_ctx(0);
    cr_assert_eq(ck_ctx_set_backend(ctx, CK_BACKEND_CUDA), CK_OK);
    double a[3] = {1, 2, 3}, b[3] = {4, 5, 6}, c[3] = {0};
    cr_assert_eq(ck_vector_add(ctx, c, a, b, 3), CK_E_NO_DEVICE);
    cr_assert_eq(ck_ctx_error_status(ctx), CK_E_NO_DEVICE);
    cr_assert_neq(ck_ctx_error(ctx)[0], '\0');
    ck_ctx_destroy(&ctx);
}

Test(vector_add, bad_input)
{
    ck_ctx_t *ctx = new_ctx(0);
    double a[2] = {1, 2}, b[2] = {3, 4}, c[2];
    cr_assert_eq(ck_vector_add(ctx, c, a, b, -1), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "n");
    cr_assert_eq(ck_vector_add(ctx, c, NULL, b, 2), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "a");
    cr_assert_eq(ck_vector_add(ctx, c, a, NULL, 2), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "b");
    cr_assert_eq(ck_vector_add(ctx, NULL, a, b, 2), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "c");
    cr_assert_eq(ck_vector_add(NULL, c, a, b, 2), CK_E_INVALID_INPUT);
    ck_ctx_destroy(&ctx);
}

Test(vector_add, cancelled)
{
    ck_ctx_t *ctx = new_ctx(0);
    double a[2] = {1, 2}, b[2] = {3, 4}, c[2];
    ck_ctx_cancel(ctx);
    cr_assert_eq(ck_vector_add(ctx, c, a, b, 2), CK_E_CANCELLED);
    cr_assert_eq(ck_ctx_error_status(ctx), CK_E_CANCELLED);
    ck_ctx_reset_cancel(ctx);
    cr_assert_eq(ck_vector_add(ctx, c, a, b, 2), CK_OK);
    cr_assert_eq(c[1], 6.0);
    ck_ctx_destroy(&ctx);
}

/* ------------------------------------------------------------------ reduce sum */

static void check_sum(ck_ctx_t *ctx, const char *name, const double *x, int64_t n, double fsum, double abs_sum)
{
    ck_reduce_sum_result_t r;
    cr_assert_eq(ck_reduce_sum(ctx, &r, x, n), CK_OK, "%s: %s", name, ck_ctx_error(ctx));
    cr_assert_eq(r.count, n, "%s", name);
    /* spec: |Δ| ≤ 2^-52 · Σ|x_i| */
    cr_assert_leq(fabs(r.sum - fsum), 0x1p-52 * abs_sum, "%s: got %a, fsum %a", name, r.sum, fsum);
    if (n == 0) {
        cr_assert(isnan(r.mean), "%s: mean of nothing must be NaN", name);
        cr_assert(same_bits(r.sum, 0.0), "%s", name);
    } else {
        cr_assert(same_bits(r.mean, r.sum / (double)n), "%s: mean", name);
    }
}

Test(reduce_sum, fsum_fixtures)
{
    fixture_t fx;
    fx_open(&fx, "reduce_sum.txt");
    char tok[128];
    int cases = 0;
    for (int threads = 1; threads <= 2; threads++) {
        rewind(fx.f);
        ck_ctx_t *ctx = new_ctx(threads);
        while (fx_token(&fx, tok, sizeof tok)) {
            int generated = strcmp(tok, "gen") == 0;
            cr_assert(generated || strcmp(tok, "case") == 0, "bad fixture record '%s'", tok);
            char name[64];
            cr_assert(fx_token(&fx, name, sizeof name));
            int64_t n = fx_int(&fx);
            double fsum = fx_double(&fx), abs_sum = fx_double(&fx);
            double *x = generated ? gen_mixed(n, 12345) : fx_doubles(&fx, n);
            check_sum(ctx, name, x, n, fsum, abs_sum);
            free(x);
            cases++;
        }
        ck_ctx_destroy(&ctx);
    }
    fclose(fx.f);
    cr_assert_eq(cases, 18);
}

/* Hand-checked: Neumaier recovers what plain summation loses (plain and Kahan give 0 here). */
Test(reduce_sum, catastrophic_cancellation_exact)
{
    ck_ctx_t *ctx = new_ctx(0);
    ck_reduce_sum_result_t r;
    const double x1[] = {1e100, 1.0, -1e100};
    cr_assert_eq(ck_reduce_sum(ctx, &r, x1, 3), CK_OK);
    cr_assert_eq(r.sum, 1.0);
    cr_assert_eq(r.count, 3);
    cr_assert_eq(r.mean, 1.0 / 3.0);
    const double x2[] = {1.0, 1e100, 1.0, -1e100};
    cr_assert_eq(ck_reduce_sum(ctx, &r, x2, 4), CK_OK);
    cr_assert_eq(r.sum, 2.0);
    cr_assert_eq(r.mean, 0.5);
    /* the same across a chunk boundary: 1e100 at the end of chunk 0, -1e100 at the end of chunk 2 */
    double *x = calloc(10000, sizeof *x);
    cr_assert_not_null(x);
    x[4095] = 1e100;
    x[5000] = 1.0;
    x[9999] = -1e100;
    cr_assert_eq(ck_reduce_sum(ctx, &r, x, 10000), CK_OK);
    cr_assert_eq(r.sum, 1.0);
    free(x);
    ck_ctx_destroy(&ctx);
}

Test(reduce_sum, empty_and_single)
{
    ck_ctx_t *ctx = new_ctx(0);
    ck_reduce_sum_result_t r = {1, 1, 1};
    cr_assert_eq(ck_reduce_sum(ctx, &r, NULL, 0), CK_OK);
    cr_assert_eq(r.sum, 0.0);
    cr_assert_eq(r.count, 0);
    cr_assert(isnan(r.mean));
    const double one = -2.75;
    cr_assert_eq(ck_reduce_sum(ctx, &r, &one, 1), CK_OK);
    cr_assert_eq(r.sum, -2.75);
    cr_assert_eq(r.count, 1);
    cr_assert_eq(r.mean, -2.75);
    ck_ctx_destroy(&ctx);
}

/* IEEE semantics for non-finite input (documented in reduce_sum.c). */
Test(reduce_sum, non_finite_ieee)
{
    ck_ctx_t *ctx = new_ctx(0);
    ck_reduce_sum_result_t r;
    const double pinf[] = {1.0, INFINITY, -5.0};
    cr_assert_eq(ck_reduce_sum(ctx, &r, pinf, 3), CK_OK);
    cr_assert(isinf(r.sum) && r.sum > 0);
    const double ninf[] = {-INFINITY, 3.0};
    cr_assert_eq(ck_reduce_sum(ctx, &r, ninf, 2), CK_OK);
    cr_assert(isinf(r.sum) && r.sum < 0);
    const double both[] = {INFINITY, 1.0, -INFINITY};
    cr_assert_eq(ck_reduce_sum(ctx, &r, both, 3), CK_OK);
    cr_assert(isnan(r.sum));
    const double nan_in[] = {1.0, NAN, 2.0};
    cr_assert_eq(ck_reduce_sum(ctx, &r, nan_in, 3), CK_OK);
    cr_assert(isnan(r.sum));
    const double overflow[] = {1.7e308, 1.7e308};
    cr_assert_eq(ck_reduce_sum(ctx, &r, overflow, 2), CK_OK);
    cr_assert(isinf(r.sum) && r.sum > 0);
    ck_ctx_destroy(&ctx);
}

Test(reduce_sum, thread_count_invariance)
{
    const int64_t n = 1000000;
    double *x = gen_mixed(n, 777);
    static const int thread_counts[] = {1, 2, 3, 4, 7};
    ck_reduce_sum_result_t ref = {0, 0, 0};
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
        ck_ctx_t *ctx = new_ctx(thread_counts[t]);
        ck_reduce_sum_result_t r;
        cr_assert_eq(ck_reduce_sum(ctx, &r, x, n), CK_OK);
        if (t == 0)
            ref = r;
        else
            cr_assert(same_bits(r.sum, ref.sum) && same_bits(r.mean, ref.mean) && r.count == ref.count,
                      "threads=%d: %a vs %a", thread_counts[t], r.sum, ref.sum);
        ck_ctx_destroy(&ctx);
    }
    free(x);
}

Test(reduce_sum, bad_input)
{
    ck_ctx_t *ctx = new_ctx(0);
    ck_reduce_sum_result_t r;
    const double x[1] = {1};
    cr_assert_eq(ck_reduce_sum(ctx, &r, x, -3), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "n");
    cr_assert_eq(ck_reduce_sum(ctx, &r, NULL, 1), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "x");
    cr_assert_eq(ck_reduce_sum(ctx, NULL, x, 1), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "out");
    cr_assert_eq(ck_reduce_sum(NULL, &r, x, 1), CK_E_INVALID_INPUT);
    ck_ctx_destroy(&ctx);
}

Test(reduce_sum, cancellation)
{
    const int64_t n = 3000000; /* several poll points */
    double *x = gen_mixed(n, 5);
    ck_ctx_t *ctx = new_ctx(2);
    ck_reduce_sum_result_t r;
    ck_ctx_cancel(ctx);
    cr_assert_eq(ck_reduce_sum(ctx, &r, x, n), CK_E_CANCELLED);
    cr_assert_eq(ck_ctx_error_status(ctx), CK_E_CANCELLED);
    ck_ctx_reset_cancel(ctx);
    /* cancelled from the progress callback while running */
    cancel_on_progress_t cp = {ctx, 0};
    ck_ctx_set_progress(ctx, cancel_on_progress, &cp);
    cr_assert_eq(ck_reduce_sum(ctx, &r, x, n), CK_E_CANCELLED);
    cr_assert_geq(cp.calls, 1);
    ck_ctx_set_progress(ctx, NULL, NULL);
    ck_ctx_reset_cancel(ctx);
    cr_assert_eq(ck_reduce_sum(ctx, &r, x, n), CK_OK);
    ck_ctx_destroy(&ctx);
    free(x);
}

Test(reduce_sum, makes_no_allocation)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, &sweep_alloc), CK_OK); /* alloc_sweep.h's failing allocator */
    sweep_fail_at = sweep_n_allocs = 0; /* the next allocation fails (and is counted) */
    double *x = gen_mixed(100000, 9);
    ck_reduce_sum_result_t r;
    cr_assert_eq(ck_reduce_sum(ctx, &r, x, 100000), CK_OK);
    double c[4], a[4] = {1, 2, 3, 4};
    cr_assert_eq(ck_vector_add(ctx, c, a, a, 4), CK_OK);
    cr_assert_eq(sweep_n_allocs, 0);
    sweep_fail_at = -1;
    ck_ctx_destroy(&ctx);
    cr_assert_eq(sweep_live, 0);
    free(x);
}

/* ------------------------------------------------------------------ matmul */

/* spec: per entry |Δ| ≤ 1e-12 · max(1, Σ_k |a_ik·b_kj|) */
static void check_matmul(const char *name, const double *c, const double *want, const double *a, const double *b,
                         int64_t m, int64_t k, int64_t n)
{
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            double scale = 0.0;
            for (int64_t p = 0; p < k; p++) scale += fabs(a[i * k + p] * b[p * n + j]);
            double tol = 1e-12 * (scale > 1.0 ? scale : 1.0);
            cr_assert_leq(fabs(c[i * n + j] - want[i * n + j]), tol, "%s: C[%lld][%lld] = %.17g, numpy %.17g", name,
                          (long long)i, (long long)j, c[i * n + j], want[i * n + j]);
        }
}

Test(matmul, numpy_fixtures)
{
    fixture_t fx;
    fx_open(&fx, "matmul.txt");
    char tok[128];
    int cases = 0;
    while (fx_token(&fx, tok, sizeof tok)) {
        cr_assert_str_eq(tok, "case");
        char name[64], kind[16];
        cr_assert(fx_token(&fx, name, sizeof name));
        int64_t m = fx_int(&fx), k = fx_int(&fx), n = fx_int(&fx);
        cr_assert(fx_token(&fx, kind, sizeof kind));
        double *a, *b;
        if (strcmp(kind, "data") == 0) {
            a = fx_doubles(&fx, m * k);
            b = fx_doubles(&fx, k * n);
        } else {
            cr_assert_str_eq(kind, "formula");
            a = xmalloc((size_t)(m * k) * sizeof(double));
            b = xmalloc((size_t)(k * n) * sizeof(double));
            for (int64_t i = 0; i < m; i++)
                for (int64_t j = 0; j < k; j++) a[i * k + j] = formula_a(i, j);
            for (int64_t i = 0; i < k; i++)
                for (int64_t j = 0; j < n; j++) b[i * n + j] = formula_b(i, j);
        }
        double *want = fx_doubles(&fx, m * n);
        double *c = xmalloc((size_t)(m * n) * sizeof(double));
        double *c1 = xmalloc((size_t)(m * n) * sizeof(double));
        for (int threads = 1; threads <= 2; threads++) {
            ck_ctx_t *ctx = new_ctx(threads);
            for (int64_t i = 0; i < m * n; i++) c[i] = NAN; /* must all be overwritten (k == 0 too) */
            cr_assert_eq(ck_matmul(ctx, c, a, b, m, k, n), CK_OK, "%s: %s", name, ck_ctx_error(ctx));
            cr_assert_eq(ck_ctx_last_backend(ctx), CK_BACKEND_CPU);
            check_matmul(name, c, want, a, b, m, k, n);
            if (threads == 1)
                memcpy(c1, c, (size_t)(m * n) * sizeof(double));
            else
                cr_assert(m * n == 0 || memcmp(c, c1, (size_t)(m * n) * sizeof(double)) == 0,
                          "%s: 1 and 2 threads differ", name);
            ck_ctx_destroy(&ctx);
        }
        free(a);
        free(b);
        free(c);
        free(c1);
        free(want);
        cases++;
    }
    fclose(fx.f);
    cr_assert_eq(cases, 11);
}

Test(matmul, hand_checked_2x2)
{
    ck_ctx_t *ctx = new_ctx(0);
    const double a[] = {1, 2, 3, 4, 5, 6};        /* 2×3 */
    const double b[] = {7, 8, 9, 10, 11, 12};     /* 3×2 */
    double c[4];
    cr_assert_eq(ck_matmul(ctx, c, a, b, 2, 3, 2), CK_OK);
    cr_assert_eq(c[0], 58.0);
    cr_assert_eq(c[1], 64.0);
    cr_assert_eq(c[2], 139.0);
    cr_assert_eq(c[3], 154.0);
    ck_ctx_destroy(&ctx);
}

Test(matmul, zero_dimensions)
{
    ck_ctx_t *ctx = new_ctx(0);
    double c[6];
    for (int i = 0; i < 6; i++) c[i] = 99.0;
    /* k == 0: a zero matrix; a and b may be NULL since they are empty */
    cr_assert_eq(ck_matmul(ctx, c, NULL, NULL, 2, 0, 3), CK_OK);
    for (int i = 0; i < 6; i++) cr_assert(same_bits(c[i], 0.0));
    /* m == 0 or n == 0: nothing to write */
    const double a[3] = {1, 2, 3};
    cr_assert_eq(ck_matmul(ctx, NULL, NULL, a, 0, 1, 3), CK_OK);
    cr_assert_eq(ck_matmul(ctx, NULL, a, NULL, 3, 1, 0), CK_OK);
    cr_assert_eq(ck_matmul(ctx, NULL, NULL, NULL, 0, 0, 0), CK_OK);
    ck_ctx_destroy(&ctx);
}

Test(matmul, thread_count_invariance)
{
    const int64_t m = 300, k = 517, n = 310; /* several row blocks, KC slices, ragged edges */
    double *a = gen_mixed(m * k, 1), *b = gen_mixed(k * n, 2);
    double *ref = xmalloc((size_t)(m * n) * sizeof(double)), *c = xmalloc((size_t)(m * n) * sizeof(double));
    static const int thread_counts[] = {1, 2, 3, 4};
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
        ck_ctx_t *ctx = new_ctx(thread_counts[t]);
        cr_assert_eq(ck_matmul(ctx, t ? c : ref, a, b, m, k, n), CK_OK);
        if (t) cr_assert(memcmp(c, ref, (size_t)(m * n) * sizeof(double)) == 0, "threads=%d differ", thread_counts[t]);
        ck_ctx_destroy(&ctx);
    }
    /* spot-check the values against a plain triple loop with the spec tolerance */
    for (int64_t i = 0; i < m; i += 37)
        for (int64_t j = 0; j < n; j += 29) {
            double s = 0.0, scale = 0.0;
            for (int64_t p = 0; p < k; p++) {
                s += a[i * k + p] * b[p * n + j];
                scale += fabs(a[i * k + p] * b[p * n + j]);
            }
            cr_assert_leq(fabs(ref[i * n + j] - s), 1e-12 * fmax(1.0, scale));
        }
    free(a);
    free(b);
    free(c);
    free(ref);
}

Test(matmul, bad_input)
{
    ck_ctx_t *ctx = new_ctx(0);
    double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4];
    static const struct {
        int64_t m, k, n;
        const char *field;
    } bad[] = {
        {-1, 2, 2, "m"},
        {2, -1, 2, "k"},
        {2, 2, -1, "n"},
        {INT64_C(1) << 32, INT64_C(1) << 32, 1, "a"},  /* m·k·8 overflows */
        {1, INT64_C(1) << 31, INT64_C(1) << 31, "b"},  /* k·n·8 overflows */
        {INT64_C(1) << 40, 0, INT64_C(1) << 40, "c"},  /* m·n overflows even with k == 0 */
        {INT64_MAX, 1, 1, "a"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(ck_matmul(ctx, c, a, b, bad[i].m, bad[i].k, bad[i].n), CK_E_INVALID_INPUT, "case %zu", i);
        cr_assert_str_eq(ck_ctx_error_field(ctx), bad[i].field, "case %zu", i);
    }
    cr_assert_eq(ck_matmul(ctx, c, NULL, b, 2, 2, 2), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "a");
    cr_assert_eq(ck_matmul(ctx, c, a, NULL, 2, 2, 2), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "b");
    cr_assert_eq(ck_matmul(ctx, NULL, a, b, 2, 2, 2), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "c");
    /* c must not alias an input */
    cr_assert_eq(ck_matmul(ctx, a, a, b, 2, 2, 2), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "c");
    cr_assert_eq(ck_matmul(ctx, b + 1, a, b, 1, 2, 2), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "c");
    cr_assert_eq(ck_matmul(NULL, c, a, b, 2, 2, 2), CK_E_INVALID_INPUT);
    ck_ctx_destroy(&ctx);
}

Test(matmul, cancellation)
{
    const int64_t m = 400, k = 300, n = 200;
    double *a = gen_mixed(m * k, 3), *b = gen_mixed(k * n, 4), *c = xmalloc((size_t)(m * n) * sizeof(double));
    for (int threads = 1; threads <= 2; threads++) {
        ck_ctx_t *ctx = new_ctx(threads);
        ck_ctx_cancel(ctx);
        cr_assert_eq(ck_matmul(ctx, c, a, b, m, k, n), CK_E_CANCELLED);
        cr_assert_eq(ck_ctx_error_status(ctx), CK_E_CANCELLED);
        ck_ctx_reset_cancel(ctx);
        cancel_on_progress_t cp = {ctx, 0};
        ck_ctx_set_progress(ctx, cancel_on_progress, &cp);
        cr_assert_eq(ck_matmul(ctx, c, a, b, m, k, n), CK_E_CANCELLED);
        cr_assert_geq(cp.calls, 1);
        ck_ctx_set_progress(ctx, NULL, NULL);
        ck_ctx_reset_cancel(ctx);
        cr_assert_eq(ck_matmul(ctx, c, a, b, m, k, n), CK_OK);
        ck_ctx_destroy(&ctx);
    }
    free(a);
    free(b);
    free(c);
}

/* Fail each allocation in turn: CK_E_NOMEM, nothing leaked, then success with correct values. */
Test(matmul, allocation_failure_sweep)
{
    const int64_t m = 150, k = 40, n = 30;
    double *a = gen_mixed(m * k, 6), *b = gen_mixed(k * n, 7);
    double *c = xmalloc((size_t)(m * n) * sizeof(double)), *ref = xmalloc((size_t)(m * n) * sizeof(double));
    ck_ctx_t *plain = new_ctx(2);
    cr_assert_eq(ck_matmul(plain, ref, a, b, m, k, n), CK_OK);
    ck_ctx_destroy(&plain);

    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, &sweep_alloc), CK_OK); /* alloc_sweep.h's failing allocator */
    cr_assert_eq(ck_ctx_set_threads(ctx, 2), CK_OK);
    const int64_t live0 = sweep_live;
    int64_t fail_at = 0;
    for (;; fail_at++) {
        sweep_n_allocs = 0;
        sweep_fail_at = fail_at;
        ck_status_t st = ck_matmul(ctx, c, a, b, m, k, n);
        cr_assert_eq(sweep_live, live0, "leak after failing allocation %lld", (long long)fail_at);
        if (st == CK_OK) break;
        cr_assert_eq(st, CK_E_NOMEM, "allocation %lld: %s", (long long)fail_at, ck_ctx_error(ctx));
        cr_assert_eq(ck_ctx_error_status(ctx), CK_E_NOMEM);
        cr_assert_lt(fail_at, 100);
    }
    cr_assert_geq(fail_at, 3, "expected a B buffer, a pointer table and per-thread A buffers");
    cr_assert(memcmp(c, ref, (size_t)(m * n) * sizeof(double)) == 0);
    sweep_fail_at = -1;
    ck_ctx_destroy(&ctx);
    cr_assert_eq(sweep_live, 0);
    free(a);
    free(b);
    free(c);
    free(ref);
}
