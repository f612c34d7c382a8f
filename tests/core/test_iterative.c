/* The iterative interface (init / step / converged / result) and its batch driver, on a test
 * kernel: Heron's method for sqrt(v), whose iterates are known by hand. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "ckernels.h"
#include "json_internal.h"

typedef struct heron {
    double v, x, tol, last_delta;
    int64_t max_iter;
} heron_t;

static ck_status_t heron_init(ck_ctx_t *c, const json_t *in, ck_run_info_t *info, void **state)
{
    (void)info;
    heron_t *h = cki_malloc(c, sizeof *h);
    if (!h) return cki_nomem(c);
    h->v = json_number_value(json_object_get(in, "value"));
    h->x = h->v; /* x0 = v */
    h->tol = json_number_value(json_object_get(in, "tol"));
    h->max_iter = json_integer_value(json_object_get(in, "max_iter"));
    h->last_delta = INFINITY;
    *state = h;
    return CK_OK;
}
static ck_status_t heron_step(ck_ctx_t *c, void *state, double *delta)
{
    (void)c;
    heron_t *h = state;
    double next = 0.5 * (h->x + h->v / h->x);
    h->last_delta = fabs(next - h->x);
    h->x = next;
    *delta = h->last_delta;
    return CK_OK;
}
static bool heron_converged(const void *state)
{
    const heron_t *h = state;
    return h->last_delta <= h->tol;
}
static int64_t heron_max(const void *state) { return ((const heron_t *)state)->max_iter; }
static ck_status_t heron_result(ck_ctx_t *c, const void *state, json_t *out)
{
    return cki_json_set(c, out, "root", json_real(((const heron_t *)state)->x));
}
static void heron_destroy(ck_ctx_t *c, void *state) { cki_free(c, state); }

static const ck_iterative_ops_t heron_ops = {heron_init, heron_step, heron_converged, heron_max, heron_result,
                                             heron_destroy};
static const ck_param_t heron_params[] = {
    {.name = "value", .type = CK_PT_REAL, .required = true, .has_min = true, .min = 1e-300},
    {.name = "tol", .type = CK_PT_REAL, .default_json = "0.0", .has_min = true, .min = 0},
    {.name = "max_iter", .type = CK_PT_INT, .default_json = "100", .has_min = true, .min = 1},
};
static const ck_kernel_t heron = {
    .meta = {.id = "core/test-heron", .modes = CK_MODE_BATCH | CK_MODE_ITERATIVE, .domain = CK_DOMAIN_CORE,
             .description = "Heron's square root (iterative test kernel)", .version = 1},
    .params = heron_params, .n_params = 3,
    .example_input = "{\"value\": 2}",
    .run_json = cki_run_iterative,
    .iterative = &heron_ops,
};

static ck_ctx_t *ctx;
static ck_registry_t *reg;
static void setup(void)
{
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_registry_create(&reg, ctx), CK_OK);
    cr_assert_eq(ck_registry_register_all(ctx, reg), CK_OK);
    cr_assert_eq(ck_registry_register(ctx, reg, &heron), CK_OK);
}
static void teardown(void)
{
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
}
TestSuite(iterative, .init = setup, .fini = teardown);

static double root_of(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    cr_assert_not_null(o);
    double r = json_real_value(json_object_get(o, "root"));
    json_decref(o);
    return r;
}

