/* The registry: registration, duplicates, descriptor checks, lookup, listing, search, statistics,
 * and license-locked kernels. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ckernels.h"
#include "internal.h"

static ck_ctx_t *ctx;
static ck_registry_t *reg;
static void setup(void)
{
    cr_assert_eq(ck_ctx_create(&ctx, NULL), CK_OK);
    cr_assert_eq(ck_registry_create(&reg, ctx), CK_OK);
}
static void teardown(void)
{
    ck_registry_destroy(&reg);
    ck_ctx_destroy(&ctx);
}
TestSuite(registry, .init = setup, .fini = teardown);

static ck_status_t noop_json(ck_ctx_t *c, const ck_kernel_t *k, const struct json_t *in, struct json_t *out,
                             ck_run_info_t *info)
{
    (void)c, (void)k, (void)in, (void)out, (void)info;
    return CK_OK;
}

static ck_kernel_t make(const char *id, ck_domain_t d, unsigned modes, const char *desc)
{
    ck_kernel_t k = {.meta = {.id = id, .modes = modes, .domain = d, .description = desc, .version = 1},
                     .example_input = "{}", .run_json = noop_json};
    return k;
}

Test(registry, register_all_lists_the_core_kernels)
{
    cr_assert_eq(ck_registry_register_all(ctx, reg), CK_OK);
    cr_assert_eq(ck_registry_list(reg, CK_DOMAIN_CORE, 0, NULL, NULL, 0), 4); /* + the ring kernel core/echo */
    const ck_kernel_t *k = ck_registry_find(reg, "core/matmul");
    cr_assert_not_null(k);
    cr_assert_str_eq(k->meta.id, "core/matmul");
    cr_assert_eq(k->meta.domain, CK_DOMAIN_CORE);
    cr_assert_null(ck_registry_find(reg, "core/mat"));
    cr_assert_null(ck_registry_find(reg, NULL));
    cr_assert_str_eq(ck_registry_at(reg, 0)->meta.id, "core/vector-add"); /* registration order */
    cr_assert_null(ck_registry_at(reg, ck_registry_count(reg)));
    cr_assert(!ck_registry_locked(reg, "core/matmul"));
    /* Registering everything twice is a duplicate. */
    cr_assert_eq(ck_registry_register_all(ctx, reg), CK_E_DUPLICATE);
    cr_assert(strstr(ck_ctx_error(ctx), "core/vector-add: kernel id already registered"));
}

Test(registry, list_by_domain_mode_and_text)
{
    ck_kernel_t ks[] = {
        make("graph/pagerank", CK_DOMAIN_GRAPH, CK_MODE_BATCH | CK_MODE_RING, "PageRank centrality"),
        make("graph/louvain", CK_DOMAIN_GRAPH, CK_MODE_BATCH, "Louvain community detection"),
        make("risk/credit-risk-scoring", CK_DOMAIN_RISK, CK_MODE_BATCH, "Credit scoring"),
        make("orderbook/matching", CK_DOMAIN_ORDERBOOK, CK_MODE_BATCH | CK_MODE_RING, "Order matching engine"),
    };
    ks[2].meta.requires_gpu_native = true;
    for (size_t i = 0; i < 4; i++) cr_assert_eq(ck_registry_register(ctx, reg, &ks[i]), CK_OK, "%s", ck_ctx_error(ctx));
    const ck_kernel_t *out[8];
    cr_assert_eq(ck_registry_list(reg, CK_DOMAIN_GRAPH, 0, NULL, out, 8), 2);
    cr_assert_str_eq(out[0]->meta.id, "graph/pagerank");
    cr_assert_str_eq(out[1]->meta.id, "graph/louvain");
    cr_assert_eq(ck_registry_list(reg, -1, CK_MODE_RING, NULL, out, 8), 2);
    cr_assert_str_eq(out[1]->meta.id, "orderbook/matching");
    cr_assert_eq(ck_registry_list(reg, -1, 0, "COMMUNITY", out, 8), 1); /* case-insensitive, description */
    cr_assert_str_eq(out[0]->meta.id, "graph/louvain");
    cr_assert_eq(ck_registry_list(reg, -1, 0, "credit-risk", out, 8), 1); /* id */
    cr_assert_eq(ck_registry_list(reg, CK_DOMAIN_RISK, CK_MODE_RING, NULL, out, 8), 0);
    cr_assert_eq(ck_registry_list(reg, -1, 0, NULL, NULL, 0), 4); /* sizing call */
    cr_assert_eq(ck_registry_list(reg, -1, 0, NULL, out, 1), 4);  /* count beyond cap */
    cr_assert_str_eq(out[0]->meta.id, "graph/pagerank");

    ck_registry_stats_t st;
    ck_registry_stats(reg, &st);
    cr_assert_eq(st.total, 4);
    cr_assert_eq(st.locked, 0);
    cr_assert_eq(st.by_domain[CK_DOMAIN_GRAPH], 2);
    cr_assert_eq(st.by_domain[CK_DOMAIN_RISK], 1);
    cr_assert_eq(st.by_domain[CK_DOMAIN_CORE], 0);
    cr_assert_eq(st.batch, 4);
    cr_assert_eq(st.ring, 2);
    cr_assert_eq(st.iterative, 0);
    cr_assert_eq(st.gpu_native, 1);
}

