/* The core domain's kernel table: metadata, parameter tables, examples and JSON binders for
 * core/vector-add, core/reduce-sum and core/matmul. */
#include <math.h>

#include "ckernels/core_kernels.h"
#include "json_internal.h"

/* ---------------------------------------------------------------- core/vector-add */

static const ck_param_t vector_add_params[] = {
    {.name = "a", .type = CK_PT_REAL_ARRAY, .required = true, .doc = "first operand"},
    {.name = "b", .type = CK_PT_REAL_ARRAY, .required = true, .doc = "second operand, same length as a"},
};
static const ck_param_t vector_add_outputs[] = {
    {.name = "c", .type = CK_PT_REAL_ARRAY, .doc = "c[i] = a[i] + b[i]"},
};

static ck_status_t vector_add_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                   ck_run_info_t *info)
{
    (void)k;
    double *a = NULL, *b = NULL;
    ck_idx_t na, nb;
    ck_status_t status;
    CK_TRY(cki_json_reals(ctx, json_object_get(in, "a"), "a", &a, &na));
    CK_TRY(cki_json_reals(ctx, json_object_get(in, "b"), "b", &b, &nb));
    if (na != nb) {
        status = cki_invalid(ctx, "b", "has %lld values, a has %lld: lengths must match", (long long)nb, (long long)na);
        goto cleanup;
    }
    CK_TRY(ck_vector_add(ctx, a, a, b, na)); /* in place: a is ours */
    info->backend_used = ck_ctx_last_backend(ctx);
    CK_TRY(cki_json_set(ctx, out, "c", cki_json_reals_new(a, na)));
cleanup:
    cki_free(ctx, a);
    cki_free(ctx, b);
    return status;
}

/* ---------------------------------------------------------------- core/reduce-sum */

static const ck_param_t reduce_sum_params[] = {
    {.name = "values", .type = CK_PT_REAL_ARRAY, .required = true, .doc = "values to sum"},
};
static const ck_param_t reduce_sum_outputs[] = {
    {.name = "sum", .type = CK_PT_REAL, .doc = "compensated sum, identical for every thread count"},
    {.name = "count", .type = CK_PT_INT, .doc = "number of values"},
    {.name = "mean", .type = CK_PT_REAL, .doc = "sum / count; null when count is 0"},
};

static ck_status_t reduce_sum_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                                   ck_run_info_t *info)
{
    (void)k;
    (void)info;
    double *x = NULL;
    ck_idx_t n;
    ck_reduce_sum_result_t r;
    ck_status_t status;
    CK_TRY(cki_json_reals(ctx, json_object_get(in, "values"), "values", &x, &n));
    CK_TRY(ck_reduce_sum(ctx, &r, x, n));
    CK_TRY(cki_json_set(ctx, out, "sum", cki_json_real_new(r.sum)));
    CK_TRY(cki_json_set(ctx, out, "count", json_integer(r.count)));
    CK_TRY(cki_json_set(ctx, out, "mean", r.count ? cki_json_real_new(r.mean) : json_null()));
cleanup:
    cki_free(ctx, x);
    return status;
}

/* ---------------------------------------------------------------- core/matmul */

static const ck_param_t matmul_params[] = {
    {.name = "a", .type = CK_PT_MATRIX, .required = true, .doc = "left operand (m x k)"},
    {.name = "b", .type = CK_PT_MATRIX, .required = true, .doc = "right operand (k x n); b.n_rows must equal a.n_cols"},
};
static const ck_param_t matmul_outputs[] = {
    {.name = "c", .type = CK_PT_MATRIX, .doc = "{n_rows, n_cols, data}: the product, row-major"},
};

static ck_status_t matmul_json(ck_ctx_t *ctx, const ck_kernel_t *k, const json_t *in, json_t *out,
                               ck_run_info_t *info)
{
    (void)k;
    (void)info;
    cki_matrix_t a = {0}, b = {0};
    double *c = NULL;
    ck_status_t status;
    CK_TRY(cki_json_matrix(ctx, json_object_get(in, "a"), "a", &a));
    CK_TRY(cki_json_matrix(ctx, json_object_get(in, "b"), "b", &b));
    if (a.n_cols != b.n_rows) {
        status = cki_invalid(ctx, "b.n_rows", "is %lld, must equal a.n_cols = %lld", (long long)b.n_rows,
                             (long long)a.n_cols);
        goto cleanup;
    }
    if (a.n_rows && b.n_cols) {
        c = cki_mallocarray(ctx, (size_t)a.n_rows * (size_t)b.n_cols, sizeof *c);
        if (!c) {
            status = cki_nomem(ctx);
            goto cleanup;
        }
    }
    CK_TRY(ck_matmul(ctx, c, a.data, b.data, a.n_rows, a.n_cols, b.n_cols));
    CK_TRY(cki_json_set(ctx, out, "c", cki_json_matrix_new(c, a.n_rows, b.n_cols)));
cleanup:
    cki_matrix_free(ctx, &a);
    cki_matrix_free(ctx, &b);
    cki_free(ctx, c);
    return status;
}

/* ---------------------------------------------------------------- table */

#define N_(arr) (sizeof(arr) / sizeof((arr)[0]))

static const ck_kernel_t core_kernels[] = {
    {
        .meta = {.id = "core/vector-add",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_CORE,
                 .description = "Element-wise vector addition c = a + b (OpenMP; CUDA for large n)",
                 .expected_throughput = 1000000000,
                 .target_latency_us = 10.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = vector_add_params, .n_params = N_(vector_add_params),
        .outputs = vector_add_outputs, .n_outputs = N_(vector_add_outputs),
        .example_input = "{\"a\": [1.0, 2.5, -3.0], \"b\": [0.5, 0.5, 4.0]}",
        .run_json = vector_add_json,
    },
    {
        .meta = {.id = "core/reduce-sum",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_CORE,
                 .description = "Accurate parallel sum (Neumaier compensation, identical for every thread count)",
                 .expected_throughput = 2000000000,
                 .target_latency_us = 10.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = reduce_sum_params, .n_params = N_(reduce_sum_params),
        .outputs = reduce_sum_outputs, .n_outputs = N_(reduce_sum_outputs),
        .example_input = "{\"values\": [1e100, 1.0, -1e100, 0.25]}",
        .run_json = reduce_sum_json,
    },
    {
        .meta = {.id = "core/matmul",
                 .modes = CK_MODE_BATCH,
                 .domain = CK_DOMAIN_CORE,
                 .description = "Dense matrix product C = A*B in double precision (cache-blocked, OpenMP)",
                 .expected_throughput = 10000000000,
                 .target_latency_us = 100.0,
                 .requires_gpu_native = false,
                 .version = 1},
        .params = matmul_params, .n_params = N_(matmul_params),
        .outputs = matmul_outputs, .n_outputs = N_(matmul_outputs),
        .example_input = "{\"a\": [[1, 2], [3, 4]], \"b\": {\"n_rows\": 2, \"n_cols\": 3, \"data\": [5, 6, 7, 8, 9, 10]}}",
        .run_json = matmul_json,
    },
};

extern const ck_kernel_t cki_echo_kernel; /* kernels/echo.c: the ring kernel core/echo */

ck_status_t ck_core_register(ck_ctx_t *ctx, ck_registry_t *reg)
{
    for (size_t i = 0; i < N_(core_kernels); i++) {
        ck_status_t status = ck_registry_register(ctx, reg, &core_kernels[i]);
        if (CK_IS_ERROR(status)) return status;
    }
    return ck_registry_register(ctx, reg, &cki_echo_kernel);
}