Test(iterative, step_by_step_matches_hand_iterates)
{
    ck_iteration_t *it = NULL;
    cr_assert_eq(ck_iteration_begin(ctx, reg, "core/test-heron", "{\"value\": 2, \"tol\": 1e-15}", (size_t)-1, &it), CK_OK);
    double d;
    /* x0 = 2; x1 = (2 + 1)/2 = 1.5; x2 = (1.5 + 2/1.5)/2 = 17/12; x3 = 577/408. */
    cr_assert_eq(ck_iteration_step(it, &d), CK_OK);
    cr_assert_eq(d, 0.5);
    cr_assert(!ck_iteration_converged(it));
    cr_assert_eq(ck_iteration_step(it, &d), CK_OK);
    cr_assert_float_eq(d, 1.5 - 17.0 / 12.0, 1e-15, "%.17g", d);
    cr_assert_eq(ck_iteration_step(it, NULL), CK_OK);
    cr_assert_eq(ck_iteration_count(it), 3);
    char *out = NULL;
    cr_assert_eq(ck_iteration_result(it, &out), CK_NOT_CONVERGED);
    cr_assert_float_eq(root_of(out), 577.0 / 408.0, 1e-15);
    cr_assert(strstr(out, "\"converged\":false"), "%s", out);
    cr_assert(strstr(out, "\"iterations\":3"), "%s", out);
    ck_ctx_free(ctx, out);
    while (!ck_iteration_converged(it)) cr_assert_eq(ck_iteration_step(it, NULL), CK_OK);
    /* Quadratic convergence from 577/408: a few more steps reach a fixed point within an ulp of sqrt(2). */
    cr_assert_leq(ck_iteration_count(it), 7);
    cr_assert_eq(ck_iteration_result(it, &out), CK_OK);
    cr_assert_float_eq(root_of(out), sqrt(2.0), 5e-16, "%s", out); /* the floating iteration may settle 1 ulp off */
    ck_ctx_free(ctx, out);
    ck_iteration_destroy(&it);
    cr_assert_null(it);
}

Test(iterative, batch_runs_to_convergence_with_meta)
{
    char *out = NULL;
    cr_assert_eq(ck_execute_json(ctx, reg, "core/test-heron", "{\"value\": 2}", (size_t)-1, &out), CK_OK);
    cr_assert_float_eq(root_of(out), sqrt(2.0), 5e-16, "%s", out); /* the floating iteration may settle 1 ulp off */
    cr_assert(strstr(out, "\"converged\":true"), "%s", out);
    cr_assert(strstr(out, "\"iterations\":"), "%s", out);
    ck_ctx_free(ctx, out);
}

Test(iterative, iteration_limit)
{
    char *out = NULL;
    cr_assert_eq(ck_execute_json(ctx, reg, "core/test-heron", "{\"value\": 2, \"max_iter\": 2}", (size_t)-1, &out),
                 CK_NOT_CONVERGED);
    cr_assert_float_eq(root_of(out), 17.0 / 12.0, 1e-15, "%s", out);
    cr_assert(strstr(out, "\"iterations\":2"), "%s", out);
    cr_assert(strstr(out, "\"converged\":false"), "%s", out);
    ck_ctx_free(ctx, out);

    ck_iteration_t *it = NULL;
    cr_assert_eq(ck_iteration_begin(ctx, reg, "core/test-heron", "{\"value\": 9, \"max_iter\": 1}", (size_t)-1, &it), CK_OK);
    cr_assert_eq(ck_iteration_step(it, NULL), CK_OK);
    cr_assert_eq(ck_iteration_step(it, NULL), CK_E_STATE);
    cr_assert(strstr(ck_ctx_error(ctx), "iteration limit 1 reached"));
    ck_iteration_destroy(&it);
}

Test(iterative, rejects_bad_input_and_batch_kernels)
{
    ck_iteration_t *it = NULL;
    cr_assert_eq(ck_iteration_begin(ctx, reg, "core/test-heron", "{\"value\": -4}", (size_t)-1, &it), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "value");
    cr_assert_null(it);
    cr_assert_eq(ck_iteration_begin(ctx, reg, "core/reduce-sum", "{\"values\": []}", (size_t)-1, &it), CK_E_UNSUPPORTED);
    cr_assert_null(it);
}

Test(iterative, descriptor_without_ops_is_rejected)
{
    ck_kernel_t broken = heron;
    broken.meta.id = "core/test-broken";
    broken.iterative = NULL;
    cr_assert_eq(ck_registry_register(ctx, reg, &broken), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "iterative mode needs"));
}
