/* Status codes, the context (errors, allocator hooks, settings, cancel, progress), domains, modes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckernels.h"
#include "internal.h"

Test(status, every_code_has_unique_name_message_and_http)
{
    static const struct { ck_status_t code; const char *name; int http; bool retry; } rows[] = {
#define ROW_(code, value, name, msg, http, retry) {code, name, http, retry},
        CK_STATUS_LIST(ROW_)
#undef ROW_
    };
    size_t n = sizeof rows / sizeof rows[0];
    cr_assert_geq(n, 16);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(ck_status_name(rows[i].code), rows[i].name);
        cr_assert_eq(ck_status_http(rows[i].code), rows[i].http);
        cr_assert_eq(ck_status_retryable(rows[i].code), rows[i].retry);
        cr_assert(strlen(ck_status_message(rows[i].code)) > 0);
        for (size_t j = 0; j < i; j++) {
            cr_assert_neq(rows[i].code, rows[j].code);
            cr_assert_str_neq(rows[i].name, rows[j].name);
        }
    }
    cr_assert_eq(CK_OK, 0);
    cr_assert(CK_IS_ERROR(CK_E_INVALID_INPUT));
    cr_assert(!CK_IS_ERROR(CK_NOT_CONVERGED));
    cr_assert_str_eq(ck_status_name(CK_E_INVALID_INPUT), "invalid_input");
    cr_assert_eq(ck_status_http(CK_E_LICENSE), 403);
    cr_assert_eq(ck_status_http(CK_E_NOMEM), 503);
    cr_assert(ck_status_retryable(CK_E_NOMEM));
    cr_assert(!ck_status_retryable(CK_E_INVALID_INPUT));
    cr_assert_str_eq(ck_status_name((ck_status_t)-9999), "unknown");
    cr_assert_eq(ck_status_http((ck_status_t)-9999), 500);
}

Test(ctx, defaults_and_setters)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_ctx_threads(ctx), 0);
    cr_assert_eq(ck_ctx_backend(ctx), CK_BACKEND_AUTO);
    cr_assert_eq(ck_ctx_seed(ctx), 42);
    cr_assert_null(ck_ctx_license(ctx));
    cr_assert_str_eq(ck_ctx_error(ctx), "");
    cr_assert_eq(ck_ctx_error_status(ctx), CK_OK);

    cr_assert_eq(ck_ctx_set_threads(ctx, 2), CK_OK);
    cr_assert_eq(ck_ctx_threads(ctx), 2);
    cr_assert_eq(ck_ctx_set_threads(ctx, -1), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error_field(ctx), "threads");
    cr_assert(strstr(ck_ctx_error(ctx), "threads: must be >= 0") == ck_ctx_error(ctx));
    cr_assert_eq(ck_ctx_threads(ctx), 2);
    ck_ctx_clear_error(ctx);
    cr_assert_str_eq(ck_ctx_error(ctx), "");

    ck_backend_t b;
    cr_assert_eq(ck_backend_parse("cuda", &b), CK_OK);
    cr_assert_eq(b, CK_BACKEND_CUDA);
    cr_assert_eq(ck_backend_parse("gpu", &b), CK_E_NOT_FOUND);
    cr_assert_eq(ck_ctx_set_backend(ctx, CK_BACKEND_CPU), CK_OK);
    cr_assert_eq(ck_ctx_backend(ctx), CK_BACKEND_CPU);
    cr_assert_eq(ck_ctx_set_backend(ctx, (ck_backend_t)7), CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_backend_name(CK_BACKEND_AUTO), "auto");

    ck_ctx_set_seed(ctx, 12345);
    cr_assert_eq(ck_ctx_seed(ctx), 12345);

    ck_ctx_destroy(&ctx);
    cr_assert_null(ctx);
    ck_ctx_destroy(&ctx); /* no-op */
    ck_ctx_destroy(NULL);
    cr_assert_eq(ck_ctx_create(NULL, NULL), CK_E_INVALID_INPUT);
}

Test(ctx, error_message_carries_the_field_path)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    ck_status_t s = cki_invalid(ctx, "edges[17][1]", "node %d is out of range 0..%d", 9, 7);
    cr_assert_eq(s, CK_E_INVALID_INPUT);
    cr_assert_str_eq(ck_ctx_error(ctx), "edges[17][1]: node 9 is out of range 0..7");
    cr_assert_str_eq(ck_ctx_error_field(ctx), "edges[17][1]");
    cr_assert_eq(ck_ctx_error_status(ctx), CK_E_INVALID_INPUT);
    cki_error(ctx, CK_E_IO, NULL, "disk on fire");
    cr_assert_str_eq(ck_ctx_error(ctx), "disk on fire");
    cr_assert_str_eq(ck_ctx_error_field(ctx), "");
    /* Over-long fields and messages are truncated, never overflow. */
    char big[4000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cki_invalid(ctx, big, "%s", big);
    cr_assert_lt(strlen(ck_ctx_error(ctx)), (size_t)CKI_ERR_MSG_MAX);
    cr_assert_lt(strlen(ck_ctx_error_field(ctx)), (size_t)CKI_ERR_FIELD_MAX);
    ck_ctx_destroy(&ctx);
}