Test(registry, many_kernels_grow_the_table)
{
    static char ids[300][32];
    static ck_kernel_t ks[300];
    for (int i = 0; i < 300; i++) {
        snprintf(ids[i], sizeof ids[i], "ml/kernel-%d", i);
        ks[i] = make(ids[i], CK_DOMAIN_ML, CK_MODE_BATCH, "generated");
        cr_assert_eq(ck_registry_register(ctx, reg, &ks[i]), CK_OK);
    }
    cr_assert_eq(ck_registry_count(reg), 300);
    for (int i = 0; i < 300; i++) cr_assert_eq(ck_registry_find(reg, ids[i]), &ks[i]);
    cr_assert_null(ck_registry_find(reg, "ml/kernel-300"));
}

Test(registry, malformed_descriptors_are_rejected)
{
    struct { ck_kernel_t k; const char *msg; } bad[] = {
        {make("pagerank", CK_DOMAIN_GRAPH, CK_MODE_BATCH, "d"), "id must be 'graph/<name>'"},
        {make("core/pagerank", CK_DOMAIN_GRAPH, CK_MODE_BATCH, "d"), "id must be 'graph/<name>'"},
        {make("graph/PageRank", CK_DOMAIN_GRAPH, CK_MODE_BATCH, "d"), "kebab-case"},
        {make("graph/x", CK_DOMAIN_GRAPH, 0, "d"), "invalid mode set"},
        {make("graph/x", CK_DOMAIN_GRAPH, 64, "d"), "invalid mode set"},
        {make("graph/x", CK_DOMAIN_GRAPH, CK_MODE_BATCH, ""), "missing description"},
        {make("graph/x", (ck_domain_t)99, CK_MODE_BATCH, "d"), "unknown domain"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(ck_registry_register(ctx, reg, &bad[i].k), CK_E_INVALID_INPUT, "case %zu", i);
        cr_assert(strstr(ck_ctx_error(ctx), bad[i].msg), "case %zu: %s", i, ck_ctx_error(ctx));
    }
    ck_kernel_t k = make("graph/x", CK_DOMAIN_GRAPH, CK_MODE_BATCH, "d");
    k.run_json = NULL;
    cr_assert_eq(ck_registry_register(ctx, reg, &k), CK_E_INVALID_INPUT);
    k = make("graph/x", CK_DOMAIN_GRAPH, CK_MODE_BATCH, "d");
    k.example_input = NULL;
    cr_assert_eq(ck_registry_register(ctx, reg, &k), CK_E_INVALID_INPUT);
    static const ck_param_t dup[] = {{.name = "a", .type = CK_PT_INT}, {.name = "a", .type = CK_PT_REAL}};
    k = make("graph/x", CK_DOMAIN_GRAPH, CK_MODE_BATCH, "d");
    k.params = dup;
    k.n_params = 2;
    cr_assert_eq(ck_registry_register(ctx, reg, &k), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "duplicate parameter 'a'"));
    static const ck_param_t en[] = {{.name = "m", .type = CK_PT_ENUM}};
    k.params = en;
    k.n_params = 1;
    cr_assert_eq(ck_registry_register(ctx, reg, &k), CK_E_INVALID_INPUT);
    static const ck_param_t bad_default[] = {{.name = "x", .type = CK_PT_REAL, .default_json = "0.5.1"}};
    k.params = bad_default;
    cr_assert_eq(ck_registry_register(ctx, reg, &k), CK_E_INVALID_INPUT);
    cr_assert(strstr(ck_ctx_error(ctx), "default of 'x' is not JSON"), "%s", ck_ctx_error(ctx));
    cr_assert_eq(ck_registry_count(reg), 0);
    cr_assert_eq(ck_registry_register(ctx, reg, NULL), CK_E_INVALID_INPUT);
}
