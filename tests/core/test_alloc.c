/* Allocation-failure sweep: for every k, the k-th allocation (through the ctx allocator AND
 * through jansson's hooks, which share one counter here) fails. Every call must then report
 * CK_E_NOMEM — never crash, never another error — and nothing may leak. The sweep ends at the
 * first k the scenario completes without reaching. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_sweep.h"
#include "ckernels.h"

static bool scenario_json(void)
{
    ck_ctx_t *ctx = NULL;
    ck_registry_t *reg = NULL;
    char *out = NULL;
    bool done = false;
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, 2);
    STEP(ck_registry_create(&reg, ctx));
    STEP(ck_registry_register_all(ctx, reg));
    /* The core kernels' examples. (Other domains sweep their own kernels: jansson 2.14 crashes or
     * drops a byte when an allocation fails inside a token of 14+ characters — akheron/jansson#362
     * — so swept inputs keep tokens short.) */
    const ck_kernel_t *core[8];
    size_t n_core = ck_registry_list(reg, CK_DOMAIN_CORE, 0, NULL, core, 8);
    for (size_t i = 0; i < n_core; i++) {
        const ck_kernel_t *k = core[i];
        STEP(ck_execute_json(ctx, reg, k->meta.id, k->example_input, (size_t)-1, &out));
        ck_ctx_free(ctx, out);
        out = NULL;
    }
    /* Defaults, errors and a bigger product take other allocation paths. */
    ck_status_t s = ck_execute_json(ctx, reg, "core/matmul", "{\"a\": [[1, 2]], \"b\": [[1, 2]]}", (size_t)-1, &out);
    if (s != CK_E_INVALID_INPUT) STEP(s);
    s = ck_execute_json(ctx, reg, "core/reduce-sum", "{\"values\": [1, 2,", (size_t)-1, &out);
    if (s != CK_E_INVALID_INPUT) STEP(s);
    STEP(ck_execute_json_ex(ctx, reg, "core/matmul",
                            "{\"a\": {\"n_rows\": 3, \"n_cols\": 2, \"data\": [1, 2, 3, 4, 5, 6]}, \"b\": [[1, 0], [0, 1]]}",
                            (size_t)-1, CK_JSON_INDENT, &out));
    done = true;
cleanup:
    if (ctx) ck_ctx_free(ctx, out);
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
    return done;
}

static bool scenario_kernels(void)
{
    ck_ctx_t *ctx = NULL;
    double *a = NULL, *b = NULL, *c = NULL;
    bool done = false;
    const ck_idx_t n = 300;
    a = malloc(n * n * sizeof *a);
    b = malloc(n * n * sizeof *b);
    c = malloc(n * n * sizeof *c);
    cr_assert(a && b && c);
    for (ck_idx_t i = 0; i < n * n; i++) a[i] = b[i] = (double)(i % 7);
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    ck_ctx_set_threads(ctx, 2);
    STEP(ck_matmul(ctx, c, a, b, n, n, n));
    ck_reduce_sum_result_t r;
    STEP(ck_reduce_sum(ctx, &r, a, n * n));
    STEP(ck_vector_add(ctx, c, a, b, n * n));
    done = true;
cleanup:
    ck_ctx_destroy(&ctx);
    free(a);
    free(b);
    free(c);
    return done;
}

static char *read_text(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/core/license/%s", CK_TEST_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *copy = malloc(n + 1);
    memcpy(copy, buf, n + 1);
    return copy;
}

static bool scenario_license(void)
{
    static char *license_text, *pk_text, *sk_text, *unsigned_text;
    if (!license_text) {
        license_text = read_text("community.json"); /* escape-free: see docs/design-notes.md */
        pk_text = read_text("test_a_public.key");
        sk_text = read_text("test_a_secret.key");
        unsigned_text = read_text("development_unsigned.json");
    }
    ck_ctx_t *ctx = NULL;
    ck_license_t *lic = NULL;
    ck_registry_t *reg = NULL;
    char *desc = NULL, *signed_json = NULL;
    bool done = false;
    uint8_t pk[32], sk[64];
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    STEP(ck_license_key_from_hex(ctx, pk, 32, pk_text, (size_t)-1, "pk"));
    STEP(ck_license_key_from_hex(ctx, sk, 64, sk_text, (size_t)-1, "sk"));
    STEP(ck_license_parse(ctx, &lic, license_text, (size_t)-1, pk));
    STEP(ck_license_to_json(ctx, &desc, lic, true));
    STEP(ck_ctx_set_license(ctx, lic));
    STEP(ck_registry_create(&reg, ctx));
    STEP(ck_registry_register_all(ctx, reg));
    STEP(ck_license_sign(ctx, &signed_json, unsigned_text, (size_t)-1, sk));
    done = true;
cleanup:
    if (ctx) {
        ck_ctx_free(ctx, desc);
        ck_ctx_free(ctx, signed_json);
    }
    ck_license_destroy(&lic);
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
    return done;
}

static bool scenario_k2k(void)
{
    ck_ctx_t *ctx = NULL;
    ck_iterative_state_t *it = NULL;
    ck_scatter_gather_t *sg = NULL;
    ck_fan_out_t *fo = NULL;
    ck_pipeline_t *pl = NULL;
    ck_barrier_t *bar = NULL;
    bool done = false;
    STEP(ck_ctx_create(&ctx, &sweep_alloc));
    STEP(ck_iterative_state_create(&it, ctx, NULL));
    STEP(ck_scatter_gather_create(&sg, ctx, 16));
    STEP(ck_fan_out_create(&fo, ctx, 4));
    static const int64_t caps[] = {4, 4, 4};
    STEP(ck_pipeline_create(&pl, ctx, 3, caps));
    STEP(ck_barrier_create(&bar, ctx, 2));
    done = true;
cleanup:
    ck_iterative_state_destroy(&it);
    ck_scatter_gather_destroy(&sg);
    ck_fan_out_destroy(&fo);
    ck_pipeline_destroy(&pl);
    ck_barrier_destroy(&bar);
    ck_ctx_destroy(&ctx);
    return done;
}

Test(alloc, json_execution_sweep) { sweep(scenario_json, "json", 50, SWEEP_JSON); }
Test(alloc, kernels_sweep) { sweep(scenario_kernels, "kernels", 4, SWEEP_JSON); }
Test(alloc, license_sweep) { sweep(scenario_license, "license", 20, SWEEP_JSON); }
Test(alloc, k2k_sweep) { sweep(scenario_k2k, "k2k", 6, SWEEP_JSON); }