typedef struct counting { long mallocs, frees; long fail_at; } counting_t;
static void *c_malloc(size_t n, void *u)
{
    counting_t *c = u;
    if (c->fail_at >= 0 && c->mallocs == c->fail_at) return NULL;
    c->mallocs++;
    return malloc(n);
}
static void *c_realloc(void *p, size_t n, void *u) { (void)u; return realloc(p, n); }
static void c_free(void *p, void *u) { ((counting_t *)u)->frees++; free(p); }

Test(ctx, allocator_hooks_are_used_and_failure_is_nomem)
{
    counting_t c = {0, 0, -1};
    ck_allocator_t a = {c_malloc, c_realloc, c_free, &c};
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, &a), CK_OK);
    cr_assert_eq(c.mallocs, 1);
    void *p = ck_ctx_malloc(ctx, 100);
    cr_assert_not_null(p);
    cr_assert_eq(c.mallocs, 2);
    ck_ctx_free(ctx, p);
    ck_ctx_destroy(&ctx);
    cr_assert_eq(c.frees, 2);

    counting_t f = {0, 0, 0};
    ck_allocator_t fa = {c_malloc, c_realloc, c_free, &f};
    cr_assert_eq(ck_ctx_create(&ctx, &fa), CK_E_NOMEM);
    cr_assert_null(ctx);
    ck_allocator_t incomplete = {c_malloc, NULL, c_free, &f};
    cr_assert_eq(ck_ctx_create(&ctx, &incomplete), CK_E_INVALID_INPUT);
}

Test(ctx, calloc_rejects_size_overflow)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_null(cki_calloc(ctx, SIZE_MAX / 2, 4));
    cr_assert_null(cki_mallocarray(ctx, SIZE_MAX / 8 + 1, 8));
    double *z = cki_calloc(ctx, 4, sizeof *z);
    cr_assert_not_null(z);
    for (int i = 0; i < 4; i++) cr_assert_eq(z[i], 0.0);
    cki_free(ctx, z);
    ck_ctx_destroy(&ctx);
}

Test(ctx, alloc_limit_refuses_large_allocations_with_a_clear_message)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_ctx_alloc_limit(ctx), 0);
    ck_ctx_set_alloc_limit(ctx, 1000);
    cr_assert_eq(ck_ctx_alloc_limit(ctx), 1000);
    void *p = cki_malloc(ctx, 1000);
    cr_assert_not_null(p);
    cr_assert_null(cki_realloc(ctx, p, 1001)); /* refused: p stays valid */
    cki_free(ctx, p);
    cr_assert_null(cki_mallocarray(ctx, 126, 8));
    cr_assert_eq(cki_nomem(ctx), CK_E_NOMEM);
    cr_assert_str_eq(ck_ctx_error(ctx), "out of memory: an allocation of 1008 bytes exceeds the context's limit of 1000");
    cr_assert_eq(cki_nomem(ctx), CK_E_NOMEM); /* the size is reported once */
    cr_assert_str_eq(ck_ctx_error(ctx), "out of memory");

    /* Found by fuzzing: (4 x 0) @ (0 x 64444444444) is valid input whose output needs ~2 TB. */
    ck_registry_t *reg = NULL;
    cr_assert_eq(ck_registry_create(&reg, ctx), CK_OK);
    cr_assert_eq(ck_registry_register_all(ctx, reg), CK_OK);
    ck_ctx_set_alloc_limit(ctx, (size_t)1 << 30);
    static const char in[] = "{\"a\": {\"n_rows\": 4, \"n_cols\": 0, \"data\": []},"
                             " \"b\": {\"n_rows\": 0, \"n_cols\": 64444444444, \"data\": []}}";
    char *out = NULL;
    cr_assert_eq(ck_execute_json(ctx, reg, "core/matmul", in, sizeof in - 1, &out), CK_E_NOMEM);
    cr_assert_null(out);
    cr_assert_str_eq(ck_ctx_error(ctx),
                     "out of memory: an allocation of 2062222222208 bytes exceeds the context's limit of 1073741824");
    ck_ctx_set_alloc_limit(ctx, 0);
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
}

typedef struct progress_log { int calls; double last; char kernel[64]; } progress_log_t;
static void on_progress(void *user, const char *kernel, double fraction)
{
    progress_log_t *l = user;
    l->calls++;
    l->last = fraction;
    snprintf(l->kernel, sizeof l->kernel, "%s", kernel);
}

Test(ctx, cancel_and_progress)
{
    ck_ctx_t *ctx = NULL;
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    progress_log_t log = {0};
    ck_ctx_set_progress(ctx, on_progress, &log);
    ctx->kernel_id = "core/test";
    cr_assert_eq(cki_poll(ctx, 0.0), CK_OK); /* first call: the interval since 0 has passed */
    cr_assert_eq(log.calls, 1);
    cr_assert_eq(cki_poll(ctx, 0.5), CK_OK); /* within 50 ms: rate-limited */
    cr_assert_eq(log.calls, 1);
    cr_assert_eq(cki_poll(ctx, 1.0), CK_OK); /* completion is always reported */
    cr_assert_eq(log.calls, 2);
    cr_assert_float_eq(log.last, 1.0, 0.0);
    cr_assert_str_eq(log.kernel, "core/test");

    cr_assert(!ck_ctx_cancelled(ctx));
    ck_ctx_cancel(ctx);
    cr_assert(ck_ctx_cancelled(ctx));
    cr_assert_eq(cki_poll(ctx, 0.5), CK_E_CANCELLED);
    cr_assert(strstr(ck_ctx_error(ctx), "cancelled"));
    ck_ctx_reset_cancel(ctx);
    cr_assert_eq(cki_poll(ctx, 0.5), CK_OK);
    ck_ctx_destroy(&ctx);
}

Test(domains, fifteen_domains_with_disjoint_ring_ranges)
{
    cr_assert_eq(CK_DOMAIN_COUNT, 15);
    static const char *names[] = {"core", "graph", "ml", "compliance", "temporal", "risk", "banking", "behavioral",
                                  "orderbook", "procint", "clearing", "treasury", "accounting", "payments", "audit"};
    for (int d = 0; d < CK_DOMAIN_COUNT; d++) {
        const ck_domain_info_t *i = ck_domain_info((ck_domain_t)d);
        cr_assert_not_null(i);
        cr_assert_str_eq(i->name, names[d]);
        cr_assert_gt(i->ring_type_min, CK_RING_CONTROL_MAX);
        cr_assert_eq(i->ring_type_max - i->ring_type_min, 99);
        ck_domain_t back;
        cr_assert_eq(ck_domain_parse(names[d], &back), CK_OK);
        cr_assert_eq((int)back, d);
        for (int e = 0; e < d; e++) {
            const ck_domain_info_t *j = ck_domain_info((ck_domain_t)e);
            cr_assert(i->ring_type_max < j->ring_type_min || j->ring_type_max < i->ring_type_min);
        }
    }
    cr_assert_null(ck_domain_info(CK_DOMAIN_COUNT));
    ck_domain_t d;
    cr_assert_eq(ck_domain_parse("nope", &d), CK_E_NOT_FOUND);
    /* The seed's ranges. */
    cr_assert_eq(ck_domain_of_ring_type(250, &d), CK_OK);
    cr_assert_eq(d, CK_DOMAIN_GRAPH);
    cr_assert_eq(ck_domain_of_ring_type(500, &d), CK_OK);
    cr_assert_eq(d, CK_DOMAIN_ORDERBOOK);
    cr_assert_eq(ck_domain_of_ring_type(1599, &d), CK_OK);
    cr_assert_eq(d, CK_DOMAIN_AUDIT);
    cr_assert_eq(ck_domain_of_ring_type(150, &d), CK_OK);
    cr_assert_eq(d, CK_DOMAIN_CORE);
    cr_assert_eq(ck_domain_of_ring_type(42, &d), CK_E_NOT_FOUND);   /* runtime control */
    cr_assert_eq(ck_domain_of_ring_type(1600, &d), CK_E_NOT_FOUND); /* unassigned */
}

Test(modes, parse_and_name)
{
    ck_mode_t m;
    cr_assert_eq(ck_mode_parse("ring", &m), CK_OK);
    cr_assert_eq(m, CK_MODE_RING);
    cr_assert_eq(ck_mode_parse("Iterative", &m), CK_OK);
    cr_assert_eq(m, CK_MODE_ITERATIVE);
    cr_assert_eq(ck_mode_parse("stream", &m), CK_E_NOT_FOUND);
    cr_assert_str_eq(ck_mode_name(CK_MODE_BATCH), "batch");
    cr_assert_str_eq(ck_version(), CK_VERSION_STRING);
}
